"""The personal-data access log: who viewed or exported whose personal data (issue 15; GDPR Art 5(2), 32;
PIPL Art 51, 54).

The read paths that show other people's personal data (the members list, the DPO's request queue, the audit
log's page, a privacy export made by a DPO) call `record_access` with the ids of the people shown: one row per
view, never one per person, and a failure to log never fails the view (a savepoint, and a logged warning).

Each organization has its own chain (`access:<org>`). A row's hash is the audit log's keyed HMAC-SHA-256
(`core.audit.service.hash_body`, CBAM_AUDIT_KEY) over its content, where every person is represented by their
keyed pseudonym (`core.privacy.erasure.pseudonym`, `erased-…`) instead of their id: an erasure replaces the id in
the row by that same pseudonym (through the data map, like any other text), and the chain still verifies, while
changing a person in a row (or forging a pseudonym without the key) breaks it. `verify` names the first broken row.

The DPO (privacy.manage) reads the organization's log; each member reads the entries about their own data.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, select

from core.access import Permission
from core.audit.service import GENESIS, HMAC_SHA256, _iso, chain_lock_key, hash_body
from core.context import Context
from db.access_models import PersonalDataAccess

log = logging.getLogger(__name__)

HASH_VERSION = HMAC_SHA256
ACTIONS = ("view", "export")
RESOURCES = ("members", "privacy_requests", "audit_log", "privacy_export")
PSEUDONYM_PREFIX = "erased-"


def chain_of(org_id: uuid.UUID) -> str:
    return f"access:{org_id}"


def pseudonym_of(value: str) -> str:
    """The keyed pseudonym a person stands for in the hash: of their id, or the pseudonym erasure left."""
    if value.startswith(PSEUDONYM_PREFIX):
        return value
    from core.privacy.erasure import pseudonym

    return pseudonym(uuid.UUID(value), "")


def row_body(row: PersonalDataAccess) -> dict[str, Any]:
    return {
        "chain": row.chain, "seq": row.seq, "org_id": str(row.org_id), "at": _iso(row.at),
        "viewer": pseudonym_of(row.viewer), "viewer_role": row.viewer_role, "action": row.action,
        "resource": row.resource, "subjects": [pseudonym_of(s) for s in row.people], "prev_hash": row.prev_hash,
    }


def compute_hash(row: PersonalDataAccess, key: bytes | None = None) -> str:
    return hash_body(row_body(row), row.hash_version or HASH_VERSION, key)


def _lock(session: Session, chain: str) -> None:
    """Serialise appends to one chain (see core.audit.service._lock_chain)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chain_lock_key(chain)})
    elif dialect == "sqlite":
        session.execute(text("UPDATE personal_data_access SET seq = seq WHERE 0 = 1"))


def append(session: Session, *, org_id: uuid.UUID, viewer_id: uuid.UUID, viewer_role: str, action: str,
           resource: str, subjects: Iterable[uuid.UUID | None], at: datetime) -> PersonalDataAccess | None:
    """One row for one view (raises on failure; read paths call `record_access`). Nobody shown but the viewer
    themself: nothing to log."""
    people = sorted({str(s) for s in subjects if s is not None and s != viewer_id})
    if not people:
        return None
    chain = chain_of(org_id)
    _lock(session, chain)
    last = session.exec(select(PersonalDataAccess.seq, PersonalDataAccess.hash)
                        .where(PersonalDataAccess.chain == chain)
                        .order_by(PersonalDataAccess.seq.desc()).limit(1)).first()
    row = PersonalDataAccess(org_id=org_id, chain=chain, seq=(last[0] + 1) if last else 1, at=at,
                             viewer=str(viewer_id), viewer_role=str(viewer_role or ""), action=action,
                             resource=resource, subjects=" ".join(people), prev_hash=last[1] if last else GENESIS,
                             hash_version=HASH_VERSION)
    row.hash = compute_hash(row)
    session.add(row)
    session.flush()
    return row


def record_access(ctx: Context, resource: str, subjects: Iterable[uuid.UUID | None], *,
                  action: str = "view") -> None:
    """Log that the acting person was shown these people's personal data. Never fails the view: the insert runs
    in a savepoint, and an error is logged and dropped."""
    if ctx.org_id is None:
        return
    try:
        subjects = list(subjects)
        with ctx.session.begin_nested():
            append(ctx.session, org_id=ctx.org_id, viewer_id=ctx.user.id, viewer_role=str(ctx.role or ""),
                   action=action, resource=resource, subjects=subjects, at=ctx.clock.now())
    except Exception:  # noqa: BLE001  (logging an access must never cost the person the page)
        log.warning("access log: could not record %s %s in %s", action, resource, ctx.org_id, exc_info=True)


# --- reading -----------------------------------------------------------------------------------------------------


@dataclass
class AccessFilter:
    resource: str | None = None
    action: str | None = None
    viewer_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


