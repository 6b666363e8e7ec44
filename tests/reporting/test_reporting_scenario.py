"""Data entered through the services reproduces a worked example through the engine, and freezing stores the
canonical JSON with its SHA-256."""
import json
import math
from pathlib import Path

import pytest

from core.reporting import (
    approve_period,
    build_scenario,
    canonical_json,
    content_hash,
    get_period,
    live_results,
    submit_period,
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
)

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"


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
        res = live_results(ctx, period_id=period.id)
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


def test_approval_freezes_a_hashed_snapshot(engine, steel):
    owner, org, period = _entered(engine, steel)
    with context(engine, owner, org) as ctx:
        p = submit_period(ctx, period_id=period.id, expected_version=get_period(ctx, period_id=period.id).version)
        p = approve_period(ctx, period_id=period.id, expected_version=p.version)
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
