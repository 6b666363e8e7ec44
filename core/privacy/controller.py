"""The organization as controller of third parties' personal data (issue 14): an owner or DPO finds a person (an
importer's contact, a supplier's contact) across every personal-data column of the organization's records and the
evidence files' metadata, and exports, corrects or erases what the organization keeps about them, with a receipt.

Search and correction run in the organization's own scope (the app role on PostgreSQL, row-level security on).
Export and erasure run on the operator session like every privacy operation (erasure rewrites the audit log,
which the app role may only append to), limited to the organization by `Subject.scope_org`: another
organization's records, the person's own account and their memberships are never read or changed."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, String, cast, func, or_, select, update
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from core import audit
from core.access import Permission, can
from core.context import Context
from core.errors import DomainError, NotFound, ValidationFailed
from core.privacy.datamap import entries_by_table
from core.privacy.erasure import Receipt, erase
from core.privacy.export import ExportResult, build_export
from core.privacy.subject import subject_in_org, table_of
from core.validation.text import EMAIL, check_changes
from db.models import Membership, User
from db.personal_data import PersonalData as PD
from db.rls import APP_ACCESS

MIN_QUERY = 2      # a one-character search would list every text of the organization
MAX_HITS = 500     # a search shows at most this many matches (refine the words to see others)
_EMAIL = EMAIL  # core.validation.text: one shape for every stored address
# the organization's records only: not accounts, memberships, invitation links, the request register or the
# audit log (searched, never corrected: its values are changed only by an erasure, as sealed commitments)
_NOT_RECORDS = ("app_user", "membership", "invitation_token", "privacy_request", "privacy_erasure",
                "privacy_objection", "consent_record")
_SEARCHED = (PD.CONTACT, PD.IDENTITY, PD.ACTIVITY)


@dataclass(frozen=True)
class Hit:
    table: str
    row_id: str
    column: str
    category: str
    value: str
    correctable: bool


def correctable(table: str, column: str) -> bool:
    """A name or contact detail in a record the organization keeps and may change (not the audit log)."""
    entries = {e.column: e for e in entries_by_table().get(table, [])}
    e = entries.get(column)
    access = APP_ACCESS.get(table)
    return (e is not None and e.category in (PD.CONTACT, PD.IDENTITY) and table not in _NOT_RECORDS
            and table != "audit_event" and access is not None and access.update
            and _is_text(table_of(table).c[column]))


def _in_org(table, org_id: uuid.UUID):  # noqa: ANN001, ANN202
    """The organization's rows of `table` (its own row, for the organization table)."""
    return table.c.id == org_id if table.name == "organization" else table.c.org_id == org_id


def _base_type(col):  # noqa: ANN001, ANN202
    kind = col.type
    while isinstance(kind, TypeDecorator):  # sqlmodel's AutoString decorates String
        kind = kind.impl_instance
    return kind


def _is_text_or_json(col) -> bool:  # noqa: ANN001
    return isinstance(_base_type(col), String | JSON)


def _is_text(col) -> bool:  # noqa: ANN001
    return isinstance(_base_type(col), String)


def search(ctx: Context, text: str) -> list[Hit]:
    """Every personal-data value of the organization's records that contains `text` (case-insensitive): contact
    and name columns, free text, evidence file names and the audit log's recorded values."""
    ctx.require(Permission.PRIVACY_CONTROL)
    needle = (text or "").strip()
    if len(needle) < MIN_QUERY:
        raise DomainError("privacy.controller.query_too_short", min=MIN_QUERY)
    low = needle.casefold()
    hits: list[Hit] = []
    for name, entries in entries_by_table().items():
        if name in _NOT_RECORDS:
            continue
        table = table_of(name)
        if "org_id" not in table.c and name != "organization":
            continue
        cols = [e for e in entries if e.category in _SEARCHED and _is_text_or_json(table.c[e.column])]
        if not cols:
            continue
        pk = list(table.primary_key.columns)[0]
        conds = [func.lower(cast(table.c[e.column], String)).contains(low) for e in cols]
        query = select(table).where(_in_org(table, ctx.tenant), or_(*conds)).order_by(pk).limit(MAX_HITS)
        for row in ctx.session.execute(query).mappings():
            for e in cols:
                value = row[e.column]
                shown = value if isinstance(value, str) else ("" if value is None else str(value))
                if low in shown.casefold():
                    hits.append(Hit(name, str(row[pk.name]), e.column, e.category, shown,
                                    correctable(name, e.column)))
        if len(hits) >= MAX_HITS:
            break
    return hits[:MAX_HITS]


