"""Finding a person's data: who they are (their identifying values) and, table by table, the rows that hold them,
driven by the data map. Runs on the operator session (every organization visible: the owner connection on
PostgreSQL), because a person's data spans the organizations they belong to and their own rows."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlmodel import Session, SQLModel

from core.errors import DomainError
from core.privacy.datamap import Entry, entries_by_table
from db.models import AuditEvent, Membership, User
from db.personal_data import PersonalData as PD

MIN_NEEDLE = 2  # a one-character "name" would match nearly every text


@dataclass
class Subject:
    email: str
    user: User | None = None
    org_ids: set[uuid.UUID] = field(default_factory=set)
    needles: list[str] = field(default_factory=list)  # the person's values as they appear in text and logs
    names: list[str] = field(default_factory=list)    # their name(s), matched whole in name columns
    # an organization acting as controller of a third party's data (an importer's contact person): only its own
    # records are found, exported or erased; the person's account and other organizations are never touched
    scope: frozenset[uuid.UUID] | None = None
    # a third party found only in organizations' contact columns (no account, no membership)
    contact_only: bool = False

    @property
    def scope_org(self) -> uuid.UUID | None:
        """The one organization a scoped subject is limited to (None when unscoped or limited to several)."""
        return next(iter(self.scope)) if self.scope is not None and len(self.scope) == 1 else None

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.user.id if self.user else None

    def mentions(self, value: Any) -> bool:
        if not isinstance(value, str) or not value:
            return False
        low = value.casefold()
        return any(n.casefold() in low for n in self.needles)


def find_subject(session: Session, email: str) -> Subject:
    email = (email or "").strip()
    user = session.execute(select(User).where(func.lower(User.email) == email.lower())).scalars().first() \
        if email else None
    conds = [func.lower(Membership.invited_email) == email.lower()]
    if user is not None:
        conds.append(Membership.user_id == user.id)
    orgs = set(session.execute(select(Membership.org_id).where(or_(*conds))).scalars().all()) if email else set()
    contact_names: list[str] = []
    contact_only = user is None and not orgs and bool(email)
    if contact_only:
        # no account: a third party whose contact details an organization keeps (an importer's contact person),
        # for which that organization is the controller; their names there are theirs too
        orgs, contact_names = _contact_orgs(session, email)
    if user is None and not orgs:
        raise DomainError("privacy.error.no_subject", email=email)
    needles = [email, *contact_names]
    if user is not None:
        needles += [user.name or "", user.phone or "", user.subject, str(user.id), user.id.hex]
    names = [user.name] if user is not None and user.name else contact_names
    return Subject(email=email.lower(), user=user, org_ids=orgs, names=[n for n in names if len(n) >= MIN_NEEDLE],
                   contact_only=contact_only,
                   needles=sorted({n for n in needles if n and len(n) >= MIN_NEEDLE}, key=len, reverse=True))


def subject_in_org(session: Session, email: str, org_id: uuid.UUID) -> Subject:
    return subject_in_orgs(session, email, {org_id})


def subject_in_orgs(session: Session, email: str, org_ids: set[uuid.UUID]) -> Subject:
    """A third party as one organization's records know them (an importer's or supplier's contact person), for
    that organization acting as controller: found by their e-mail in its contact columns, with the names kept next
    to it. A member of the organization is refused: their data is theirs to export or erase (My data), or the
    DPO's through a request."""
    email = (email or "").strip()
    if email and session.execute(select(Membership.id).outerjoin(User, User.id == Membership.user_id).where(
            Membership.org_id.in_(org_ids), Membership.status != "removed",
            or_(func.lower(Membership.invited_email) == email.lower(), func.lower(User.email) == email.lower()))
    ).first():
        raise DomainError("privacy.error.is_member", email=email)
    orgs, names = _contact_orgs(session, email, org_ids) if email else (set(), [])
    if not orgs:
        raise DomainError("privacy.error.no_subject", email=email)
    return Subject(email=email.lower(), user=None, org_ids=set(orgs), names=names, scope=frozenset(orgs),
                   contact_only=True,
                   needles=sorted({n for n in (email, *names) if n and len(n) >= MIN_NEEDLE}, key=len, reverse=True))


def _contact_orgs(session: Session, email: str, org_ids: set[uuid.UUID] | None = None
                  ) -> tuple[set[uuid.UUID], list[str]]:
    """Organizations that keep `email` in a contact column (only among `org_ids`, when given), and the names kept
    next to it (same row)."""
    orgs: set[uuid.UUID] = set()
    names: set[str] = set()
    for name, entries in entries_by_table().items():
        table = table_of(name)
        if "org_id" not in table.c:
            continue
        contacts = [e.column for e in entries if e.category == PD.CONTACT]
        identities = [e.column for e in entries if e.category == PD.IDENTITY]
        for col in contacts:
            query = select(table).where(func.lower(table.c[col]) == email.lower())
            if org_ids is not None:
                query = query.where(table.c.org_id.in_(org_ids))
            for row in session.execute(query).mappings():
                orgs.add(row["org_id"])
                names |= {row[c] for c in identities if row[c]}
    return orgs, sorted(n for n in names if len(n) >= MIN_NEEDLE)


