"""The emissions and costs pages with an electricity shipment (CN 2716 00 00, MWh) in zh and en: no exception,
electricity shown in MWh on its own (never added to the tonnes), its certificates in the costs by good."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from core.dashboards import CACHE, costs_dashboard
from core.i18n import t
from core.numbers.display import shown
from core.reporting import ShipmentData, add_shipment
from db.models import Organization, User
from db.session import get_engine
from tests.app.conftest import open_app
from tests.dashboards.test_costs_electricity import POWER
from tests.factories import context, enter_scenario, make_customer, make_installation, make_period


@pytest.fixture
def with_electricity(demo_data):
    """1,000 MWh of Serbian electricity on default values shipped by the demo owner's first organization."""
    engine = get_engine()
    with Session(engine) as s:
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
        org = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one().id
    inst = make_installation(engine, owner, org, name="TPP Obrenovac", country="RS")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org, name="EU Power Trading GmbH")
    enter_scenario(engine, owner, org, period.id, POWER, customer_id=customer.id)
    with context(engine, owner, org) as ctx:
        add_shipment(ctx, period_id=period.id, data=ShipmentData(
            customer_id=customer.id, cn_code="27160000", quantity=1000.0, shipped_on=date(2026, 2, 10),
            basis="default", order_reference="E-1"))
    CACHE.clear()
    with context(engine, owner, org) as ctx:
        dash = costs_dashboard(ctx)
    CACHE.clear()
    yield dash
    CACHE.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_emissions_page_shows_electricity_in_mwh(with_electricity, lang):
    at = open_app("owner", lang, "emissions")
    assert not at.exception
    got = {m.label: m.value for m in at.metric}
    assert got[t("dash.kpi.electricity_mwh", lang)] == "1,000.000"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_costs_page_prices_the_electricity_shipment(with_electricity, lang):
    dash = with_electricity
    assert "27160000" in {row[0] for row in dash.by_good.rows} and "27160000" not in dash.incomplete
    at = open_app("owner", lang, "costs")
    assert not at.exception
    got = {m.label: m.value for m in at.metric}
    assert got[t("dash.kpi.certificates", lang)] == shown(dash.certificates, "tco2e")
