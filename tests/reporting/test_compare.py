"""Comparing two versions of a period, field by field: the approved one from its snapshot, the open one from its
rows; and an approved version stays read-only once a newer one is open."""
from __future__ import annotations

import pytest

from core.errors import DomainError
from core.reporting import (
    ProcessData,
    PurchasedPrecursorData,
    SourceStreamData,
    get_period,
    list_customers,
    list_processes,
    list_purchased_precursors,
    list_shipments,
    list_source_streams,
    reopen_period,
    update_customer,
    update_period_parameters,
    update_process,
    update_purchased_precursor,
    update_source_stream,
)
from core.reporting.compare import ADDED, CHANGED, compare_versions
from core.reporting.shipments import delete_shipment
from tests.exchange.exports_support import approved_steel
from tests.reporting.test_customers import _data


def _data_of(row, model):
    return model(**{f: getattr(row, f) for f in model.model_fields if hasattr(row, f)})


def test_compare_names_every_changed_field(engine):
    team = approved_steel(engine, stored_details=True)
    with team.ctx() as ctx:
        v1 = team.period
        v2 = reopen_period(ctx, period_id=v1.id, reason="corrections",
                           expected_version=get_period(ctx, period_id=v1.id).version)
        assert compare_versions(ctx, old_period_id=v1.id, new_period_id=v2.id).changes == []  # a faithful copy
        proc = list_processes(ctx, period_id=v2.id)[0]
        code, level_before = proc.code, proc.activity_level
        update_process(ctx, process_id=proc.id, expected_version=proc.version,
                       data=_data_of(proc, ProcessData).model_copy(update={"activity_level": level_before * 2}))
        p2 = next(p for p in list_processes(ctx, period_id=v2.id) if p.code == "P2")
        stream = list_source_streams(ctx, process_id=p2.id)[0]
        update_source_stream(ctx, stream_id=stream.id, expected_version=stream.version, data=SourceStreamData(
            name=stream.name, method=stream.method, params=dict(stream.params) | {"activity_data": 4100}))
        pp = list_purchased_precursors(ctx, period_id=v2.id)[0]
        update_purchased_precursor(ctx, precursor_id=pp.id, expected_version=pp.version,
                                   data=_data_of(pp, PurchasedPrecursorData).model_copy(update={"see_direct": 9.5}))
        ships = list_shipments(ctx, period_id=v2.id)
        delete_shipment(ctx, shipment_id=ships[-1].id, expected_version=ships[-1].version)
        period = get_period(ctx, period_id=v2.id)
        update_period_parameters(ctx, period_id=v2.id, parameters={"certificate_price_eur": 99.0},
                                 expected_version=period.version)
        c = next(c for c in list_customers(ctx) if c.id == team.customer.id)
        update_customer(ctx, customer_id=c.id, expected_version=c.version, data=_data(c, name="Rheinstahl Neu AG"))
        result = compare_versions(ctx, old_period_id=v1.id, new_period_id=v2.id)
    by = {(c.section, c.item, c.field): c for c in result.changes}
    level = by[("processes", code, "activity_level")]
    assert (level.old, level.new, level.kind) == (level_before, level_before * 2, CHANGED)
    assert by[("precursors", pp.code, "see_direct")].new == 9.5
    fuel = by[("source_streams", "P2 / natural gas, reheating furnace", "activity_data")]
    assert (fuel.old, fuel.new) == (4000, 4100)
    total = by[("shipments", "total", "count")]
    assert total.new == total.old - 1
    assert by[("customers", "DE123456789012345", "name")].new == "Rheinstahl Neu AG"  # v1 keeps its frozen name
    assert by[("customers", "DE123456789012345", "name")].old == "Rheinstahl Handel GmbH"
    price = by[("parameters", "parameters", "certificate_price_eur")]
    assert price.new == 99.0 and price.old != 99.0 and price.kind in (ADDED, CHANGED)
    assert {c.section for c in result.changes} == {"processes", "source_streams", "precursors", "shipments",
                                                   "customers", "parameters"}


def test_only_versions_of_one_period_compare_and_approved_ones_stay_read_only(engine):
    team = approved_steel(engine)
    other = approved_steel(engine, approve=False)
    with team.ctx() as ctx:
        v2 = reopen_period(ctx, period_id=team.period.id, reason="again",
                           expected_version=get_period(ctx, period_id=team.period.id).version)
        with pytest.raises(DomainError) as err:  # another organization's period is not found; a stranger refused
            compare_versions(ctx, old_period_id=team.period.id, new_period_id=other.period.id)
        assert err.value.key in ("error.not_found", "compare.error_other_period")
        proc = list_processes(ctx, period_id=team.period.id)[0]  # version 1: approved, not the latest
        with pytest.raises(DomainError) as err:
            update_process(ctx, process_id=proc.id, expected_version=proc.version,
                           data=_data_of(proc, ProcessData).model_copy(update={"activity_level": 1.0}))
        assert err.value.key == "reporting.error_period_frozen"
        assert v2.status == "draft"
