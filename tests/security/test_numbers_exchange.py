"""Absurd and non-finite numbers in exchange: refused at import (workbook, supplier template), and an approved
period that holds one (stored before entry refused it) gets a translated problem from every exporter, never a
decimal.InvalidOperation half-way through a file."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.clock import FixedClock
from core.errors import DomainError
from core.exchange.csv_export import shipments_csv
from core.exchange.errors import ExchangeError
from core.exchange.overview import customer_files, template_file
from core.exchange.pack import PackProblems, build_customer_pack
from core.exchange.registry import registry_report
from core.exchange.template import export_template
from core.exchange.template.reader import _Sheet
from core.exchange.workbook import import_workbook
from core.exchange.workbook import layout as L
from core.i18n import t
from core.reporting import list_shipments
from tests.exchange.exports_support import DETAILS, approved_steel
from tests.exchange.workbook.conftest import edit, steel, steel_scenario  # noqa: F401  (fixtures)
from tests.factories import context, sign_off

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _translated(key: str, params: dict) -> None:
    for lang in ("en", "zh"):
        assert t(key, lang, **params) != key


@pytest.fixture(params=["1e308", "1e200", "5e-324"])
def absurd_period(request, engine, monkeypatch):
    """An approved period whose default-priced shipment holds an absurd quantity, written as data stored and
    approved before entry refused such values and before blocking findings blocked approval (the gate is lifted
    for this fixture only: the exporters must stand on their own against old snapshots)."""
    import core.reporting.workflow as workflow
    monkeypatch.setattr(workflow, "refuse_blocking_findings", lambda *a, **k: None)
    team = approved_steel(engine, approve=False)
    with engine.begin() as c:
        if engine.dialect.name == "postgresql":  # the app role sees the organization's rows only (RLS)
            c.execute(text("SELECT set_config('app.org_id', :org, true)"), {"org": str(team.org)})
        done = c.execute(text("UPDATE shipment SET quantity = :q WHERE basis = 'default'"), {"q": float(request.param)})
        assert done.rowcount == 1
    team.period = sign_off(engine, team.org, team.period.id, submitter=team.editor, approver=team.owner)
    return team


def test_every_exporter_reports_the_absurd_number_instead_of_raising(absurd_period):
    team = absurd_period
    ctx = lambda: context(team.engine, team.owner, team.org, clock=FixedClock(NOW))  # noqa: E731
    with ctx() as c:
        report = registry_report(c, period_id=team.period.id, customer_id=team.customer.id, quarter=1,
                                 details=DETAILS)
    assert report.xml is None
    problem = next(p for p in report.problems if p.key == "exchange.problem.number")
    assert problem.params["field"].endswith(".quantity")
    _translated(problem.key, problem.params)
    with pytest.raises(PackProblems) as refused, ctx() as c:
        build_customer_pack(c, period_id=team.period.id, customer_id=team.customer.id, details=DETAILS)
    assert any(p.key == "exchange.problem.number" for _q, p in refused.value.problems)
    for export in (lambda c: shipments_csv(c, period_id=team.period.id, customer_id=team.customer.id),
                   lambda c: template_file(c, period_id=team.period.id)):
        with pytest.raises(ExchangeError) as refused, ctx() as c:
            export(c)
        assert refused.value.key == "exchange.error.number_unexportable"
        _translated(refused.value.key, refused.value.params)
    with ctx() as c:  # the exports page's customer files: the XML's problems and the CSV's, no exception
        files = customer_files(c, period_id=team.period.id, customer_id=team.customer.id, details=DETAILS)
    assert files.csv is None and files.csv_problem.key == "exchange.error.number_unexportable"
    assert all(r.xml is None for r in files.reports)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e308])
def test_the_template_writer_refuses_a_scenario_with_a_non_finite_number(value):
    import json

    from tests.exchange.conftest import EXAMPLES
    scenario = json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8"))
    scenario["processes"][0]["activity_level"] = value
    with pytest.raises(ExchangeError) as refused:
        export_template(scenario)
    assert refused.value.params["field"] == "processes[0].activity_level"


@pytest.mark.parametrize("cell", ["inf", "nan", "Infinity", "1e308", "5e-324", "1,000.5", "1_000", 1e308, 5e-324])
def test_a_template_number_cell_is_read_strictly(cell):
    with pytest.raises(ExchangeError) as refused:
        _Sheet([[cell]]).num(1, "A")
    assert refused.value.key == "exchange.error.not_a_number"


@pytest.mark.parametrize("cell,expected", [("1,5", 1.5), ("12.25", 12.25), (7, 7.0), (None, 0.0)])
def test_a_template_number_cell_keeps_a_plain_number(cell, expected):
    assert _Sheet([[cell]]).num(1, "A") == expected


@pytest.mark.parametrize("cell", [1e308, "1e308", "inf", 5e-324])
def test_the_workbook_import_refuses_absurd_numbers_and_saves_nothing(steel, cell):  # noqa: F811
    before_rows = None
    with steel.ctx() as ctx:
        before_rows = sorted(s.quantity for s in list_shipments(ctx, period_id=steel.period.id))
    data = edit(steel.workbook(), {(L.SHIPMENTS.title, "F4"): cell})
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data)
    assert not result.written
    problem = next(p for p in result.problems if p.sheet == "shipments" and p.column == "quantity")
    _translated(problem.key, problem.params)
    with steel.ctx() as ctx:
        assert sorted(s.quantity for s in list_shipments(ctx, period_id=steel.period.id)) == before_rows


def test_a_supplier_template_whose_see_is_not_finite_is_refused(steel, monkeypatch):  # noqa: F811
    import core.exchange.workbook.supplier as supplier

    def scenario(_data):
        import json

        from tests.exchange.conftest import EXAMPLES
        s = json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8"))
        s["processes"][0]["activity_level"] = 1e-300  # finite input, infinite SEE
        s["processes"][0]["direct_emissions"] = 1e300
        return s

    monkeypatch.setattr(supplier, "check_xlsx_package", lambda data, max_bytes: None)
    monkeypatch.setattr(supplier, "import_template", scenario)
    with pytest.raises(DomainError) as refused, steel.ctx() as ctx:
        supplier.import_supplier_template(ctx, steel.empty.id, b"template", process="P1")
    _translated(refused.value.key, refused.value.params)


@pytest.mark.parametrize("cell", ["1,000", "12,500", "１２", "1_000", "inf", "nan", "Infinity", "0x10", "1.000,5"])
def test_a_workbook_text_cell_is_refused_rather_than_read_as_another_number(cell):
    from core.exchange.workbook.reader import CellError, as_number

    with pytest.raises(CellError):
        as_number(cell)


@pytest.mark.parametrize("cell,expected", [("1,5", 1.5), ("1 000", 1000.0), ("-3,25", -3.25), ("12", 12.0),
                                           ("", None), (7, 7.0)])
def test_a_workbook_cell_keeps_a_plain_number(cell, expected):
    from core.exchange.workbook.reader import as_number

    assert as_number(cell) == expected
