"""The audit events of the consultant-scale seed: one hash chain per organization, hashed (keyed, sealed) exactly as
`core.audit.compute_hash` does, so that `cbam audit verify` passes.

A million events at three HMACs each (the event and a commitment to each value of `before` and `after`) is most of
the seed's work, so the body's canonical JSON is written as text rather than through `json.dumps`, and the chains
(independent of each other) are hashed in worker processes while the other tables are being written.
"""
from __future__ import annotations

import hmac
import math
import multiprocessing
import os
import random
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime, timedelta
from json.encoder import encode_basestring as _json_str
from typing import Any

from core.audit.service import _CANONICAL as _canonical
from core.audit.service import ERASED, GENESIS, HASH_VERSION, SEALED_HMAC_SHA256, _iso, is_erased
from core.settings import get_settings

_VALUE_PREFIX = b"cbam-audit-value/1|"
SPAN = timedelta(days=320)  # the events are spread over the year up to November
Event = tuple  # (actor, action, entity, entity_id, before, after)


def _leaf_json(value: Any) -> str:
    """`json.dumps` of a leaf, as the canonical encoder writes it (the common kinds without building an encoder)."""
    kind = type(value)
    if kind is str:
        return _json_str(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return _canonical(value)


def _sealed_json(value: Any, head: str, key: bytes) -> str:
    """The canonical JSON of `core.audit.seal(value, chain, seq, key)`, built as text: `head` is the start of every
    commitment's body ('["org:…",seq,')."""
    if isinstance(value, dict):
        if is_erased(value):
            return _canonical(value[ERASED])
        return "{" + ",".join(_json_str(k) + ":" + _sealed_json(value[k], head, key) for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_sealed_json(v, head, key) for v in value) + "]"
    data = _VALUE_PREFIX + (head + _leaf_json(value) + "]").encode()
    return '"' + hmac.digest(key, data, "sha256").hex() + '"'


def chain_hash(chain: str, seq: int, org: str, actor: str, action: str, entity: str, entity_id: str, before: Any,
               after: Any, at: str, prev: str, key: bytes) -> str:
    """`core.audit.hash_body` of one event's body (version SEALED_HMAC_SHA256), its sorted-key JSON written directly.
    `org`, `actor` and `entity_id` as strings, `at` as `_iso` writes it. Kept equal by
    tests/security/test_audit_keyed_hash.py."""
    chain_json = _json_str(chain)
    head = "[" + chain_json + "," + str(seq) + ","
    data = ('{"action":' + _json_str(action) + ',"actor_id":' + _json_str(actor)
            + ',"after":' + _sealed_json(after, head, key) + ',"at":' + _json_str(at)
            + ',"before":' + _sealed_json(before, head, key) + ',"chain":' + chain_json
            + ',"entity":' + _json_str(entity) + ',"entity_id":' + _json_str(entity_id)
            + ',"org_id":' + _json_str(org) + ',"prev_hash":' + _json_str(prev) + ',"seq":' + str(seq) + "}")
    return hmac.digest(key, data.encode(), "sha256").hex()


def plan_chains(events: dict[uuid.UUID, list[Event]], total: int,
                rng: random.Random) -> list[tuple[uuid.UUID, list[Event]]]:
    """Each organization's chain: its creation events, then corrections of shipments until the total is reached."""
    orgs = list(events)
    quota = [total // len(orgs) + (1 if n < total % len(orgs) else 0) for n in range(len(orgs))]
    plan = []
    for org_id, q in zip(orgs, quota, strict=True):
        base = events[org_id][:q]
        shipments = [e for e in events[org_id] if e[2] == "shipment"] or events[org_id]
        while len(base) < q:
            actor, _a, entity, eid, _b, after = shipments[rng.randrange(len(shipments))]
            old = (after or {}).get("quantity", 1.0)
            base.append((actor, "shipment.updated" if entity == "shipment" else "organization.updated", entity, eid,
                         {"quantity": old}, {"quantity": round(old * rng.uniform(0.9, 1.1), 2)}))
        plan.append((org_id, base))
    return plan


def _times(t0: datetime, n: int) -> list[datetime]:
    step = SPAN.total_seconds() / max(1, n)
    return [t0 + timedelta(seconds=seq * step) for seq in range(1, n + 1)]


def hash_chain(org_id: uuid.UUID, base: list[Event], t0: datetime, key: bytes) -> list[str]:
    """The hashes of one organization's chain, in order."""
    assert HASH_VERSION == SEALED_HMAC_SHA256, "chain_hash writes the sealed body: update it with the hash version"
    chain, org, prev = f"org:{org_id}", str(org_id), GENESIS
    actors: dict[uuid.UUID, str] = {}
    out = []
    times = _times(t0, len(base))
    for seq, ((actor, action, entity, eid, before, after), at) in enumerate(zip(base, times, strict=True), start=1):
        if actor not in actors:
            actors[actor] = str(actor)
        prev = chain_hash(chain, seq, org, actors[actor], action, entity, eid, before, after, _iso(at), prev, key)
        out.append(prev)
    return out


def chain_rows(org_id: uuid.UUID, base: list[Event], hashes: list[str], t0: datetime) -> list[dict[str, Any]]:
    chain, prev, out = f"org:{org_id}", GENESIS, []
    for seq, ((actor, action, entity, eid, before, after), at, digest) in enumerate(
            zip(base, _times(t0, len(base)), hashes, strict=True), start=1):
        out.append({"chain": chain, "seq": seq, "org_id": org_id, "actor_id": actor, "action": action,
                    "entity": entity, "entity_id": eid, "before": before, "after": after, "at": at,
                    "prev_hash": prev, "hash": digest, "hash_version": HASH_VERSION})
        prev = digest
    return out


_PLAN: list[tuple[uuid.UUID, list[Event]]] = []  # what forked workers hash (inherited, never pickled to them)


def _hash_planned(i: int, t0: datetime, key: bytes) -> list[str]:
    org_id, base = _PLAN[i]
    return hash_chain(org_id, base, t0, key)


def _workers(chains: int) -> int:
    """Worker processes: one processor is left to the writer (and the database server behind it)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cpus < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return max(1, min(cpus - 1, chains, 8))


class AuditChains:
    """The chains, hashed in the background from construction on (worker processes forked with the plan) and
    handed out organization by organization, in order; on one processor, or without fork, hashed on demand (in this
    process: `workers` is 0)."""

    def __init__(self, plan: list[tuple[uuid.UUID, list[Event]]], t0: datetime) -> None:
        global _PLAN
        self.plan, self.t0, self.key = plan, t0, get_settings().effective_audit_key
        self.total = sum(len(base) for _org, base in plan)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future] = []
        self.workers = _workers(len(plan))
        if self.workers:
            _PLAN = plan
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            self.futures = [self.pool.submit(_hash_planned, i, t0, self.key) for i in range(len(plan))]

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        global _PLAN
        try:
            for i, (org_id, base) in enumerate(self.plan):
                hashes = self.futures[i].result() if self.pool else hash_chain(org_id, base, self.t0, self.key)
                yield chain_rows(org_id, base, hashes, self.t0)
        finally:
            self.close()
            _PLAN = []

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def audit_rows(events: dict[uuid.UUID, list[Event]], total: int, t0: datetime,
               rng: random.Random) -> list[dict[str, Any]]:
    """Every organization's chain as audit_event rows."""
    return [row for rows in AuditChains(plan_chains(events, total, rng), t0) for row in rows]
