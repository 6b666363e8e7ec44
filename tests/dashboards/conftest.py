"""Fixtures of the kept-results tests (test_results_kept, test_results_warm): an empty in-process cache around a
test (`pytestmark = pytest.mark.usefixtures("fresh_cache")`), and spies counting how often the engine and the
findings really ran."""
from __future__ import annotations

from collections import Counter

import pytest

from core.dashboards import CACHE
from core.dashboards import evaluations as ev_module
from core.dashboards import findings as findings_module


@pytest.fixture
def fresh_cache():
    CACHE.clear()
    yield
    CACHE.clear()


@pytest.fixture
def calls(monkeypatch) -> Counter:
    """How often the engine (evaluate, forecast) and the findings ran: spies around the real functions."""
    seen: Counter = Counter()

    def spy(module, name):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            seen[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    spy(ev_module, "evaluate")
    spy(ev_module, "forecast")
    spy(findings_module, "findings_of")
    return seen
