"""The engine's period results kept in the database (`period_result`, issue 18), behind the in-process cache: the
first look after a start, or on another machine, reads what an earlier process (or `cbam results warm`) computed.

A row is found only by the digest of the whole cache key (`evaluations.period_key`: organization, kind, period id,
version, row version, snapshot hash, data stamp, reference stamp, lines) plus a digest of the code that computes the
numbers (`code_stamp`): when any of these moves, the old row is simply not found, so a stale result is never shown.
Each (period, kind, lines) has one row, replaced in place by the newer result; so has each organization's portfolio
summary per role (`org_slot`: keyed by the organization's data stamp, `aggregates.org_stamp`).

Reads go through the page's own session (row-level security scopes them to its organization). Writes wait for the
page's transaction to commit (a result of data rolled back is never kept), then go through a separate short
transaction on their own connection, with a lock timeout: the page's transaction never holds a lock on a result row
(two sessions storing the same key at once must not wait on each other's open transaction), and a failure to store
is logged, never shown: the page has its numbers either way."""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.context import Context
from db.result_models import PeriodResult

log = logging.getLogger(__name__)

LOCK_TIMEOUT_MS = 2000  # a store waits at most this long for a row lock, then gives up (logged)
# the code whose output is stored: a change to any of these files is a new digest (results of the old code are not
# found again after a deploy)
CODE = ("core/cbam", "core/quality", "core/reporting", "core/dashboards")
ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def code_stamp() -> str:
    h = hashlib.sha256()
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _canon(x: Any) -> Any:
    """A form of a cache key whose repr is the same in every process: sets sorted (by repr), dicts by key."""
    if isinstance(x, (frozenset, set)):
        return tuple(sorted((_canon(v) for v in x), key=repr))
    if isinstance(x, (tuple, list)):
        return tuple(_canon(v) for v in x)
    if isinstance(x, dict):
        return tuple(sorted(((repr(k), _canon(v)) for k, v in x.items()), key=repr))
    return x  # str, int, float, None, bool, UUID, Decimal, date: their repr is their value and type


