"""Erasure with a receipt, driven by the data map.

- rows that are the person's own (account, memberships, consent records, objections) are deleted;
- rows the organization or the law keeps are pseudonymised: author references set to NULL, names and e-mails
  blanked, the person's values in free text replaced by a pseudonym (`erased-<token>`, the same for one person);
- stored evidence files the person uploaded are removed through `core.evidence.erase_object` (the one erase path:
  the object goes once the transaction has committed);
- the audit log is kept 5 years (privacy policy §9): events keep the person's id (a pseudonym once the account is
  gone) and every value of `before`/`after` that names the person is replaced by a marker holding only its keyed
  commitment. Events are hashed over commitments (core.audit, hash version 3), so the chain still verifies.
  Events hashed before version 3 cannot be changed without breaking their chain: they are left as they are and
  counted under `retained` as `audit_event_legacy`;
- a last owner is refused until ownership is transferred or the organization closed;
- an entry in the erasure ledger (ids and a keyed digest of the e-mail) lets `replay_erasures` erase the person
  again after a database restore. Running the erasure twice changes nothing the second time.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlmodel import Session

from core import audit
from core.access import Role
from core.audit.service import ERASED, PSEUDONYM, SEALED_HMAC_SHA256, commitment, is_erased
from core.clock import FixedClock
from core.context import Context
from core.errors import DomainError
from core.privacy.datamap import DELETE, EXEMPT, REASON_AUTHOR, entries_by_table
from core.privacy.subject import Subject, audit_events_of, find_subject, row_conditions, table_of
from core.settings import get_settings
from db.evidence_models import EvidenceFile
from db.models import Membership, Organization, User
from db.personal_data import PersonalData as PD
from db.privacy_models import ErasureLedger


@dataclass
class Receipt:
    subject: str                       # the pseudonym, never the e-mail
    dry_run: bool = False
    already_erased: bool = False
    deleted: dict[str, int] = field(default_factory=dict)
    retained: dict[str, dict[str, Any]] = field(default_factory=dict)  # table → {"rows": n, "reason": key}
    files_removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "dry_run": self.dry_run, "already_erased": self.already_erased,
                "deleted": self.deleted, "retained": self.retained, "files_removed": self.files_removed}


def _key() -> bytes:
    return get_settings().effective_audit_key


def pseudonym(user_id: uuid.UUID | None, email: str) -> str:
    basis = str(user_id) if user_id else email.lower()
    return "erased-" + hmac.new(_key(), b"cbam-privacy-pseudonym|" + basis.encode(), hashlib.sha256).hexdigest()[:12]


def email_digest(email: str) -> str:
    return hmac.new(_key(), b"cbam-privacy-email|" + email.strip().lower().encode(), hashlib.sha256).hexdigest()


def last_owner_orgs(session: Session, subject: Subject) -> list[Organization]:
    if subject.user_id is None:
        return []
    out = []
    for org_id in subject.org_ids:
        owners = session.execute(select(Membership.user_id).where(
            Membership.org_id == org_id, Membership.role == Role.OWNER.value, Membership.status == "active")
        ).scalars().all()
        if subject.user_id in owners and len(set(owners)) == 1:
            out.append(session.get(Organization, org_id))
    return out


def _scrub(text: Any, subject: Subject, token: str) -> Any:
    if not isinstance(text, str):
        return text
    out = text
    for n in subject.needles:  # longest first (find_subject sorts them), so an e-mail goes before a name in it
        idx = out.casefold().find(n.casefold())
        while idx >= 0:
            out = out[:idx] + token + out[idx + len(n):]
            idx = out.casefold().find(n.casefold(), idx + len(token))
    return out


def _changes(subject: Subject, table, entries, row: dict, token: str) -> dict[str, Any]:  # noqa: ANN001
    """What pseudonymising one kept row changes."""
    uid = subject.user_id
    ch: dict[str, Any] = {}
    for e in entries:
        if e.erasure == EXEMPT:
            continue
        col = table.c[e.column]
        value = row[e.column]
        if value is None:
            continue
        if e.category == PD.IDENTIFIER:
            if uid is not None and value == uid:
                ch[e.column] = None
        elif e.category in (PD.CONTACT, PD.IDENTITY):
            if subject.mentions(value) or (isinstance(value, str) and value.strip().lower() == subject.email):
                ch[e.column] = None if col.nullable else ""
        elif isinstance(value, str):
            scrubbed = _scrub(value, subject, token)
            if scrubbed != value:
                ch[e.column] = scrubbed
        elif isinstance(value, list | dict):
            scrubbed = _scrub_json(value, subject, token)
            if scrubbed != value:
                ch[e.column] = scrubbed
    return ch


def _scrub_json(value: Any, subject: Subject, token: str) -> Any:
    if isinstance(value, dict):
        return {k: _scrub_json(v, subject, token) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, subject, token) for v in value]
    return _scrub(value, subject, token)


def _erase_audit_leaf(value: Any, subject: Subject, chain: str, seq: int, token: str) -> Any:
    if is_erased(value):
        return value
    if isinstance(value, dict):
        return {k: _erase_audit_leaf(v, subject, chain, seq, token) for k, v in value.items()}
    if isinstance(value, list):
        return [_erase_audit_leaf(v, subject, chain, seq, token) for v in value]
    if subject.mentions(value):
        return {ERASED: commitment(chain, seq, value), PSEUDONYM: token}
    return value


def erase(session: Session, subject_email: str, *, actor: User, at: datetime, dry_run: bool = False,
          request_id: uuid.UUID | None = None, org_id: uuid.UUID | set[uuid.UUID] | None = None) -> Receipt:
    """Erase one person (see the module). `session` is the operator session; the caller checks that `actor` may
    (core.privacy.service). Nothing is written with `dry_run`: the receipt says what would happen. With `org_id`,
    an organization (or several, one DPO's) erases a third party from its own records only
    (core.privacy.controller)."""
    from core.privacy.subject import subject_in_orgs

    scope = {org_id} if isinstance(org_id, uuid.UUID) else set(org_id or ())
    try:
        subject = subject_in_orgs(session, subject_email, scope) if scope else find_subject(session, subject_email)
    except DomainError as e:
        digest = email_digest(subject_email)
        done = select(ErasureLedger.id).where(ErasureLedger.email_digest == digest)
        if scope:
            done = done.where(ErasureLedger.org_id.in_(scope))
        if e.key == "privacy.error.no_subject" and session.execute(done).first():
            return Receipt(subject=pseudonym(None, subject_email), dry_run=dry_run, already_erased=True)
        raise
    blocked = last_owner_orgs(session, subject)
    if blocked:
        raise DomainError("privacy.error.last_owner", email=subject.email,
                          org=", ".join(o.name_en or o.name_zh or str(o.id) for o in blocked))
    token = pseudonym(subject.user_id, subject.email)
    receipt = Receipt(subject=token, dry_run=dry_run)
    by_table = entries_by_table()

    # 1. stored files the person uploaded: through the one erase path (removed once this transaction commits)
    if subject.user_id is not None:
        files = session.execute(select(EvidenceFile).where(EvidenceFile.uploaded_by == subject.user_id,
                                                           EvidenceFile.deleted_at.is_(None))).scalars().all()
        receipt.files_removed = len(files)
        if not dry_run:
            from core.evidence import erase_object

            for f in files:
                ctx = Context(session=session, user=actor, org_id=f.org_id, role=Role.DPO,
                              clock=FixedClock(at))
                erase_object(ctx, f, reason="erasure")
            session.flush()

    # 2. every mapped table but the account and the audit log: delete the person's rows or pseudonymise them
    # dependents before what they point at (the map lists tables in dependency order): an invitation link goes,
    # and is counted, before its membership
    for name, entries in reversed(list(by_table.items())):
        if name in ("app_user", "audit_event", "privacy_erasure"):
            continue
        table = table_of(name)
        pk = list(table.primary_key.columns)[0]
        # the person's own rows (matched through a column whose erasure is `delete`) go
        own = [e for e in entries if e.erasure == DELETE]
        own_conds = row_conditions(subject, table, own) if own else []
        if own_conds:
            ids = session.execute(select(pk).where(or_(*own_conds))).scalars().all()
            if ids:
                receipt.deleted[name] = len(ids)
                if not dry_run:
                    session.execute(delete(table).where(pk.in_(ids)))
        # the rest are kept, without the person in them
        kept = [e for e in entries if e.erasure != DELETE]
        conds = row_conditions(subject, table, kept) if kept else []
        if name == "privacy_request" and subject.user_id is not None:
            conds.append(table.c.requester_user_id == subject.user_id)
        if not conds:
            continue
        query = select(table).where(or_(*conds))
        if own_conds:
            query = query.where(~or_(*own_conds))
        rows = session.execute(query).mappings().all()
        changed, changed_cols = 0, set()
        for r in rows:
            ch = _changes(subject, table, kept, dict(r), token)
            if not ch:
                continue
            changed += 1
            changed_cols |= set(ch)
            if not dry_run:
                if "version" in table.c:
                    ch["version"] = r["version"] + 1
                session.execute(update(table).where(pk == r[pk.name]).values(**ch))
        if changed:
            # the reason of the most telling column changed: a name or text over a mere author reference
            reasons = [e.reason for e in kept if e.column in changed_cols and e.reason]
            reason = next((r for r in reasons if r != REASON_AUTHOR), reasons[0] if reasons else REASON_AUTHOR)
            receipt.retained[name] = {"rows": changed, "reason": f"privacy.{reason}"}

    # 3. the audit log: values naming the person become commitments (the chain still verifies)
    if not dry_run:
        session.flush()
    sealed, legacy = 0, 0
    for ev in audit_events_of(session, subject):
        before = _erase_audit_leaf(ev.before, subject, ev.chain, ev.seq, token)
        after = _erase_audit_leaf(ev.after, subject, ev.chain, ev.seq, token)
        if before == ev.before and after == ev.after:
            continue
        if ev.hash_version != SEALED_HMAC_SHA256:
            legacy += 1
            continue
        sealed += 1
        if not dry_run:
            session.execute(update(type(ev)).where(type(ev).id == ev.id).values(before=before, after=after))
    if sealed:
        receipt.retained["audit_event"] = {"rows": sealed, "reason": "privacy.reason.audit_log"}
    if legacy:
        receipt.retained["audit_event_legacy"] = {"rows": legacy, "reason": "privacy.reason.audit_log"}

    # 4. the account itself, the ledger entry, and the erasure's own event (ids and counts only)
    if subject.user_id is not None:
        receipt.deleted["app_user"] = 1
        if not dry_run:
            session.execute(delete(User).where(User.id == subject.user_id))
    if not dry_run:
        for scoped in sorted(subject.scope, key=str) if subject.scope is not None else (None,):
            session.add(ErasureLedger(user_id=subject.user_id, email_digest=email_digest(subject.email),
                                      erased_at=at, request_id=request_id, org_id=scoped))
        audit.record(session, actor_id=actor.id, org_id=subject.scope_org, action="privacy.erasure", entity="person",
                     entity_id=subject.user_id or token, before=None,
                     after={"pseudonym": token, "deleted": receipt.deleted,
                            "retained": {k: v["rows"] for k, v in receipt.retained.items()},
                            "files_removed": receipt.files_removed}, at=at)
        session.flush()
        session.expunge_all()
    return receipt


SYSTEM_ISSUER, SYSTEM_SUBJECT = "cbam:system", "privacy-replay"


def system_actor(session: Session, at: datetime) -> User:
    """The operator's own account, for erasures nobody performs in person (a replay after a restore)."""
    user = session.execute(select(User).where(User.issuer == SYSTEM_ISSUER, User.subject == SYSTEM_SUBJECT)
                           ).scalars().first()
    if user is None:
        user = User(issuer=SYSTEM_ISSUER, subject=SYSTEM_SUBJECT, name="system", created_at=at, updated_at=at)
        session.add(user)
        session.flush()
    return user


def replay_erasures(session: Session, *, actor: User | None, at: datetime) -> list[Receipt]:
    """Erase again everyone in the ledger who is back (a restored backup): by account id, else by e-mail digest."""
    actor = actor or system_actor(session, at)
    out = []
    for entry in session.execute(select(ErasureLedger).order_by(ErasureLedger.erased_at)).scalars().all():
        if entry.org_id is not None:
            # a third party one organization erased from its records: back in that organization's records?
            email = _contact_by_digest(session, entry.org_id, entry.email_digest)
            if email is not None:
                out.append(erase(session, email, actor=actor, at=at, request_id=entry.request_id,
                                 org_id=entry.org_id))
            continue
        user = session.get(User, entry.user_id) if entry.user_id else None
        email = user.email if user is not None and user.email else None
        if email is None:
            # an invitation that came back: find its e-mail by digest among pending invitations
            for m_email in session.execute(select(func.lower(Membership.invited_email)).distinct()).scalars():
                if email_digest(m_email) == entry.email_digest:
                    email = m_email
                    break
        if email is None:
            continue
        out.append(erase(session, email, actor=actor, at=at, request_id=entry.request_id))
    return out


def _contact_by_digest(session: Session, org_id: uuid.UUID, digest: str) -> str | None:
    """The e-mail in one organization's contact columns whose keyed digest is `digest` (the ledger keeps no
    e-mail)."""
    for name, entries in entries_by_table().items():
        table = table_of(name)
        if "org_id" not in table.c:
            continue
        for e in entries:
            if e.category != PD.CONTACT:
                continue
            col = table.c[e.column]
            for value in session.execute(select(func.lower(col)).where(table.c.org_id == org_id,
                                                                      col.is_not(None)).distinct()).scalars():
                if value and email_digest(value) == digest:
                    return value
    return None
