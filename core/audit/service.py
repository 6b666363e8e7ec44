"""The tamper-evident audit log: every write through a service appends an event in the same transaction.

Each organization has its own chain (`org:<id>`), and each person one for actions outside an organization
(`user:<id>`), so that on PostgreSQL a chain is always readable by those who append to it under RLS.
An event's hash covers its content and the previous event's hash; the verifier reports the first broken link.
The hash is keyed (HMAC-SHA-256 with CBAM_AUDIT_KEY, kept outside the database), so that someone who can write the
database cannot recompute a valid chain after editing an event; events written before the key (migration 0013)
keep their plain SHA-256 and are accepted only before a chain's first keyed event. Deleting the newest events or a
whole chain leaves valid links behind: `core.audit.anchors` compares the chains with heads written outside the
database.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, text
from sqlmodel import Session, select

from core.access import Permission
from core.access.permissions import Role
from core.settings import get_settings
from db.models import AuditEvent

GENESIS = "0" * 64
# the canonical JSON of a hashed body, built once: `json.dumps` with these options makes a new encoder per call,
# which was most of the time of hashing a million events (same output, byte for byte)
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
PLAIN_SHA256 = 1  # events written before the chain was keyed: SHA-256 of the body
HMAC_SHA256 = 2   # HMAC-SHA-256 of the body with CBAM_AUDIT_KEY
# HMAC-SHA-256 of the body in which every value of `before`/`after` is replaced by a keyed commitment to it
# (HMAC over the event's chain, seq and the value). Erasure may then replace a person's value by a marker that keeps
# only its commitment ({"$erased": commitment, "$pseudonym": token}): the hash is unchanged, so the chain still
# verifies after erasure, while editing any value that was not erased still breaks it (core.privacy.erasure).
SEALED_HMAC_SHA256 = 3
HASH_VERSION = SEALED_HMAC_SHA256
KEYED_VERSIONS = (HMAC_SHA256, SEALED_HMAC_SHA256)
ERASED, PSEUDONYM = "$erased", "$pseudonym"


def _json_default(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return _iso(value)
    return str(value)


def _iso(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands timezone-aware values back naive; they were stored as UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(value: Any) -> Any:
    """JSON-safe, as stored: what goes into `before`/`after` and the hash."""
    return json.loads(json.dumps(value, default=_json_default, sort_keys=True, ensure_ascii=False))


def event_body(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers: its content and the previous event's hash."""
    return {
        "chain": event.chain, "seq": event.seq,
        "org_id": str(event.org_id) if event.org_id else None,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "action": event.action, "entity": event.entity, "entity_id": event.entity_id,
        "before": event.before, "after": event.after, "at": _iso(event.at), "prev_hash": event.prev_hash,
    }


