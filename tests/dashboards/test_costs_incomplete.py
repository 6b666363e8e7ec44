"""A good the engine cannot price because a benchmark or its route is missing leaves the costs dashboard and the
portfolio incomplete: they name the good and say "incomplete" rather than summing the other goods into a smaller
number (before, such groups were skipped and the totals silently shrank)."""
import copy

import pytest

from core.dashboards import CACHE, costs_dashboard, portfolio
from tests.factories import (
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
)
from tests.reporting.test_benchmark_route_entry import RE_ROLLER


@pytest.fixture(autouse=True)
def _fresh_cache():
    CACHE.clear()
    yield
    CACHE.clear()


def _entered(engine, scenario):
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name="Mill", country="CN")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    enter_scenario(engine, owner, org, period.id, scenario, customer_id=make_customer(engine, owner, org).id)
    return owner, org


def test_a_billet_without_route_makes_the_costs_incomplete(engine):
    owner, org = _entered(engine, RE_ROLLER)
    with context(engine, owner, org) as ctx:
        dash = costs_dashboard(ctx)
        summary = portfolio(ctx.user, engine=engine)
    assert dash.incomplete == ("72083900",)
    assert [s.incomplete for s in summary] == [1]


def test_with_the_route_the_costs_are_complete(engine):
    scenario = copy.deepcopy(RE_ROLLER)
    scenario["purchased_precursors"][0]["benchmark_route"] = "E"
    owner, org = _entered(engine, scenario)
    with context(engine, owner, org) as ctx:
        dash = costs_dashboard(ctx)
    assert dash.incomplete == ()
    # hand computation in tests/reporting/test_benchmark_route_entry.py: 514.5325 certificates for 1000 t
    assert dash.certificates == pytest.approx(514.5325, abs=1e-6)
