"""What someone with write access to the database (but not the audit key) can do to the audit log."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.audit.service import _iso
from tests.support.connections import owner_engine


def plain_hash(row) -> str:  # noqa: ANN001
    """The published body hashed with plain SHA-256: all an attacker without the key can compute."""
    body = {"chain": row.chain, "seq": row.seq, "org_id": str(row.org_id) if row.org_id else None,
            "actor_id": str(row.actor_id) if row.actor_id else None, "action": row.action, "entity": row.entity,
            "entity_id": row.entity_id, "before": _json(row.before), "after": _json(row.after),
            "at": _iso(row.at), "prev_hash": row.prev_hash}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


def _json(value):  # noqa: ANN001, ANN202
    return json.loads(value) if isinstance(value, str) else value


def rewrite_chain(engine: Engine, chain: str, *, from_seq: int, after: dict | None = None,
                  set_version: int | None = None) -> None:
    """Edit the event at `from_seq` (its `after`), then recompute every hash from there with plain SHA-256 so that
    the links hold again; with `set_version`, also mark those events with that hash version (when it exists)."""
    with owner_engine(engine).begin() as conn:
        if after is not None:
            conn.execute(text("UPDATE audit_event SET after = :a WHERE chain = :c AND seq = :s"),
                         {"a": json.dumps(after), "c": chain, "s": from_seq})
        if set_version is not None:
            conn.execute(text("UPDATE audit_event SET hash_version = :v WHERE chain = :c AND seq >= :s"),
                         {"v": set_version, "c": chain, "s": from_seq})
        prev = conn.execute(text("SELECT hash FROM audit_event WHERE chain = :c AND seq = :s"),
                            {"c": chain, "s": from_seq - 1}).scalar() or "0" * 64
        rows = conn.execute(text("SELECT id, chain, seq, org_id, actor_id, action, entity, entity_id, before, "
                                 "after, at FROM audit_event WHERE chain = :c AND seq >= :s ORDER BY seq"),
                            {"c": chain, "s": from_seq}).all()
        for r in rows:
            fake = type("Row", (), dict(r._mapping, prev_hash=prev, at=_at(r.at), org_id=_uuid(r.org_id),
                                         actor_id=_uuid(r.actor_id)))
            digest = plain_hash(fake)
            conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": digest, "i": r.id})
            prev = digest


def delete_events(engine: Engine, chain: str, *, from_seq: int = 1) -> None:
    with owner_engine(engine).begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE chain = :c AND seq >= :s"), {"c": chain, "s": from_seq})


def _at(value):  # noqa: ANN001, ANN202
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _uuid(value):  # noqa: ANN001, ANN202
    import uuid

    if value is None or isinstance(value, uuid.UUID):
        return value
    s = str(value)
    return uuid.UUID(s) if len(s) in (32, 36) else value
