"""The Data import page through AppTest: an editor downloads the workbook, uploads it changed, sees the problems,
imports all or only the valid rows; a supplier's template becomes a precursor; a viewer cannot open the page."""
from __future__ import annotations

import io
import json

import openpyxl
import pytest
from sqlmodel import select

from core.exchange.template import export_template
from core.exchange.workbook import layout as L
from core.i18n import t
from db.models import Organization
from db.reporting_models import ProductionProcess, PurchasedPrecursor
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import APP, open_app
from tests.support.paths import EXAMPLES


def _edit(data: bytes, changes: dict[tuple[str, str], object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for (sheet, cell), value in changes.items():
        wb[sheet][cell] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _steel(s):
    """Demo Steel, the demo organization whose draft period the import changes."""
    return s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one().id


def _p1_activity() -> float:
    with scoped_session(Scope(), get_engine()) as s:
        return s.exec(select(ProductionProcess).where(ProductionProcess.code == "P1", ProductionProcess.org_id == _steel(s))).one().activity_level


def _workbook(at) -> bytes:
    at.button(key="di_prepare").click()
    at.run()
    assert at.download_button(key="di_download")
    return at.session_state["di_workbook"][1]


def test_editor_downloads_changes_and_imports(demo_data):
    at = open_app("editor", "en", "data_import")
    assert not at.exception and at.title[0].value == t("page.data_import", "en")
    data = _edit(_workbook(at), {(L.PROCESSES.title, "G4"): 123456})
    at.session_state["di_bytes"] = data  # what the file uploader hands over
    at.run()
    at.button(key="di_check").click()
    at.run()
    assert t("data_import.no_problems", "en", changes=1) in [s.value for s in at.success]
    assert _p1_activity() == 100000  # checked, not yet saved
    at.button(key="di_import_all").click()
    at.run()
    assert not at.exception
    assert t("data_import.imported", "en", created=0, updated=1, unchanged=8, skipped=0) in [s.value for s in at.success]
    assert _p1_activity() == 123456


def test_problems_table_then_valid_rows_only_after_confirmation(demo_data):
    at = open_app("editor", "zh", "data_import")
    data = _edit(_workbook(at), {(L.PROCESSES.title, "G4"): "很多", (L.PROCESSES.title, "G5"): 95000})
    at.session_state["di_bytes"] = data
    at.run()
    at.button(key="di_check").click()
    at.run()
    assert t("data_import.problems", "zh", count=1) in [w.value for w in at.warning]
    table = at.dataframe[0].value
    assert list(table.iloc[0]) == [L.PROCESSES.title, 4, "G4 " + t("exchange.workbook.col.activity_level", "zh")
                                   + " (t | MWh)", t("exchange.workbook.error.not_a_number", "zh", value="很多")]
    assert at.button(key="di_import_valid").disabled
    at.checkbox(key="di_confirm").check()
    at.run()
    at.button(key="di_import_valid").click()
    at.run()
    assert not at.exception
    assert _p1_activity() == 100000  # the row with the problem was left out
    with scoped_session(Scope(), get_engine()) as s:
        assert s.exec(select(ProductionProcess).where(ProductionProcess.code == "P2", ProductionProcess.org_id == _steel(s))).one().activity_level == 95000


def test_supplier_template_creates_a_precursor(demo_data):
    at = open_app("owner", "en", "data_import")
    template = export_template(json.loads(
        (EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8")))
    at.session_state["di_supplier"] = template
    at.run()
    assert not at.exception
    at.selectbox(key="di_supplier_product").set_value("P1")
    at.text_input(key="di_supplier_code").set_value("PP-STEEL")
    at.get("form_submit_button")[0].click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with scoped_session(Scope(), get_engine()) as s:
        pp = s.exec(select(PurchasedPrecursor).where(PurchasedPrecursor.code == "PP-STEEL")).one()
    assert (pp.data_source, pp.cn_code, pp.supplier_installation) == ("actual", "72071114", "Demo Steel Works")


@pytest.mark.parametrize("role", ["viewer", "consultant", "dpo"])
def test_roles_without_data_edit_cannot_open_the_page(demo_data, role):
    at = open_app(role, "en")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(APP.replace("app.py", "views/data_import.py"))
