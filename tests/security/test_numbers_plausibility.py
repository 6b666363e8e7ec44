"""Plausible ranges block a period: an absurd quantity is a blocking finding on the field it concerns, whatever its
basis; the demo organizations' periods have none."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.cbam import CbamError, evaluate_data
from core.clock import SystemClock
from core.demo import DEMO_USERS, seed_demo
from core.identity import LOCAL_ISSUER, resolve_login
from core.organizations import memberships_of
from core.reporting import (
    ProcessData,
    ShipmentData,
    add_shipment,
    build_scenario,
    get_process,
    list_periods,
    update_process,
)
from core.reporting.quality import period_findings
from core.reporting.shipments import page_shipments
from db.session import Scope, scoped_session
from tests.factories import (
    context,
    steel_period,
)

DEMO = Path(__file__).resolve().parents[2] / "core" / "demo" / "steel_2026.json"


@pytest.fixture
def steel(engine):
    return steel_period(engine)


def _blocking(ctx, period_id) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in period_findings(ctx, period_id=period_id) if f.severity == "blocking"]


def test_a_million_tonne_default_priced_shipment_blocks_without_a_process(engine, steel):
    owner, org, period, customer, _ = steel
    with context(engine, owner, org) as ctx:
        assert _blocking(ctx, period.id) == []
        add_shipment(ctx, period_id=period.id, data=ShipmentData(
            customer_id=customer.id, process_id=None, cn_code="72083900", quantity="1000000",
            shipped_on=date(2026, 8, 3), basis="default"))
    with context(engine, owner, org) as ctx:
        found = _blocking(ctx, period.id)
    rules = {rule for rule, _ in found}
    assert {"DQ33", "DQ34"} <= rules, found
    assert any(rule == "DQ33" and path.startswith("shipments[") and path.endswith(".quantity")
               for rule, path in found)


def test_the_demo_periods_have_no_blocking_finding(engine):
    seed_demo(engine, policy_version="1.0")
    with scoped_session(Scope(), engine) as session:
        owner = resolve_login(session, issuer=LOCAL_ISSUER, subject=DEMO_USERS[0].subject,
                              email=DEMO_USERS[0].email, name=DEMO_USERS[0].name, clock=SystemClock())
        orgs = [org.id for org, _role in memberships_of(session, owner)]
        session.expunge(owner)
    checked = 0
    for org_id in orgs:
        with context(engine, owner, org_id) as ctx:
            for period in list_periods(ctx):
                assert _blocking(ctx, period.id) == [], (org_id, period.year)
                checked += 1
    assert checked >= 2


def test_a_consumption_without_its_factor_is_the_blocking_factor_finding_not_a_zero(engine, steel):
    owner, org, period, _customer, ids = steel
    with context(engine, owner, org) as ctx:
        p2 = get_process(ctx, process_id=ids["P2"])
        data = ProcessData(**{k: getattr(p2, k) for k in ProcessData.model_fields} | {
            "electricity_consumed_mwh": "5000", "electricity_ef": "", "heat_imported_tj": "20"})
        update_process(ctx, process_id=p2.id, data=data, expected_version=p2.version)
    with context(engine, owner, org) as ctx:
        stored = get_process(ctx, process_id=ids["P2"])
        assert stored.electricity_ef is None and stored.heat_imported_ef is None
        found = _blocking(ctx, period.id)
        assert ("DQ07", "processes[1].electricity.ef") in found and ("DQ09", "processes[1].heat.imported_ef") in found
        with pytest.raises(CbamError) as refused:  # the engine never prices the missing factor as 0
            evaluate_data(build_scenario(ctx, period_id=period.id))
    assert refused.value.key == "cbam.error.factor_missing"


def test_the_engine_keeps_a_given_zero_factor_and_the_worked_examples():
    from tests.cbam.cbam_testdata import example

    data = example("steel_bof_to_hot_rolled_coil.json")
    data["processes"][1]["electricity"] = {"consumed_MWh": 10.0, "ef": 0.0}  # a real zero (renewable supply)
    assert evaluate_data(data).processes["P2"].see_indirect == 0.0
    data["processes"][1]["electricity"] = {"consumed_MWh": 10.0}
    with pytest.raises(CbamError):
        evaluate_data(data)


def test_an_implausible_shipment_in_a_group_is_pointed_at_itself(engine, steel):
    owner, org, period, customer, _ = steel
    with context(engine, owner, org) as ctx:
        for day, qty in ((date(2026, 7, 1), "10"), (date(2026, 8, 3), "600000"), (date(2026, 9, 1), "20")):
            add_shipment(ctx, period_id=period.id, data=ShipmentData(
                customer_id=customer.id, process_id=None, cn_code="72083900", quantity=qty, shipped_on=day,
                basis="default"))
    with context(engine, owner, org) as ctx:
        listing = [s.quantity for s in page_shipments(ctx, period_id=period.id, limit=500).rows]
        (finding,) = [f for f in period_findings(ctx, period_id=period.id) if f.rule == "DQ33"]
    assert finding.path == f"shipments[{listing.index(600000.0)}].quantity" and finding.params["shipments"] == 3
