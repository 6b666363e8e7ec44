"""The data-entry workbook: round trip, idempotence, all-or-valid-only, permissions, on both databases."""
from __future__ import annotations

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import func, select

from core.errors import DomainError, PermissionDenied
from core.exchange.workbook import import_workbook
from core.exchange.workbook import layout as L
from core.i18n import t
from core.reporting import build_scenario, list_processes, list_shipments, submit_period
from db.models import AuditEvent
from db.reporting_models import (
    Customer,
    ProcessInput,
    ProductionProcess,
    PurchasedPrecursor,
    Shipment,
    SourceStream,
)
from tests.exchange.workbook.conftest import edit, with_member

ENTRY = ("processes", "purchased_precursors", "imports")
TABLES = (Customer, PurchasedPrecursor, ProductionProcess, SourceStream, ProcessInput, Shipment)


def state(steel) -> dict:
    """Every row of the organization's reporting tables (with versions) and the number of audit events."""
    with steel.ctx() as ctx:
        rows = {m.__name__: sorted((str(r.id), r.version) for r in ctx.session.exec(select(m))) for m in TABLES}
        rows["audit"] = ctx.session.exec(select(func.count()).select_from(AuditEvent)).one()
    return rows


def test_workbook_is_bilingual_with_lists_notes_and_the_period_data(steel):
    data = steel.workbook()
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert wb.sheet_names == [L.README_TITLE, *(s.title for s in L.TAB_ORDER), L.LISTS_TITLE]
    procs = wb.get_sheet_by_name(L.PROCESSES.title).to_python()
    assert procs[0][0] == t("exchange.workbook.col.process_code", "zh")
    assert procs[1][0] == t("exchange.workbook.col.process_code", "en")
    assert procs[2][:3] == ["process_code", "process_name", "goods_category"]
    assert [r[0] for r in procs[3:]] == ["P1", "P2"]
    ships = wb.get_sheet_by_name(L.SHIPMENTS.title).to_python()
    assert [(r[0], r[1], r[2], r[6]) for r in ships[3:]] == [
        ("PO-1", 1.0, "DE123456789012345", date(2026, 2, 15)), ("PO-2", 1.0, "DE123456789012345", date(2026, 2, 15))]
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data))[L.PROCESSES.title]
    assert t("exchange.workbook.note.activity_level", "en") in ws["G1"].comment.text
    assert "t | MWh" in ws["G1"].comment.text
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "Lists" in lists["C"]  # goods categories
    assert ws.sheet_state == "visible" and openpyxl.load_workbook(io.BytesIO(data))[L.LISTS_TITLE].sheet_state == "hidden"


def test_round_trip_into_an_empty_period_gives_the_same_scenario(steel):
    data = steel.workbook()
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.empty.id, data)
    assert result.problems == [] and result.written
    assert dict(result.created) == {"precursors": 1, "processes": 2, "source_streams": 1, "process_inputs": 2,
                                    "shipments": 2}
    assert result.unchanged["customers"] == 1  # customers belong to the organization, not the period
    with steel.ctx() as ctx:
        a, b = build_scenario(ctx, period_id=steel.period.id), build_scenario(ctx, period_id=steel.empty.id)
    for part in ENTRY:
        assert a[part] == b[part], part
    # and the copy exports to the same workbook sheets
    wa = CalamineWorkbook.from_filelike(io.BytesIO(data))
    wb = CalamineWorkbook.from_filelike(io.BytesIO(steel.workbook(steel.empty)))
    for sheet in L.TAB_ORDER:
        assert wa.get_sheet_by_name(sheet.title).to_python() == wb.get_sheet_by_name(sheet.title).to_python()


def test_reimporting_the_same_file_changes_nothing(steel):
    data = steel.workbook()
    before = state(steel)
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data)  # the period's own data back into it
    assert result.problems == [] and result.changes == 0
    assert sum(result.unchanged.values()) == 9
    assert state(steel) == before  # no row touched (versions equal), no audit event

    with steel.ctx() as ctx:
        first = import_workbook(ctx, steel.empty.id, data)
    middle = state(steel)
    with steel.ctx() as ctx:
        second = import_workbook(ctx, steel.empty.id, data)
    assert first.changes == 8 and second.changes == 0
    assert state(steel) == middle


