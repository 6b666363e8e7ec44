"""Concurrent visitors of one organization's dashboard compute it once (core/dashboards/single_flight.py); other
organizations are not held up."""
from __future__ import annotations

import threading
import time
import uuid

from core.dashboards.evaluations import ResultCache
from core.dashboards.single_flight import one_at_a_time


def _visit(cache: ResultCache, org: uuid.UUID, computed: list, started: threading.Event | None = None) -> object:
    def compute() -> str:
        computed.append(org)
        if started:
            started.set()
        time.sleep(0.2)
        return f"dashboard of {org}"

    with one_at_a_time(org):
        return cache.get_or_compute((org, "costs"), compute)


def test_the_second_visitor_waits_and_reuses_the_first_result():
    cache, org, computed, results = ResultCache(), uuid.uuid4(), [], []
    threads = [threading.Thread(target=lambda: results.append(_visit(cache, org, computed))) for _ in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(5)
    assert computed == [org]  # once, not five times
    assert results == [f"dashboard of {org}"] * 5


def test_another_organization_is_not_held_up():
    cache, a, b, computed = ResultCache(), uuid.uuid4(), uuid.uuid4(), []
    started = threading.Event()
    slow = threading.Thread(target=_visit, args=(cache, a, computed, started))
    slow.start()
    assert started.wait(5)
    t = time.perf_counter()
    with one_at_a_time(b):  # b's lock is free while a is computing
        waited = time.perf_counter() - t
    slow.join(5)
    assert waited < 0.1


def test_the_lock_is_reentrant_in_one_thread():
    org = uuid.uuid4()
    with one_at_a_time(org), one_at_a_time(org):
        pass