def _mentions(person: uuid.UUID):  # noqa: ANN202
    return PersonalDataAccess.subjects.contains(str(person))


def list_access(ctx: Context, flt: AccessFilter | None = None, *, limit: int = 200,
                offset: int = 0) -> tuple[list[PersonalDataAccess], int]:
    """The organization's access log, newest first, for the DPO."""
    ctx.require(Permission.PRIVACY_MANAGE)
    flt = flt or AccessFilter()
    conds = [PersonalDataAccess.org_id == ctx.tenant]
    if flt.resource:
        conds.append(PersonalDataAccess.resource == flt.resource)
    if flt.action:
        conds.append(PersonalDataAccess.action == flt.action)
    if flt.viewer_id:
        conds.append(PersonalDataAccess.viewer == str(flt.viewer_id))
    if flt.subject_id:
        conds.append(_mentions(flt.subject_id))
    if flt.since:
        conds.append(PersonalDataAccess.at >= flt.since)
    if flt.until:
        conds.append(PersonalDataAccess.at < flt.until)
    total = ctx.session.exec(select(func.count()).select_from(PersonalDataAccess).where(*conds)).one()
    rows = ctx.session.exec(select(PersonalDataAccess).where(*conds)
                            .order_by(PersonalDataAccess.at.desc(), PersonalDataAccess.seq.desc())
                            .offset(offset).limit(limit)).all()
    return list(rows), int(total)


@dataclass
class MyAccess:
    at: datetime
    viewer: str          # the viewer's id (or pseudonym)
    viewer_role: str
    action: str
    resource: str


def my_access(ctx: Context, *, limit: int = 200) -> list[MyAccess]:
    """Who viewed or exported the acting person's data in the acting organization: only entries about them, and
    of each entry only who, when and what (not whom else it showed). Any member may read their own."""
    me = ctx.user.id
    ctx.tenant  # noqa: B018  (an organization is acting)
    rows = ctx.session.exec(select(PersonalDataAccess).where(
        PersonalDataAccess.org_id == ctx.tenant, _mentions(me))
        .order_by(PersonalDataAccess.at.desc(), PersonalDataAccess.seq.desc()).limit(limit)).all()
    # the text match is a pre-filter: keep exactly the rows that list the person
    return [MyAccess(r.at, r.viewer, r.viewer_role, r.action, r.resource) for r in rows if str(me) in r.people]


def viewer_names(ctx: Context, viewers: Iterable[str]) -> dict[str, str]:
    """Display names for viewers (members of the acting organization); an erased viewer stays a pseudonym."""
    from core.audit import actor_names

    ids = {}
    for v in viewers:
        try:
            ids[uuid.UUID(v)] = v
        except ValueError:
            continue
    names = actor_names(ctx, ids)
    return {ids[i]: n for i, n in names.items()}


# --- verifying ---------------------------------------------------------------------------------------------------


@dataclass
class AccessVerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: uuid.UUID | None = None
    reason: str | None = None  # "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap" | "bad_person"


def verify_chain(session: Session, org_id: uuid.UUID, *, batch: int = 5000) -> AccessVerifyResult:
    """Walk the organization's access chain in order; stop at the first broken row and name it."""
    import hmac

    from core.settings import get_settings

    key = get_settings().effective_audit_key
    chain = chain_of(org_id)
    prev_hash, expected, last, checked = GENESIS, 1, 0, 0
    while True:
        rows = session.exec(select(PersonalDataAccess).where(PersonalDataAccess.chain == chain,
                                                             PersonalDataAccess.seq > last)
                            .order_by(PersonalDataAccess.seq).limit(batch)).all()
        if not rows:
            return AccessVerifyResult(True, checked)
        for r in rows:
            checked += 1
            reason = None
            if r.seq != expected:
                reason = "sequence_gap"
            elif r.prev_hash != prev_hash:
                reason = "prev_hash_mismatch"
            else:
                try:
                    digest = compute_hash(r, key)
                except (ValueError, TypeError, AttributeError):
                    reason = "bad_person"  # an id that is neither an id nor a pseudonym
                else:
                    if not hmac.compare_digest(digest, r.hash):
                        reason = "hash_mismatch"
            if reason:
                return AccessVerifyResult(False, checked, r.seq, r.id, reason)
            prev_hash, expected, last = r.hash, r.seq + 1, r.seq


def verify_organization(ctx: Context) -> AccessVerifyResult:
    ctx.require(Permission.PRIVACY_MANAGE)
    return verify_chain(ctx.session, ctx.tenant)


def verify_all(session: Session) -> dict[str, AccessVerifyResult]:
    """Every organization's chain (the operator's check: `cbam privacy access-log verify`)."""
    orgs = session.exec(select(PersonalDataAccess.org_id).distinct()).all()
    return {chain_of(o): verify_chain(session, o) for o in sorted(orgs, key=str)}