def test_a_changed_cell_updates_that_row_only_with_one_summary_audit_event(steel):
    data = edit(steel.workbook(), {(L.PROCESSES.title, "G4"): 120000, (L.SHIPMENTS.title, "F5"): 1500})
    before = state(steel)
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data)
    assert result.problems == []
    assert dict(result.updated) == {"processes": 1, "shipments": 1}
    after = state(steel)
    assert after["audit"] == before["audit"] + 1
    with steel.ctx() as ctx:
        event = ctx.session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert event.action == "workbook.imported" and event.entity_id == str(steel.period.id)
        assert event.after["processes"]["updated"] == 1 and event.after["shipments"]["unchanged"] == 1
        p1 = next(p for p in list_processes(ctx, period_id=steel.period.id) if p.code == "P1")
        assert p1.activity_level == 120000 and p1.version == 2
        assert sorted(s.quantity for s in list_shipments(ctx, period_id=steel.period.id)) == [1000, 1500]


def _with_bad_rows(steel) -> bytes:
    return edit(steel.workbook(), {
        # a new, valid process P3 and a new invalid process P4 (unknown category, zero activity)
        (L.PROCESSES.title, "A6"): "P3", (L.PROCESSES.title, "C6"): "Crude steel", (L.PROCESSES.title, "E6"): "72071114",
        (L.PROCESSES.title, "G6"): 500, (L.PROCESSES.title, "H6"): 100,
        (L.PROCESSES.title, "A7"): "P4", (L.PROCESSES.title, "C7"): "Cheese", (L.PROCESSES.title, "G7"): 0,
        # a shipment of P4 (refers to an invalid row) and one with text for a quantity
        (L.SHIPMENTS.title, "A6"): "PO-9", (L.SHIPMENTS.title, "B6"): 1, (L.SHIPMENTS.title, "C6"): "DE123456789012345",
        (L.SHIPMENTS.title, "D6"): "P4", (L.SHIPMENTS.title, "E6"): "72071114", (L.SHIPMENTS.title, "F6"): 10,
        (L.SHIPMENTS.title, "G6"): date(2026, 5, 1), (L.SHIPMENTS.title, "H6"): "actual",
        (L.SHIPMENTS.title, "A7"): "PO-10", (L.SHIPMENTS.title, "B7"): 1, (L.SHIPMENTS.title, "C7"): "DE123456789012345",
        (L.SHIPMENTS.title, "D7"): "P3", (L.SHIPMENTS.title, "E7"): "72071114", (L.SHIPMENTS.title, "F7"): "ten",
        (L.SHIPMENTS.title, "G7"): date(2026, 5, 1), (L.SHIPMENTS.title, "H7"): "actual",
        # and a valid new shipment of the valid new process
        (L.SHIPMENTS.title, "A8"): "PO-11", (L.SHIPMENTS.title, "B8"): 1, (L.SHIPMENTS.title, "C8"): "DE123456789012345",
        (L.SHIPMENTS.title, "D8"): "P3", (L.SHIPMENTS.title, "E8"): "72071114", (L.SHIPMENTS.title, "F8"): 5,
        (L.SHIPMENTS.title, "G8"): date(2026, 6, 30), (L.SHIPMENTS.title, "H8"): "actual",
    })


def test_problems_are_listed_by_sheet_row_and_column_and_nothing_is_saved(steel):
    data = _with_bad_rows(steel)
    before = state(steel)
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data)
    assert not result.written
    found = {(p.sheet, p.row, p.column, p.key) for p in result.problems}
    assert ("processes", 7, "goods_category", "reporting.error_goods_category") in found
    assert ("processes", 7, "activity_level", "reporting.error_positive") in found
    assert ("shipments", 6, "process_code", "exchange.workbook.error.reference_invalid") in found
    assert ("shipments", 7, "quantity", "exchange.workbook.error.not_a_number") in found
    cell = next(p for p in result.problems if p.key == "exchange.workbook.error.not_a_number")
    assert cell.cell == "F7" and cell.params == {"value": "ten"}
    assert len(result.problems) == 4
    assert state(steel) == before


