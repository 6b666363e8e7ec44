"""One dashboard computation at a time per organization in this process.

The dashboards' results are cached per organization (core/dashboards/evaluations.py), but a cache only helps the
second visitor if the first has finished: 20 people opening the portfolio of the same 50 clients at once each
computed all 500 periods themselves, twenty times the work on the same two cores (bench/bench_load.py). Here the
second waits for the first, then finds its result in the cache. Python runs one thread at a time anyway, so
waiting costs nothing that computing in parallel would have saved.

A holder never needs a second database connection while it holds the lock (it computes through the session it
already has), so waiting sessions cannot starve it of the pool.
"""
from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

_LOCKS: dict[uuid.UUID, threading.RLock] = {}
_GUARD = threading.Lock()


@contextmanager
def one_at_a_time(org_id: uuid.UUID) -> Iterator[None]:
    """Hold the organization's dashboard lock (re-entrant: a computation may call another of the same org)."""
    with _GUARD:
        lock = _LOCKS.get(org_id)
        if lock is None:
            lock = _LOCKS[org_id] = threading.RLock()
    with lock:
        yield
