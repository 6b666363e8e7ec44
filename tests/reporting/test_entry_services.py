"""The services behind the entry pages: paged shipment listing, saving an edited table all or nothing, field paths
to rows, and one engine evaluation per render of the reporting page."""
from __future__ import annotations

from datetime import date

import pytest

import core.cbam.engine as engine_module
from core.errors import PermissionDenied
from core.reporting import (
    PurchasedPrecursorData,
    ShipmentData,
    add_shipment,
    list_purchased_precursors,
    live_results,
    update_purchased_precursor,
)
from core.reporting.fields import locate_field
from core.reporting.quality import period_findings
from core.reporting.rows import RowChange, RowErrors, apply_row_changes
from core.reporting.shipments import page_shipments
from tests.factories import (
    add_member,
    context,
    make_customer,
    make_user,
    steel_period,
)


@pytest.fixture
def period_with_data(engine):
    return steel_period(engine)


def _ship(ctx, period_id, customer_id, process_id, day, qty=1.0):
    return add_shipment(ctx, period_id=period_id, data=ShipmentData(
        customer_id=customer_id, process_id=process_id, cn_code="72083900", quantity=qty, shipped_on=day))


def test_page_shipments_pages_filters_and_counts_in_sql(engine, period_with_data):
    owner, org, period, customer, ids = period_with_data
    other = make_customer(engine, owner, org, name="Other importer")
    with context(engine, owner, org) as ctx:
        for n in range(12):  # 6 in Q2 for the first customer, 6 in Q3 for the other
            _ship(ctx, period.id, customer.id if n < 6 else other.id, ids["P2"],
                  date(2026, 4 if n < 6 else 8, 1 + n), qty=n + 1)
    with context(engine, owner, org) as ctx:
        everything = page_shipments(ctx, period_id=period.id, limit=5)
        second = page_shipments(ctx, period_id=period.id, offset=5, limit=5)
        q3 = page_shipments(ctx, period_id=period.id, quarter=3)
        mine_q2 = page_shipments(ctx, period_id=period.id, customer_id=customer.id, quarter=2, limit=4)
        nothing = page_shipments(ctx, period_id=period.id, customer_id=other.id, quarter=2)
    assert everything.total == 14 and len(everything.rows) == 5  # the demo's 2 (Q1) and 12 more
    assert second.offset == 5 and len(second.rows) == 5
    assert not {r.id for r in everything.rows} & {r.id for r in second.rows}
    assert [r.shipped_on for r in everything.rows] == sorted(r.shipped_on for r in everything.rows)
    assert q3.total == 6 and all(r.customer_id == other.id and r.shipped_on.month == 8 for r in q3.rows)
    assert mine_q2.total == 6 and len(mine_q2.rows) == 4
    assert nothing.total == 0 and nothing.rows == []


def test_page_shipments_needs_data_view(engine, period_with_data):
    owner, org, period, *_ = period_with_data
    dpo = make_user(engine)
    add_member(engine, owner, org, dpo, "dpo")
    with context(engine, dpo, org) as ctx, pytest.raises(PermissionDenied):
        page_shipments(ctx, period_id=period.id)