def test_valid_rows_only_imports_the_rest(steel):
    data = _with_bad_rows(steel)
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data, valid_rows_only=True)
    assert result.written and len(result.problems) == 4
    assert result.created["processes"] == 1 and result.created["shipments"] == 1
    assert result.skipped["processes"] == 1 and result.skipped["shipments"] == 2
    with steel.ctx() as ctx:
        assert [p.code for p in list_processes(ctx, period_id=steel.period.id)] == ["P1", "P2", "P3"]
        assert {s.order_reference for s in list_shipments(ctx, period_id=steel.period.id)} == {"PO-1", "PO-2", "PO-11"}
    with steel.ctx() as ctx:  # the same file again: the valid rows are there now, the invalid still refused
        again = import_workbook(ctx, steel.period.id, data, valid_rows_only=True)
    assert again.changes == 0 and len(again.problems) == 4


def test_check_only_keeps_nothing(steel):
    before = state(steel)
    data = edit(steel.workbook(), {(L.PROCESSES.title, "G4"): 120000})
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data, check_only=True)
    assert result.problems == [] and result.updated["processes"] == 1 and not result.written
    assert state(steel) == before


def test_progress_is_reported(steel):
    seen = []
    with steel.ctx() as ctx:
        import_workbook(ctx, steel.empty.id, steel.workbook(), progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0


def test_viewer_may_not_import_and_a_submitted_period_is_locked(steel):
    data = steel.workbook()
    viewer = with_member(steel, "viewer")
    with pytest.raises(PermissionDenied), steel.ctx(viewer) as ctx:
        import_workbook(ctx, steel.period.id, data)
    with steel.ctx() as ctx:
        period = ctx.session.get(type(steel.period), steel.period.id)
        submit_period(ctx, period_id=steel.period.id, expected_version=period.version)
    before = state(steel)
    with pytest.raises(DomainError) as err, steel.ctx() as ctx:
        import_workbook(ctx, steel.period.id, edit(data, {(L.PROCESSES.title, "G4"): 1}))
    assert err.value.key == "reporting.error_period_locked"
    assert state(steel) == before


def test_rows_are_matched_by_natural_keys_and_duplicates_refused(steel):
    data = edit(steel.workbook(), {(L.PROCESSES.title, "A5"): "P1"})  # P2's row now says P1 as well
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data)
    dup = [p for p in result.problems if p.key == "exchange.workbook.error.duplicate_key"]
    assert [(p.sheet, p.row, p.params) for p in dup] == [("processes", 5, {"first": 4})]
    assert not result.written


def test_text_that_looks_like_a_formula_is_exported_as_text_and_reimports_unchanged(steel):
    from core.reporting import SourceStreamData, list_source_streams, update_source_stream

    evil = '=HYPERLINK("http://evil.example","click")'
    with steel.ctx() as ctx:
        p2 = next(p for p in list_processes(ctx, period_id=steel.period.id) if p.code == "P2")
        stream = list_source_streams(ctx, process_id=p2.id)[0]
        update_source_stream(ctx, stream_id=stream.id, data=SourceStreamData(
            name=evil, method=stream.method, params=stream.params), expected_version=stream.version)
    data = steel.workbook()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(L.SOURCE_STREAMS.title).to_python()
    assert rows[3][1] == evil
    before = state(steel)
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data)
    assert result.problems == [] and result.changes == 0 and state(steel) == before


def test_shipments_written_in_many_chunks_are_the_same_rows(steel, monkeypatch):
    """The shipments sheet is written in chunks (on PostgreSQL pipelined while the next rows are checked): one row
    per chunk gives the same shipments, in the same order, as the period they came from."""
    from core.exchange.workbook import shipment_rows
    from core.reporting import list_shipments

    monkeypatch.setattr(shipment_rows, "CHUNK", 1)
    data = steel.workbook()
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.empty.id, data)
    assert result.problems == [] and result.written and result.created["shipments"] >= 2
    fields = ("cn_code", "quantity", "shipped_on", "order_reference", "basis", "customer_id")
    with steel.ctx() as ctx:
        source = [tuple(getattr(s, f) for f in fields) for s in list_shipments(ctx, period_id=steel.period.id)]
        copied = [tuple(getattr(s, f) for f in fields) for s in list_shipments(ctx, period_id=steel.empty.id)]
    assert copied == source