def is_erased(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {ERASED, PSEUDONYM}


def commitment(chain: str, seq: int, value: Any, key: bytes | None = None) -> str:
    """A keyed commitment to one value of an event (bound to the event, so equal values in two events differ)."""
    data = _CANONICAL([chain, seq, value]).encode()
    return hmac.digest(key if key is not None else get_settings().effective_audit_key, b"cbam-audit-value/1|" + data,
                       "sha256").hex()


def seal(value: Any, chain: str, seq: int, key: bytes | None = None) -> Any:
    """`before`/`after` with every leaf value replaced by its commitment; an erased leaf keeps its own."""
    if is_erased(value):
        return value[ERASED]
    if isinstance(value, dict):
        return {k: seal(v, chain, seq, key) for k, v in value.items()}
    if isinstance(value, list):
        return [seal(v, chain, seq, key) for v in value]
    return commitment(chain, seq, value, key)


def hash_body(body: dict[str, Any], version: int = HASH_VERSION, key: bytes | None = None) -> str:
    """The hash of an event's body (see `event_body`); the consultant-scale seed hashes with this too."""
    key = key if key is not None else (get_settings().effective_audit_key if version != PLAIN_SHA256 else b"")
    if version == SEALED_HMAC_SHA256:
        body = dict(body, before=seal(body["before"], body["chain"], body["seq"], key),
                    after=seal(body["after"], body["chain"], body["seq"], key))
    data = _CANONICAL(body).encode()
    if version == PLAIN_SHA256:
        return hashlib.sha256(data).hexdigest()
    if version in KEYED_VERSIONS:
        return hmac.digest(key, data, "sha256").hex()
    raise ValueError(f"unknown audit hash version {version!r}")


def compute_hash(event: AuditEvent, key: bytes | None = None) -> str:
    return hash_body(event_body(event), event.hash_version or HASH_VERSION, key)


def chain_name(org_id: uuid.UUID | None, actor_id: uuid.UUID | None) -> str:
    return f"org:{org_id}" if org_id else f"user:{actor_id}"


def record(
    session: Session, *, actor_id: uuid.UUID | None, org_id: uuid.UUID | None, action: str, entity: str,
    entity_id: object | None, before: dict | None, after: dict | None, at: datetime,
) -> AuditEvent:
    """Append an event to the chain of `org_id` (or the actor's own). Call inside the write's transaction."""
    chain = chain_name(org_id, actor_id)
    _lock_chain(session, chain)
    last = session.exec(
        select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == chain)
        .order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    event = AuditEvent(
        chain=chain, seq=(last[0] + 1) if last else 1, org_id=org_id, actor_id=actor_id, action=action,
        entity=entity, entity_id=str(entity_id) if entity_id is not None else None,
        before=canonical(before) if before is not None else None,
        after=canonical(after) if after is not None else None,
        at=at, prev_hash=last[1] if last else GENESIS, hash_version=HASH_VERSION,
    )
    event.hash = compute_hash(event)
    session.add(event)
    session.flush()  # the (chain, seq) constraint stays the last line of defence
    return event


def chain_lock_key(chain: str) -> int:
    """A stable signed 64-bit number for the chain (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(chain.encode()).digest()[:8], "big", signed=True)


def _lock_chain(session: Session, chain: str) -> None:
    """Serialise appends to one chain until the transaction ends, so that two writers never read the same last
    event. PostgreSQL: a transaction-scoped advisory lock on the chain (released at commit or rollback).
    SQLite has one writer at a time, but its driver opens the transaction only at the first write: an append that
    reads the chain before writing anything (a pack built, a first personal event) would read outside it. A write
    that touches no row takes the database's write lock now (waiting for the current writer), so the read below
    sees the last committed event and nobody can append before this transaction ends."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chain_lock_key(chain)})
    elif dialect == "sqlite":
        session.execute(text("UPDATE audit_event SET seq = seq WHERE 0 = 1"))


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    chains: int
    broken_chain: str | None = None
    broken_seq: int | None = None
    broken_id: int | None = None
    # "hash_mismatch" | "prev_hash_mismatch" | "sequence_gap" | "hash_downgrade" | "unknown_hash_version";
    # against the anchors: "truncated" | "chain_missing" | "anchor_mismatch"
    reason: str | None = None


def verify(session: Session, chain: str | None = None, batch: int = 5000,
           anchors: dict[str, tuple[int, str]] | None = None) -> VerifyResult:
    """Walk one chain (or all chains visible to the session) in order; stop at the first broken link. `anchors`
    (chain → (seq, hash) written outside the database; default: read from CBAM_AUDIT_ANCHOR_DIR) also catch a
    chain cut short, deleted, or rewritten before its anchored head."""
    if anchors is None:
        from core.audit.anchors import load_anchors

        anchors = load_anchors()
    key = get_settings().effective_audit_key
    present = [chain] if chain else list(session.exec(select(AuditEvent.chain).distinct().order_by(AuditEvent.chain)))
    if chain is None:
        names = sorted(set(present) | set(anchors))
    else:
        names = [chain]
    checked = 0
    for name in names:
        prev_hash, expected_seq, last_seq, keyed = GENESIS, 1, 0, False
        anchor = anchors.get(name)
        while True:
            rows = session.exec(
                select(AuditEvent).where(AuditEvent.chain == name, AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq).limit(batch)
            ).all()
            if not rows:
                break
            for ev in rows:
                checked += 1
                reason = _broken_link(ev, expected_seq, prev_hash, keyed, key)
                if reason is None and anchor and ev.seq == anchor[0] and ev.hash != anchor[1]:
                    reason = "anchor_mismatch"
                if reason:
                    return VerifyResult(False, checked, len(names), name, ev.seq, ev.id, reason)
                keyed = keyed or ev.hash_version in KEYED_VERSIONS
                prev_hash, expected_seq, last_seq = ev.hash, ev.seq + 1, ev.seq
            session.expunge_all()
        if anchor and last_seq < anchor[0]:
            return VerifyResult(False, checked, len(names), name, last_seq + 1, None,
                                "truncated" if last_seq else "chain_missing")
    return VerifyResult(True, checked, len(names))


def _broken_link(ev: AuditEvent, expected_seq: int, prev_hash: str, keyed: bool, key: bytes) -> str | None:
    if ev.seq != expected_seq:
        return "sequence_gap"
    if ev.prev_hash != prev_hash:
        return "prev_hash_mismatch"
    if ev.hash_version not in (PLAIN_SHA256, *KEYED_VERSIONS):
        return "unknown_hash_version"
    if keyed and ev.hash_version == PLAIN_SHA256:
        return "hash_downgrade"  # unkeyed hashes are what someone without the key could forge
    if not hmac.compare_digest(compute_hash(ev, key), ev.hash):
        return "hash_mismatch"
    return None


@dataclass
class AuditFilter:
    action: str | None = None
    entity: str | None = None
    actor_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_events(ctx, flt: AuditFilter | None = None, *, limit: int = 200, offset: int = 0) -> tuple[list[AuditEvent], int]:
    """The acting organization's events, newest first, with the total count for paging."""
    ctx.require(Permission.AUDIT_VIEW)
    flt = flt or AuditFilter()
    conds = [AuditEvent.org_id == ctx.tenant]
    if flt.action:
        conds.append(AuditEvent.action == flt.action)
    if flt.entity:
        conds.append(AuditEvent.entity == flt.entity)
    if flt.actor_id:
        conds.append(AuditEvent.actor_id == flt.actor_id)
    if flt.since:
        conds.append(AuditEvent.at >= flt.since)
    if flt.until:
        conds.append(AuditEvent.at < flt.until)
    total = ctx.session.exec(select(func.count()).select_from(AuditEvent).where(*conds)).one()
    rows = ctx.session.exec(
        select(AuditEvent).where(*conds).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)
    ).all()
    from core.privacy.access_log import record_access

    record_access(ctx, "audit_log", [e.actor_id for e in rows])  # the access log (issue 15)
    if str(ctx.role) == Role.DPO.value:
        return [_redacted(e) for e in rows], int(total)
    return list(rows), int(total)