def test_a_table_saves_all_or_nothing_and_names_each_refused_row(engine, period_with_data):
    owner, org, period, *_ = period_with_data
    with context(engine, owner, org) as ctx:
        pp = list_purchased_precursors(ctx, period_id=period.id)[0]
    good = PurchasedPrecursorData(code="PP2", goods_category="Pig iron", cn_code="72011011", country="IN",
                                  see_direct=1.9, data_source="actual", supplier_installation="Tata works")
    bad = PurchasedPrecursorData(code="PP3", goods_category="Pig iron", cn_code="72011011", country="IN",
                                 see_direct=-1, data_source="default", justification="")
    stale = PurchasedPrecursorData(code="PP1", goods_category="Pig iron", cn_code="72011011", country="CN",
                                   see_direct=2.0, data_source="default", justification="no data")
    from core.reporting import add_purchased_precursor
    with pytest.raises(RowErrors) as refused, context(engine, owner, org) as ctx:
        apply_row_changes(ctx, [
            RowChange("+1", "add", lambda c: add_purchased_precursor(c, period_id=period.id, data=good)),
            RowChange("+2", "add", lambda c: add_purchased_precursor(c, period_id=period.id, data=bad)),
            RowChange("1", "update", lambda c: update_purchased_precursor(
                c, precursor_id=pp.id, data=stale, expected_version=pp.version - 1)),
        ])
    errors = refused.value.errors
    assert set(errors) == {"+2", "1"}
    assert errors["+2"]["see_direct"][0] == "reporting.error_non_negative"
    assert errors["+2"]["justification"][0] == "reporting.error_justification_required"
    assert errors["1"][""][0] == "error.changed_meanwhile" and errors["1"][""][1]["by"] == "Wang Li"
    with context(engine, owner, org) as ctx:  # the good row was rolled back with the rest
        assert [p.code for p in list_purchased_precursors(ctx, period_id=period.id)] == ["PP1"]
        saved = apply_row_changes(ctx, [
            RowChange("+1", "add", lambda c: add_purchased_precursor(c, period_id=period.id, data=good))])
    assert saved == 1
    with context(engine, owner, org) as ctx:
        assert [p.code for p in list_purchased_precursors(ctx, period_id=period.id)] == ["PP1", "PP2"]


def test_a_cell_the_model_cannot_read_is_a_row_error(engine, period_with_data):
    owner, org, period, *_ = period_with_data
    with pytest.raises(RowErrors) as refused, context(engine, owner, org) as ctx:
        apply_row_changes(ctx, [RowChange("+1", "add", lambda c: ShipmentData(quantity=None, shipped_on="x"))])
    # a number arrives as typed (text) and the service parses it; a date the model cannot read is refused here
    assert refused.value.errors["+1"] == {"shipped_on": ("entry.error_value", {})}


def test_field_paths_lead_to_their_page_and_row(engine, period_with_data):
    owner, org, period, customer, ids = period_with_data
    with context(engine, owner, org) as ctx:
        for n in range(3):
            _ship(ctx, period.id, customer.id, ids["P2"], date(2026, 5, 1 + n))
        listing = page_shipments(ctx, period_id=period.id)

        def at(path):
            return locate_field(ctx, period_id=period.id, path=path)

        el = at("processes[1].electricity.ef")
        by_code = at("processes.P2.activity_level")
        stream = at("processes[1].source_streams[0].ncv")
        feed = at("processes[0].inputs[0].mass")
        pp = at("purchased_precursors[0].see_direct")
        imp = at("imports[3].quantity")
        dated = at("shipments[2].date")
        assert at("parameters.cscf") is None and at("nonsense") is None
        assert at("processes[9].activity_level").row_id is None
    assert (el.page, el.row_id, el.field) == ("processes", ids["P2"], "electricity_ef")
    assert (by_code.row_id, by_code.field) == (ids["P2"], "activity_level")
    assert stream.row_id == ids["P2"] and stream.stream_id is not None and stream.field == "ncv"
    assert (feed.row_id, feed.input_index, feed.field) == (ids["P1"], 0, "mass")
    assert (pp.page, pp.row_id, pp.field) == ("precursors", ids["PP1"], "see_direct")
    assert (imp.page, imp.row_id, imp.position, imp.field) == ("shipments", listing.rows[3].id, 3, "quantity")
    assert (dated.row_id, dated.field) == (listing.rows[2].id, "shipped_on")


def test_findings_reuse_the_evaluation_of_live_results(engine, period_with_data, monkeypatch):
    owner, org, period, *_ = period_with_data
    calls = []
    real = engine_module.evaluate
    monkeypatch.setattr(engine_module, "evaluate", lambda *a, **k: calls.append(1) or real(*a, **k))
    with context(engine, owner, org) as ctx:
        alone = period_findings(ctx, period_id=period.id)
        assert len(calls) == 1  # DQ21 evaluates when nobody has
        results = live_results(ctx, period_id=period.id)
        together = period_findings(ctx, period_id=period.id, results=results)
    assert len(calls) == 2  # live_results once; the findings took its evaluation
    assert together == alone
