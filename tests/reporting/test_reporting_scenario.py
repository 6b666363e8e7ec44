"""Data entered through the services reproduces a worked example through the engine, and freezing stores the
canonical JSON with its SHA-256."""
import json
import math
from decimal import Decimal

import pytest

from core.reporting import (
    build_scenario,
    canonical_json,
    content_hash,
    live_results,
    verify_snapshot,
)
from tests.factories import (
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
    second_owner,
    sign_off,
)
from tests.support.paths import EXAMPLES


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@pytest.fixture
def steel():
    return json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8"))


def _entered(engine, steel):
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name=steel["installation"]["name"],
                             country=steel["installation"]["country"])
    period = make_period(engine, owner, org, installation_id=inst.id, year=steel["reporting_year"])
    customer = make_customer(engine, owner, org)
    enter_scenario(engine, owner, org, period.id, steel, customer_id=customer.id)
    return owner, org, period


def test_entered_steel_example_reproduces_expected_see_and_costs(engine, steel):
    owner, org, period = _entered(engine, steel)
    with context(engine, owner, org) as ctx:
        res = live_results(ctx, period_id=period.id, per_shipment=True)
        scenario = build_scenario(ctx, period_id=period.id)
    assert res.snapshot_hash is None and res.status == "draft"
    see = {p.code: p for p in res.processes}
    for pid, exp in steel["expected"]["processes"].items():
        assert _close(see[pid].see_direct, exp["see_direct"]), pid
        assert _close(see[pid].see_indirect, exp["see_indirect"]), pid
        assert _close(see[pid].see_total, exp["see_total"]), pid
        assert see[pid].terms, "every SEE carries its explanation"
    for got, exp in zip(res.shipments, steel["expected"]["imports"], strict=True):
        assert _close(got.embedded_emissions, exp["embedded_emissions"])
        assert _close(got.certificates, exp["certificates"])
        assert _close(float(got.cost_eur), exp["cost_eur"])
    # the built scenario is the format itself: the same keys as the example (minus its answers)
    assert scenario["format"] == "cbam-scenario/1"
    assert set(scenario) == set(steel) - {"expected"}
    assert [p["id"] for p in scenario["processes"]] == ["P1", "P2"]
    assert scenario["processes"][1]["source_streams"][0]["activity_data"] == 4000


def test_summed_lines_price_the_same_as_shipment_by_shipment(engine, steel):
    """The pages price shipments summed per good, basis, process and quarter; the totals are those of pricing every
    shipment on its own, draft and frozen alike."""
    from core.reporting import ShipmentData, add_shipment, list_shipments

    owner, org, period = _entered(engine, steel)
    with context(engine, owner, org) as ctx:  # repeat every shipment twice more, so lines really sum
        for sh in list_shipments(ctx, period_id=period.id):
            for n, qty in enumerate((sh.quantity / 3, 1.25)):
                add_shipment(ctx, period_id=period.id, data=ShipmentData(
                    customer_id=sh.customer_id, process_id=sh.process_id, cn_code=sh.cn_code, quantity=qty,
                    shipped_on=sh.shipped_on, basis=sh.basis, order_reference=f"{sh.order_reference}-{n}"))
    for approve in (False, True):
        if approve:
            sign_off(engine, org, period.id, submitter=owner, approver=second_owner(engine, owner, org))
        with context(engine, owner, org) as ctx:
            res = live_results(ctx, period_id=period.id, per_shipment=True)
        assert len(res.shipments) == 3 * len(steel["imports"])
        assert len(res.lines) < len(res.shipments) and sum(line.count for line in res.lines) == len(res.shipments)
        assert _close(res.total_certificates, sum(s.certificates for s in res.shipments))
        assert _close(float(res.total_cost_eur), float(sum(s.cost_eur for s in res.shipments)))
        assert abs(res.total_cost_eur - sum(s.cost_eur for s in res.shipments)) < Decimal("0.000001")
        assert _close(sum(line.quantity for line in res.lines), sum(s.quantity for s in res.shipments))


def test_approval_freezes_a_hashed_snapshot(engine, steel):
    owner, org, period = _entered(engine, steel)
    p = sign_off(engine, org, period.id, submitter=owner, approver=second_owner(engine, owner, org))
    with context(engine, owner, org) as ctx:
        frozen = build_scenario(ctx, period_id=period.id)
        res = live_results(ctx, period_id=period.id)
        assert verify_snapshot(ctx, period_id=period.id)
    assert p.status == "approved" and p.frozen_at is not None
    assert p.snapshot_hash == content_hash(canonical_json(frozen)) == res.snapshot_hash
    assert frozen["parameters"]["default_values_version"]  # the snapshot names its reference data
    assert _close(res.processes[1].see_direct, steel["expected"]["processes"]["P2"]["see_direct"])


def test_canonical_json_is_independent_of_key_order():
    a = {"b": 1, "a": {"y": [1, 2], "x": "中"}}
    b = {"a": {"x": "中", "y": [1, 2]}, "b": 1}
    assert canonical_json(a) == canonical_json(b) == '{"a":{"x":"中","y":[1,2]},"b":1}'
    assert len(content_hash(canonical_json(a))) == 64


def test_shipment_groups_sum_in_the_database_and_point_at_their_first_shipment(engine, steel):
    """Groups (customer, process, CN code, basis, quarter, year) carry the sums of their shipments, and
    `first_position` is where the group's first shipment stands in the listing every page uses."""
    from datetime import date

    from core.reporting import ShipmentData, add_shipment, list_shipments
    from core.reporting.scenario import first_position, shipment_groups

    owner, org, period = _entered(engine, steel)
    with context(engine, owner, org) as ctx:
        base = list_shipments(ctx, period_id=period.id)[0]
        for n, (month, qty) in enumerate([(12, 5.0), (1, 2.0), (12, 1.5), (3, 4.0), (1, 7.25), (6, 3.0)]):
            add_shipment(ctx, period_id=period.id, data=ShipmentData(
                customer_id=base.customer_id, process_id=base.process_id, cn_code=base.cn_code, quantity=qty,
                shipped_on=date(period.year, month, 28 - n), basis=base.basis, order_reference=f"G-{n}"))
    with context(engine, owner, org) as ctx:
        listing = list_shipments(ctx, period_id=period.id)
        groups = shipment_groups(ctx, period.id)
        assert sum(g.count for g in groups) == len(listing)
        for g in groups:
            members = [i for i, sh in enumerate(listing)
                       if (sh.customer_id, sh.process_id, sh.cn_code, sh.basis, (sh.shipped_on.month + 2) // 3,
                           sh.shipped_on.year) == (g.customer_id, g.process_id, g.cn_code, g.basis, g.quarter, g.year)]
            assert len(members) == g.count
            assert _close(g.quantity, sum(listing[i].quantity for i in members))
            assert g.first_day == min(listing[i].shipped_on for i in members)
            assert first_position(ctx, period.id, g) == members[0]