def _personal_columns() -> dict[str, frozenset[str]]:
    """entity name (as events record it: the model's name, or the table's) → its columns holding personal data."""
    from sqlmodel import SQLModel

    from db.personal_data import INFO_KEY, PersonalData

    out: dict[str, frozenset[str]] = {}
    for mapper in SQLModel._sa_registry.mappers:
        table = mapper.local_table
        cols = frozenset(c.name for c in table.columns
                         if c.info.get(INFO_KEY) not in (None, PersonalData.NONE.value))
        out[mapper.class_.__name__.lower()] = out[table.name] = cols
    out["user"] = out.get("app_user", frozenset())
    return out


def _redacted(event: AuditEvent) -> AuditEvent:
    """A detached copy of the event whose before/after keep only personal-data fields. The DPO answers access and
    erasure requests from the log; the organization's reporting data (emissions, quantities, customers) is not
    theirs to read (they have no DATA_VIEW). The stored event, and its hash, stay as they are."""
    keep = _personal_columns().get(event.entity, frozenset())

    def strip(values: dict | None) -> dict | None:
        return None if values is None else {k: v for k, v in values.items() if k in keep}

    return AuditEvent(**{**event.model_dump(), "before": strip(event.before), "after": strip(event.after)})


def verify_organization(ctx) -> VerifyResult:
    ctx.require(Permission.AUDIT_VIEW)
    return verify(ctx.session, chain_name(ctx.tenant, None))


def audit_actions(ctx) -> list[str]:
    ctx.require(Permission.AUDIT_VIEW)
    return list(ctx.session.exec(
        select(AuditEvent.action).where(AuditEvent.org_id == ctx.tenant).distinct().order_by(AuditEvent.action)))


def actor_names(ctx, actor_ids) -> dict[uuid.UUID, str]:
    """Display names of the people behind events (members of the acting organization, past or present)."""
    from db.models import Membership, User

    ids = {i for i in actor_ids if i}
    if not ids:
        return {}
    # Only people who belong (or belonged) to the acting organization, or acted in its chain: an id from elsewhere
    # names nobody (on SQLite nothing else would stop it; on PostgreSQL RLS shows current members only).
    ours = or_(select(Membership.id).where(Membership.user_id == User.id, Membership.org_id == ctx.tenant).exists(),
               select(AuditEvent.id).where(AuditEvent.actor_id == User.id, AuditEvent.org_id == ctx.tenant).exists())
    rows = ctx.session.exec(select(User.id, User.name, User.email).where(User.id.in_(ids), ours)).all()
    return {uid: (name or email or str(uid)) for uid, name, email in rows}