def emails_in(hits: list[Hit]) -> list[str]:
    """The contact e-mails among the matches: who can be exported or erased."""
    return sorted({h.value.strip().lower() for h in hits if h.category == PD.CONTACT and _EMAIL.fullmatch(
        h.value.strip())})


def correct(ctx: Context, *, table: str, row_id: str, column: str, current: str, value: str) -> None:
    """Rectification of a name or contact detail in one of the organization's records, saved exactly as typed
    (refused, never altered, when it breaks the text rule), refused when the record changed since it was shown."""
    ctx.require(Permission.PRIVACY_CONTROL)
    if table not in entries_by_table() or not correctable(table, column):
        raise DomainError("privacy.controller.not_correctable", table=table, column=column)
    t = table_of(table)
    pk = list(t.primary_key.columns)[0]
    try:
        key = uuid.UUID(str(row_id))
    except ValueError as e:
        raise NotFound(table, row_id) from e
    row = ctx.session.execute(select(t).where(pk == key, _in_org(t, ctx.tenant))).mappings().first()
    if row is None:
        raise NotFound(table, row_id)
    if (row[column] or "") != (current or ""):
        raise DomainError("privacy.controller.changed_meanwhile")
    value = value if value is not None else ""
    check_changes(model_of(table), {column: value})
    if column.endswith("email") and value and not _EMAIL.fullmatch(value):
        raise ValidationFailed({column: ("validation.email_format", {})})
    if value == (row[column] or ""):
        return
    changes: dict = {column: value}
    if "version" in t.c:
        changes["version"] = row["version"] + 1
    if "updated_by" in t.c:
        changes["updated_by"] = ctx.user.id
    if "updated_at" in t.c:
        changes["updated_at"] = ctx.clock.now()
    ctx.session.execute(update(t).where(pk == key, _in_org(t, ctx.tenant)).values(**changes))
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action="privacy.rectified", entity=table,
                 entity_id=key, before={column: row[column]}, after={column: value}, at=ctx.clock.now())


def model_of(table: str) -> type:
    from sqlmodel import SQLModel

    for mapper in SQLModel._sa_registry.mappers:  # the model class of the table, for its column lengths
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    raise NotFound("table", table)


def require_controller(session: Session, actor_id: uuid.UUID, org_id: uuid.UUID) -> User:
    """The actor is an active owner or DPO of the organization (the operator session has no scope to check)."""
    role = session.execute(select(Membership.role).where(
        Membership.user_id == actor_id, Membership.org_id == org_id, Membership.status == "active")).scalar()
    actor = session.get(User, actor_id)
    if actor is None or not can(role, Permission.PRIVACY_CONTROL):
        raise DomainError("privacy.controller.not_allowed")
    return actor


def export_third_party(session: Session, *, email: str, org_id: uuid.UUID, actor_id: uuid.UUID, at: datetime
                       ) -> ExportResult:
    """What the organization keeps about a third party, as the zip a person's own export is (JSON, CSV, manifest,
    dictionary, processing facts); audited in the organization's chain under the person's pseudonym."""
    actor = require_controller(session, actor_id, org_id)
    return build_export(session, email, actor_id=actor.id, at=at, subject=subject_in_org(session, email, org_id))


def erase_third_party(session: Session, *, email: str, org_id: uuid.UUID, actor_id: uuid.UUID, at: datetime,
                      dry_run: bool = False, request_id: uuid.UUID | None = None) -> Receipt:
    """Erase a third party from the organization's records only, with a receipt (dry run: what would change)."""
    actor = require_controller(session, actor_id, org_id)
    return erase(session, email, actor=actor, at=at, dry_run=dry_run, request_id=request_id, org_id=org_id)
