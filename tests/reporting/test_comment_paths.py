"""The path a comment action pre-fills is the one findings use, and leads back to the same page, row and field."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.reporting import ShipmentData, add_shipment, list_processes, list_purchased_precursors
from core.reporting.fields import field_path, locate_field, shipment_positions
from core.reporting.shipments import page_shipments
from tests.factories import (
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
)

DEMO = Path(__file__).resolve().parents[2] / "core" / "demo" / "steel_2026.json"


@pytest.mark.parametrize(("page", "index", "field", "path"), [
    ("processes", 1, "electricity_ef", "processes[1].electricity.ef"),
    ("processes", 0, "heat_imported_tj", "processes[0].heat.imported_TJ"),
    ("processes", 0, "", "processes[0]"),
    ("precursors", 0, "see_direct", "purchased_precursors[0].see_direct"),
    ("shipments", 7, "shipped_on", "imports[7].date"),
    ("shipments", 7, "quantity", "imports[7].quantity"),
])
def test_field_path_names_fields_as_findings_do(page, index, field, path):
    assert field_path(page, index, field) == path


def test_paths_of_rows_lead_back_to_them(engine):
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name="Fuzhou mill", country="CN")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org, name="Rheinstahl")
    other = make_customer(engine, owner, org, name="Other importer")
    ids = enter_scenario(engine, owner, org, period.id, json.loads(DEMO.read_text(encoding="utf-8")),
                         customer_id=customer.id)
    with context(engine, owner, org) as ctx:
        for n in range(6):
            add_shipment(ctx, period_id=period.id, data=ShipmentData(
                customer_id=(customer if n % 2 else other).id, process_id=ids["P2"], cn_code="72083900",
                quantity=1.0 + n, shipped_on=date(2026, 3 + n, 1)))
        for n, p in enumerate(list_processes(ctx, period_id=period.id)):
            target = locate_field(ctx, period_id=period.id, path=field_path("processes", n, "electricity_ef"))
            assert (target.page, target.row_id, target.field) == ("processes", p.id, "electricity_ef")
        for n, pp in enumerate(list_purchased_precursors(ctx, period_id=period.id)):
            target = locate_field(ctx, period_id=period.id, path=field_path("precursors", n, "see_indirect"))
            assert (target.row_id, target.field) == (pp.id, "see_indirect")
        # a page filtered by customer: each row's place in the whole listing, not on the page
        filtered = page_shipments(ctx, period_id=period.id, customer_id=other.id).rows
        places = shipment_positions(ctx, period_id=period.id, shipments=filtered)
        whole = [s.id for s in page_shipments(ctx, period_id=period.id).rows]
        assert [places[s.id] for s in filtered] == [whole.index(s.id) for s in filtered]
        for s in filtered:
            target = locate_field(ctx, period_id=period.id, path=field_path("shipments", places[s.id], "shipped_on"))
            assert (target.page, target.row_id, target.field, target.position) == (
                "shipments", s.id, "shipped_on", places[s.id])