def table_of(name: str):
    import db.models  # noqa: F401

    return SQLModel.metadata.tables[name]


def row_conditions(subject: Subject, table, entries: list[Entry]) -> list:  # noqa: ANN001
    """SQL conditions under which a row of `table` holds the person's data (OR-ed). Identifiers match the person's
    id anywhere; e-mails match anywhere; names and free text only inside the person's organizations, so a namesake
    elsewhere is not swept in."""
    uid = subject.user_id
    in_orgs = table.c.org_id.in_(subject.org_ids) if "org_id" in table.c else None
    if subject.scope is not None:
        if in_orgs is None or table.name in ("membership", "invitation_token", "privacy_request"):
            return []  # the organizations' records only: not accounts, memberships or the request register
        inside = table.c.org_id.in_(subject.scope)
        return [c & inside for c in row_conditions(replace(subject, scope=None), table, entries)]
    conds = []
    if table.name == "app_user":
        return [table.c.id == uid] if uid else []
    for e in entries:
        col = table.c[e.column]
        if e.category == PD.IDENTIFIER:
            if uid and _is_uuid(col):
                conds.append(col == uid)
        elif e.category == PD.CONTACT:
            conds.append(func.lower(col) == subject.email)
        elif e.category == PD.IDENTITY and subject.names and in_orgs is not None:
            conds.append(col.in_(subject.names) & in_orgs)
        elif e.category == PD.ACTIVITY and _is_text(col) and in_orgs is not None and subject.org_ids:
            text = func.lower(cast(col, String))
            conds.append(or_(*[text.contains(n.lower()) for n in subject.needles]) & in_orgs)
    return conds


def _is_uuid(col) -> bool:  # noqa: ANN001
    try:
        return col.type.python_type is uuid.UUID
    except NotImplementedError:
        return False


def _is_text(col) -> bool:  # noqa: ANN001
    try:
        return col.type.python_type is str
    except NotImplementedError:
        return False


def audit_events_of(session: Session, subject: Subject) -> list[AuditEvent]:
    """Events the person did, their own chain's, and events in their organizations that mention them."""
    uid = subject.user_id
    conds = []
    if uid:
        conds += [AuditEvent.actor_id == uid, AuditEvent.chain == f"user:{uid}"]
    if subject.scope is not None:
        conds = [AuditEvent.org_id.in_(subject.scope)]
    elif subject.org_ids:
        conds.append(AuditEvent.org_id.in_(subject.org_ids))
    if not conds:
        return []
    out = []
    for ev in session.execute(select(AuditEvent).where(or_(*conds)).order_by(AuditEvent.chain, AuditEvent.seq)
                           ).scalars():
        if (uid and (ev.actor_id == uid or ev.chain == f"user:{uid}" or ev.entity_id in (str(uid), uid.hex))) \
                or _json_mentions(subject, ev.before) or _json_mentions(subject, ev.after):
            out.append(ev)
    return out


def _json_mentions(subject: Subject, value: Any) -> bool:
    if isinstance(value, dict):
        return any(_json_mentions(subject, v) for v in value.values())
    if isinstance(value, list):
        return any(_json_mentions(subject, v) for v in value)
    return subject.mentions(value)


def rows_of(session: Session, subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """table → the person's rows (every column), for each table in the data map but the audit log."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, entries in entries_by_table().items():
        if name == "audit_event":
            continue
        table = table_of(name)
        conds = row_conditions(subject, table, entries)
        if not conds:
            continue
        rows = session.execute(select(table).where(or_(*conds)).order_by(*table.primary_key.columns)).mappings().all()
        if rows:
            out[name] = [dict(r) for r in rows]
    return out


@contextmanager
def operator_session() -> Iterator[Session]:
    """The owner connection (MIGRATION_DATABASE_URL, else DATABASE_URL): privacy operations read every
    organization a person belongs to, which the app role never sees at once. A connection that row-level security
    binds is refused (it would find nothing of anyone: an export empty, an erasure that erases nothing)."""
    from core.background import owner_url
    from db.session import Scope, make_engine, scoped_session

    engine = make_engine(owner_url())
    try:
        with scoped_session(Scope(), engine) as s:
            yield s
    finally:
        engine.dispose()
