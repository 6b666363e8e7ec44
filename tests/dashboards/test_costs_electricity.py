"""An electricity shipment (CN 2716 00 00, MWh) on the costs dashboard: priced at the Annex III default factor of
the installation's country, no free-allocation adjustment, and the page's numbers do not crash or go missing.
Before, the engine refused the line ("no default value") and the good was listed as incomplete."""
from datetime import date
from decimal import Decimal

import pytest

from core.dashboards import CACHE, costs_dashboard, emissions_dashboard
from core.reporting import ShipmentData, add_shipment, list_periods, list_processes, live_results
from tests.factories import (
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
)

# A Serbian power producer's reporting year: one electricity process (MWh)
POWER = {
    "format": "cbam-scenario/1", "name": "Power plant", "reporting_year": 2026,
    "installation": {"name": "TPP", "country": "RS"},
    "processes": [{"id": "P1", "goods_category": "Electricity", "route": None, "cn_code": "27160000",
                   "activity_level": 100000.0, "direct_emissions": 95000.0, "inputs": []}],
    "purchased_precursors": [], "imports": [],
}
DV_SERBIA = 1.041  # tCO2e/MWh, Impl. Reg. (EU) 2025/2621 Annex III, row "Serbia"; no mark-up, SEFA 0
PRICE_Q1 = Decimal("75.36")  # EUR, 2026-Q1 certificate price (Reg. (EU) 2023/956 Art. 21(1a), shipped prices)


@pytest.fixture(autouse=True)
def _fresh_cache():
    CACHE.clear()
    yield
    CACHE.clear()


def _power_period(engine, *bases: str):
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name="TPP Obrenovac", country="RS")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org, name="EU Power Trading GmbH")
    enter_scenario(engine, owner, org, period.id, POWER, customer_id=customer.id)
    with context(engine, owner, org) as ctx:
        proc = list_processes(ctx, period_id=period.id)[0]
        for n, basis in enumerate(bases):
            add_shipment(ctx, period_id=period.id, data=ShipmentData(
                customer_id=customer.id, process_id=proc.id if basis == "actual" else None, cn_code="27160000",
                quantity=1000.0, shipped_on=date(2026, 2, 10), basis=basis, order_reference=f"E-{n}"))
    return owner, org


def test_an_electricity_shipment_is_priced_per_mwh(engine):
    owner, org = _power_period(engine, "default")
    with context(engine, owner, org) as ctx:
        dash = costs_dashboard(ctx)
    assert dash.incomplete == ()
    assert dash.certificates == pytest.approx(1000 * DV_SERBIA)
    assert dash.cost_eur == pytest.approx(Decimal(repr(1000 * DV_SERBIA)) * PRICE_Q1)
    assert [row[0] for row in dash.by_good.rows] == ["27160000"]


def test_electricity_on_actual_data_without_a_ppa_is_incomplete_not_a_crash(engine):
    """A shipment from the plant's own process on actual data has no PPA (Annex IV point 5): the good is listed
    as incomplete, while the same period's default-value shipment is still priced."""
    owner, org = _power_period(engine, "actual", "default")
    with context(engine, owner, org) as ctx:
        dash = costs_dashboard(ctx)
    assert dash.incomplete == ("27160000",)
    assert dash.certificates == pytest.approx(1000 * DV_SERBIA)  # the default-value shipment only


def test_the_emissions_dashboard_keeps_mwh_out_of_the_tonnes(engine):
    owner, org = _power_period(engine, "default")
    with context(engine, owner, org) as ctx:
        dash = emissions_dashboard(ctx)
    assert (dash.quantity_t, dash.electricity_mwh) == (0.0, 1000.0)
    assert dash.embedded_emissions == pytest.approx(1000 * DV_SERBIA)


def test_the_reporting_results_explain_the_electricity_line_per_mwh(engine):
    """The reporting page's "why this number": the shipment's terms carry MWh and tCO2e/MWh."""
    owner, org = _power_period(engine, "default")
    with context(engine, owner, org) as ctx:
        period = list_periods(ctx)[0]
        res = live_results(ctx, period_id=period.id, per_shipment=True)
    (ship,) = res.shipments
    assert ship.certificates == pytest.approx(1000 * DV_SERBIA)
    assert ship.cost_eur == pytest.approx(Decimal(repr(1000 * DV_SERBIA)) * PRICE_Q1)
    units = {term.label_key: (term.unit, term.formula) for term in ship.terms}
    assert units["cbam.term.electricity_default_factor"][0] == "tCO2e/MWh"
    assert units["cbam.term.embedded_emissions"] == ("tCO2e", "1000 MWh × 1.041")
