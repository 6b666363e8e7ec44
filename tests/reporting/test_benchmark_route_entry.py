"""The benchmark route is stored with purchased precursors and processes (migration 0018) and reaches the engine:
a re-roller's purchased billet with route (E) is priced on (E)'s Column B; without it the cost is incomplete.

Hand computation (constants: Column B 7207 11 14 (E) 0.066, Column A 7208 0.044, CBAM factor 2026 0.975, CSCF 1.0,
price EUR 75.36; sources in tests/cbam/test_benchmark_routes.py): SEE = (100 + 1050 × 0.5)/1000 = 0.625;
SEFA = 0.975 × 0.044 + 1.05 × 0.975 × 0.066 = 0.1104675; certificates = 625 − 110.4675 = 514.5325."""
import pytest

from core.errors import ValidationFailed
from core.reporting import PurchasedPrecursorData, build_scenario, get_period, live_results
from core.reporting.precursors import list_purchased_precursors, update_purchased_precursor
from tests.factories import (
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
)

RE_ROLLER = {
    "format": "cbam-scenario/1", "reporting_year": 2026, "installation": {"name": "Mill", "country": "CN"},
    "processes": [{"id": "R1", "goods_category": "Iron or steel products", "cn_code": "72083900",
                   "activity_level": 1000.0, "direct_emissions": 100.0, "inputs": [{"from": "B1", "mass": 1050.0}]}],
    "purchased_precursors": [{"id": "B1", "goods_category": "Crude steel", "cn_code": "72071114", "country": "CN",
                              "see_direct": 0.5, "see_indirect": 0.0, "data_source": "actual"}],
    "imports": [{"basis": "actual", "process": "R1", "cn_code": "72083900", "quantity": 1000.0, "quarter": 1}],
    "parameters": {"cscf": 1.0, "certificate_price_eur": 75.36},
}


def test_a_purchased_billet_carries_its_route_into_the_cost(engine):
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name="Mill", country="CN")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    enter_scenario(engine, owner, org, period.id, RE_ROLLER, customer_id=make_customer(engine, owner, org).id)
    with context(engine, owner, org) as ctx:
        res = live_results(ctx, period_id=period.id)
        assert res.total_certificates is None and res.total_cost_eur is None  # route missing: incomplete
        pp = list_purchased_precursors(ctx, period_id=period.id)[0]
        data = PurchasedPrecursorData(code="B1", goods_category="Crude steel", cn_code="72071114", country="CN",
                                      see_direct=0.5, see_indirect=0.0, data_source="actual",
                                      supplier_installation="Billet Co.", benchmark_route="z")
        with pytest.raises(ValidationFailed) as exc:
            update_purchased_precursor(ctx, precursor_id=pp.id, data=data, expected_version=pp.version)
        assert "benchmark_route" in exc.value.errors
    with context(engine, owner, org) as ctx:
        pp = list_purchased_precursors(ctx, period_id=period.id)[0]
        update_purchased_precursor(ctx, precursor_id=pp.id, data=data.model_copy(update={"benchmark_route": "e"}),
                                   expected_version=pp.version)
    with context(engine, owner, org) as ctx:
        assert list_purchased_precursors(ctx, period_id=period.id)[0].benchmark_route == "E"
        assert build_scenario(ctx, period_id=period.id)["purchased_precursors"][0]["benchmark_route"] == "E"
        res = live_results(ctx, period_id=period.id)
        assert res.total_certificates == pytest.approx(514.5325, abs=1e-9)
        assert get_period(ctx, period_id=period.id).status == "draft"