def digest(parts: Any) -> str:
    return hashlib.sha256(repr(_canon(parts)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a key's result lives: the row (organization, kind, slot) and the whole key's digest."""

    org_id: uuid.UUID
    period_id: uuid.UUID | None
    kind: str
    slot_digest: str
    key_digest: str


def slot_of(key: tuple, n_extra: int) -> Slot:
    """`key` is an `evaluations.period_key`: (org, kind, period id, ..., *extra) with `n_extra` trailing parts (the
    lines asked for). One row per period, kind and lines."""
    head, extra = key[:len(key) - n_extra], key[len(key) - n_extra:]
    lines = digest((key[2], extra))
    return Slot(key[0], key[2], key[1], lines, digest((code_stamp(), head, lines)))


def org_slot(key: tuple, slot: Any) -> Slot:
    """`key`: an `evaluations.org_cached` key (org, kind, ...); `slot`: what has a row of its own (the role)."""
    return Slot(key[0], None, key[1], digest(slot), digest((code_stamp(), key)))


# --- serialisation: a JSON form per kind that round-trips exactly (floats by repr, Decimals as strings) ---------

def _dec(x: Decimal | None) -> str | None:
    return None if x is None else str(x)


def _undec(x: str | None) -> Decimal | None:
    return None if x is None else Decimal(x)


def encode(kind: str, value: Any) -> str:
    if kind == "units":
        ev = value
        body = {"year": ev.year, "country": ev.country, "error_key": ev.error_key,
                "units": [[list(line), [u.see_basis, u.certificates, _dec(u.price_eur), u.error_key, u.deduction]]
                          for line, u in ev.units.items()],
                "goods": [[g.process, g.goods_category, g.cn_code, g.see_total, g.cbam_basis, g.default_value,
                           g.benchmark, g.benchmark_source] for g in ev.goods],
                "reference_versions": ev.reference_versions}
    elif kind == "forecast":
        body = None if value is None else [
            [p.path, p.year, p.cbam_factor, p.embedded_emissions, p.free_allocation_adjustment, p.certificates,
             _dec(p.price_eur), _dec(p.cost_eur), [t.to_dict() for t in p.terms]] for p in value]
    elif kind == "findings":
        body = list(value)
    elif kind == "summary":
        v = value
        body = [str(v.org_id), v.name_zh, v.name_en, str(v.role), v.visible, v.statuses, v.periods, v.overdue,
                v.certificates, _dec(v.cost_eur), v.unpriced_certificates, v.blocking, v.warnings, v.shipments,
                v.incomplete]
    else:
        raise ValueError(kind)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def decode(kind: str, text: str) -> Any:
    from core.cbam import ForecastPoint, Term
    from core.dashboards.evaluations import GoodSee, PeriodEvaluation, UnitResult

    body = json.loads(text)
    if kind == "units":
        units = {}
        for line, (see, cert, price, err, ded) in body["units"]:
            units[(line[0], line[1], line[2], line[3])] = UnitResult(see, cert, _undec(price), err, ded)
        return PeriodEvaluation(body["year"], body["country"], body["error_key"], units,
                                tuple(GoodSee(*g) for g in body["goods"]), dict(body["reference_versions"]))
    if kind == "forecast":
        if body is None:
            return None
        return [ForecastPoint(path, year, factor, ee, faa, certs, _undec(price), _undec(cost),
                              tuple(Term(**t) for t in terms))
                for path, year, factor, ee, faa, certs, price, cost, terms in body]
    if kind == "findings":
        return tuple(body)
    if kind == "summary":
        from core.access import Role
        from core.dashboards.portfolio import OrganizationSummary

        org_id, zh, en, role, visible, statuses, *rest = body
        periods, overdue, certs, cost, unpriced, blocking, warnings, shipments, incomplete = rest
        return OrganizationSummary(uuid.UUID(org_id), zh, en, Role(role), visible, dict(statuses), periods, overdue,
                                   certs, _undec(cost), unpriced, blocking, warnings, shipments, incomplete)
    raise ValueError(kind)


# --- read and write ---------------------------------------------------------------------------------------------

MISSING = object()
KINDS = ("units", "forecast", "findings", "summary")


def load(ctx: Context, slot: Slot) -> Any:
    """The stored result for exactly this key, or MISSING. Read in the page's session (RLS applies): the
    organization's rows of the kind in one query, the first time a session asks (a page asks for every period)."""
    memo = ctx.session.info.setdefault("period_results", {})
    rows = memo.get((slot.org_id, slot.kind))
    if rows is None:
        rows = memo[(slot.org_id, slot.kind)] = dict(ctx.session.execute(
            select(PeriodResult.key_digest, PeriodResult.result)
            .where(PeriodResult.org_id == slot.org_id, PeriodResult.kind == slot.kind)).all())
    text = rows.get(slot.key_digest)
    if text is None:
        return MISSING
    return decode(slot.kind, text)


TOUCHED = "period_result_keys"  # session.info (`cbam results warm`): the key digests the session read or stored
PENDING = "period_results_pending"  # session.info: results to keep once the session's transaction commits


def keep(ctx: Context, slot: Slot, value: Any) -> None:
    """Keep `value` once the page's transaction commits (`_store_pending`): a result computed from data that is
    rolled back is never kept, and the page's results are written together, in one short transaction."""
    ctx.session.info.setdefault(PENDING, {})[(slot.org_id, slot.kind, slot.slot_digest)] = (slot, value)


@event.listens_for(Session, "after_commit")
def _store_pending(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        store(session.get_bind(), session.info.get("scope"), list(pending.values()))


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, _previous) -> None:  # noqa: ANN001
    session.info.pop(PENDING, None)


def store(engine: Engine, scope: Any, results: list[tuple[Slot, Any]]) -> bool:
    """Keep the results in a transaction of its own on its own connection (as `scope`: row-level security applies),
    each slot's row replaced in place. Returns whether they were stored; a failure (a lock held elsewhere past the
    lock timeout, a read-only database) is logged only."""
    from db.session import _apply_scope

    now = datetime.now(UTC)
    values = [{"id": uuid.uuid4(), "org_id": slot.org_id, "period_id": slot.period_id, "kind": slot.kind,
               "slot_digest": slot.slot_digest, "key_digest": slot.key_digest, "result": encode(slot.kind, value),
               "created_at": now, "updated_at": now, "version": 1} for slot, value in results]
    try:
        with engine.connect() as conn:  # a transaction of its own (SQLAlchemy begins one at the first statement)
            pg = conn.dialect.name == "postgresql"
            if pg:
                from sqlalchemy.dialects.postgresql import insert

                if scope is not None:
                    _apply_scope(conn, scope)
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
            else:
                from sqlalchemy.dialects.sqlite import insert

                # SQLite: wait briefly for another writer, not the connection's usual 30 s
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_TIMEOUT_MS}")
            try:
                t = PeriodResult.__table__
                stmt = insert(t).values(values)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[t.c.org_id, t.c.kind, t.c.slot_digest],
                    set_={"key_digest": stmt.excluded.key_digest, "result": stmt.excluded.result,
                          "updated_at": stmt.excluded.updated_at, "version": t.c.version + 1})
                conn.execute(stmt)
                conn.commit()
            finally:
                if not pg:
                    conn.rollback()
                    conn.exec_driver_sql("PRAGMA busy_timeout = 30000")
                    conn.commit()
        return True
    except Exception:  # noqa: BLE001 (never breaks the page: it has its numbers)
        log.warning("period results: could not store %d results (%s)", len(values),
                    ", ".join(sorted({f"{v['kind']} of {v['period_id'] or 'the organization'}" for v in values})),
                    exc_info=True)
        return False


def fetch_or_compute(ctx: Context, slot: Slot, compute: Callable[[], Any]) -> Any:
    """The stored result, else `compute()` stored for the next process."""
    value = load(ctx, slot)
    touched = ctx.session.info.get(TOUCHED)  # `cbam results warm` keeps what it used
    if touched is not None:
        touched[slot.key_digest] = value is not MISSING
    if value is not MISSING:
        return value
    value = compute()
    keep(ctx, slot, value)
    return value
