"""The entry pages as a person uses them, through AppTest. `st.data_editor` cannot be clicked in AppTest; its edits
are given as the widget's state (`edited_rows`, `added_rows`, `deleted_rows`), the same dict the browser sends."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import insert as sql_insert
from sqlmodel import select

from core.i18n import t
from core.reporting import (
    ProcessData,
    PurchasedPrecursorData,
    list_periods,
    update_process,
    update_purchased_precursor,
)
from db.models import Organization, User
from db.reporting_models import ProductionProcess, PurchasedPrecursor, Shipment, SourceStream
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import APP, open_app
from tests.factories import context


def _edits(added=(), edited=None, deleted=()):
    return {"edited_rows": edited or {}, "added_rows": list(added), "deleted_rows": list(deleted)}


def _editor(at, name):
    keys = [d.key for d in at.data_editor if d.key and d.key.startswith(f"{name}__ed")]
    assert len(keys) == 1, [d.key for d in at.data_editor]
    return keys[0]


def _rows(model, **where):
    """Rows of Demo Steel, the demo organization whose draft period these flows edit."""
    with scoped_session(Scope(), get_engine()) as s:
        steel = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one()
        q = select(model).where(model.org_id == steel.id)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return list(s.exec(q))


def _owner_ctx(at):
    org_id = at.session_state["acting"].org_id
    with scoped_session(Scope(), get_engine()) as s:
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
    return owner, org_id


def _period(at):
    owner, org_id = _owner_ctx(at)
    with context(get_engine(), owner, org_id) as ctx:
        return list_periods(ctx)[0]


def test_editor_enters_a_process_with_a_source_stream(demo_data):
    at = open_app("editor", "en", "processes")
    at.selectbox(key="proc_chosen").set_value("new")
    at.run()
    at.text_input(key="procf_code").set_value("P3")
    at.text_input(key="procf_name").set_value("Cold rolling")
    at.selectbox(key="procf_goods_category").set_value("Iron or steel products")
    at.run()
    at.multiselect(key="procf_cn_codes").set_value(["72083900"])
    at.text_input(key="procf_activity_level").set_value("500")
    at.text_input(key="procf_electricity_consumed_mwh").set_value("1200")
    at.text_input(key="procf_electricity_ef").set_value("0.58")
    at.text_input(key="procf_electricity_ef_source").set_value("Grid factor, supplier invoice 2026")
    at.button(key="proc_save").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (proc,) = _rows(ProductionProcess, code="P3")
    assert proc.cn_codes == ["72083900"] and proc.electricity_ef == 0.58
    assert at.selectbox(key="proc_chosen").value == str(proc.id)  # the new process is open for its streams
    key = _editor(at, "ss_combustion")
    at.session_state[key] = _edits(added=[{"name": "natural gas", "activity_data": 100.0, "activity_unit": "1000Nm3",
                                           "ncv": 37.5, "ncv_unit": "GJ/1000Nm3", "ef": 56.1,
                                           "ef_unit": "tCO2/TJ", "oxidation_factor": 1.0}])
    at.button(key="ss_combustion__save").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (stream,) = _rows(SourceStream, process_id=proc.id)
    assert stream.method == "combustion" and stream.params["ncv"] == 37.5
    assert "biomass_fraction" not in stream.params  # empty cells are not stored


def test_precursor_row_errors_are_shown_and_the_input_kept(demo_data):
    at = open_app("editor", "zh", "precursors")
    key = _editor(at, "prec")
    row = {"code": "PP2", "goods_category": "Pig iron", "cn_code": "72011011", "country": "IN", "see_direct": 1.9,
           "see_indirect": 0.1, "data_source": "actual"}
    at.session_state[key] = _edits(added=[row])
    at.button(key="prec__save").click()
    at.run()
    errors = [e.value for e in at.error]
    assert any(t("reporting.error_supplier_required", "zh") in e and t("entry.new_row", "zh", n=1) in e
               for e in errors), errors
    assert _rows(PurchasedPrecursor, code="PP2") == []
    assert at.session_state[key]["added_rows"] == [row]  # what was typed is still in the table
    at.session_state[key] = _edits(added=[row | {"supplier_installation": "Tata Steel Jamshedpur"}])
    at.button(key="prec__save").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    (pp,) = _rows(PurchasedPrecursor, code="PP2")
    assert pp.data_source == "actual" and pp.supplier_installation == "Tata Steel Jamshedpur"


def test_deleting_a_row_asks_for_confirmation(demo_data):
    at = open_app("owner", "en", "shipments")
    key = _editor(at, "ship")
    before = len(_rows(Shipment))
    at.session_state[key] = _edits(deleted=[1])
    at.run()
    assert at.button(key="ship__save").disabled
    at.checkbox(key="ship__confirm0").check()
    at.run()
    at.button(key="ship__save").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert len(_rows(Shipment)) == before - 1


def test_editor_adds_shipments(demo_data):
    at = open_app("editor", "en", "shipments")
    period = _period(at)
    customer_id = str(_rows(Shipment)[0].customer_id)
    p2 = _rows(ProductionProcess, code="P2", period_id=period.id)[0]
    key = _editor(at, "ship")
    at.session_state[key] = _edits(added=[
        {"customer_id": customer_id, "cn_code": "72083900", "quantity": 25.5, "shipped_on": "2026-05-04",
         "process_id": str(p2.id), "basis": "actual", "order_reference": "PO-77"},
        {"customer_id": customer_id, "cn_code": "72083900", "quantity": 10.0, "shipped_on": "2025-12-30",
         "basis": "default"},
    ])
    at.button(key="ship__save").click()
    at.run()
    errors = [e.value for e in at.error]
    assert any(t("reporting.error_date_outside_year", "en", year=2026) in e for e in errors), errors
    assert len(_rows(Shipment)) == 2  # all or nothing: the good row waits for the bad one
    at.session_state[key] = _edits(added=[
        {"customer_id": customer_id, "cn_code": "72083900", "quantity": 25.5, "shipped_on": "2026-05-04",
         "process_id": str(p2.id), "basis": "actual", "order_reference": "PO-77"},
        {"customer_id": customer_id, "cn_code": "72083900", "quantity": 10.0, "shipped_on": "2026-12-30",
         "basis": "default"}])
    at.button(key="ship__save").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    saved = {s.order_reference: s for s in _rows(Shipment)}
    assert saved["PO-77"].quantity == 25.5 and saved["PO-77"].shipped_on == date(2026, 5, 4)
    assert len(saved) == 4


@pytest.mark.parametrize("role", ["viewer", "consultant"])
@pytest.mark.parametrize("page", ["processes", "precursors", "shipments"])
def test_viewer_and_consultant_see_tables_read_only(demo_data, role, page):
    at = open_app(role, "en", page)
    assert not at.exception and not at.error
    assert at.data_editor == [] or all(d.editing_mode == "read_only" for d in at.data_editor)
    assert len(at.dataframe) >= 1
    assert not [b for b in at.button if b.key and b.key.endswith(("__save", "proc_save"))]
    if page == "processes":
        assert at.text_input(key="procf_code").disabled


def test_second_save_of_a_process_is_refused_naming_who_and_input_kept(demo_data):
    at = open_app("editor", "en", "processes")
    owner, org_id = _owner_ctx(at)
    p1 = _rows(ProductionProcess, code="P1")[0]
    at.selectbox(key="proc_chosen").set_value(str(p1.id))
    at.run()
    with context(get_engine(), owner, org_id) as ctx:  # meanwhile the owner saves the same process
        update_process(ctx, process_id=p1.id, expected_version=p1.version, data=ProcessData(
            code="P1", goods_category=p1.goods_category, route=p1.route, cn_code=p1.cn_code,
            activity_level=110000, direct_emissions=p1.direct_emissions))
    at.text_input(key="procf_activity_level").set_value("99999")
    at.button(key="proc_save").click()
    at.run()
    messages = [e.value for e in at.error]
    assert any("王丽 Wang Li" in m and "UTC" in m for m in messages), messages
    assert at.text_input(key="procf_activity_level").value == "99999"
    assert _rows(ProductionProcess, code="P1")[0].activity_level == 110000


def test_second_save_of_a_table_row_is_refused_naming_who_and_input_kept(demo_data):
    at = open_app("editor", "en", "precursors")
    owner, org_id = _owner_ctx(at)
    pp = _rows(PurchasedPrecursor, code="PP1")[0]
    with context(get_engine(), owner, org_id) as ctx:
        update_purchased_precursor(ctx, precursor_id=pp.id, expected_version=pp.version, data=PurchasedPrecursorData(
            code="PP1", goods_category="Pig iron", cn_code="72011011", country="CN", see_direct=1.7,
            data_source="default", justification="still no supplier data"))
    key = _editor(at, "prec")
    at.session_state[key] = _edits(edited={0: {"see_direct": 1.5}})
    at.button(key="prec__save").click()
    at.run()
    messages = [e.value for e in at.error]
    assert any("王丽 Wang Li" in m and "UTC" in m and t("entry.row", "en", n=1) in m for m in messages), messages
    assert at.session_state[key]["edited_rows"] == {0: {"see_direct": 1.5}}
    assert _rows(PurchasedPrecursor, code="PP1")[0].see_direct == 1.7


def _bulk_shipments(period_id, org_id, customer_id, process_id, user_id, count):
    with scoped_session(Scope(), get_engine()) as s:
        now = date(2026, 1, 1)
        s.exec(sql_insert(Shipment), params=[{
            "id": uuid.uuid4(), "org_id": org_id, "period_id": period_id, "customer_id": customer_id,
            "process_id": process_id, "cn_code": "72083900", "quantity": 1.0 + n,
            "shipped_on": date(2026, 1 + n % 12, 1 + n % 28), "order_reference": f"B-{n}", "basis": "actual",
            "created_by": user_id, "updated_by": user_id, "created_at": now, "updated_at": now, "version": 1}
            for n in range(count)])


def test_shipments_are_paged_and_filtered(demo_data):
    at = open_app("viewer", "en", "shipments")
    period = _period(at)
    owner, org_id = _owner_ctx(at)
    first = _rows(Shipment)[0]
    _bulk_shipments(period.id, org_id, first.customer_id, first.process_id, owner.id, 248)
    at.run()
    assert t("entry.rows_shown", "en", first=1, last=100, total=250) in [c.value for c in at.caption]
    assert len(at.dataframe[-1].value) == 100
    at.number_input(key="ship_page").set_value(3)
    at.run()
    assert t("entry.rows_shown", "en", first=201, last=250, total=250) in [c.value for c in at.caption]
    assert len(at.dataframe[-1].value) == 50
    at.selectbox(key="ship_quarter").set_value("2")
    at.run()
    q2 = sum(1 for n in range(248) if 4 <= 1 + n % 12 <= 6)
    assert t("entry.rows_shown", "en", first=1, last=min(q2, 100), total=q2) in [c.value for c in at.caption]


def test_a_comment_links_to_its_row_and_the_row_is_marked(demo_data):
    from core.reporting import add_comment
    at = open_app("owner", "en", "reporting")
    period = _period(at)
    owner, org_id = _owner_ctx(at)
    with context(get_engine(), owner, org_id) as ctx:
        add_comment(ctx, period_id=period.id, field_path="purchased_precursors[0].see_direct", text="Source?")
    at.run()
    links = [e for e in at.get("page_link") if "precursors" in e.proto.page]
    assert links, [e.proto for e in at.get("page_link")]
    pp = _rows(PurchasedPrecursor, code="PP1")[0]
    assert f"row={pp.id}" in links[0].proto.query_string and "field=see_direct" in links[0].proto.query_string
    target = open_app("owner", "en")
    for part in links[0].proto.query_string.split("&"):
        k, v = part.split("=", 1)
        target.query_params[k] = v
    target.switch_page(APP.replace("app.py", "views/precursors.py"))
    target.run()
    assert any(t("entry.focus", "en", row=t("entry.row", "en", n=1), field=t("entry.see_direct", "en")) == i.value
               for i in target.info), [i.value for i in target.info]
    table = target.data_editor[0].value
    assert list(table["focus"]) == ["⚑"]


def test_a_finding_on_a_later_shipment_opens_its_page(demo_data):
    at = open_app("owner", "en", "shipments")
    period = _period(at)
    owner, org_id = _owner_ctx(at)
    first = _rows(Shipment)[0]
    _bulk_shipments(period.id, org_id, first.customer_id, first.process_id, owner.id, 148)
    from core.reporting.fields import locate_field
    with context(get_engine(), owner, org_id) as ctx:
        target = locate_field(ctx, period_id=period.id, path="imports[120].quantity")
    at.query_params.update({"period": str(period.id), "row": str(target.row_id), "field": "quantity",
                            "pos": str(target.position)})
    at.run()
    assert at.number_input(key="ship_page").value == 2
    table = at.data_editor[0].value
    assert list(table["focus"]).index("⚑") == 20


def test_one_render_of_the_reporting_page_evaluates_the_engine_once(demo_data, monkeypatch):
    import core.cbam.engine as engine_module
    calls = []
    real = engine_module.evaluate
    monkeypatch.setattr(engine_module, "evaluate", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = open_app("owner", "en", "reporting")
    calls.clear()
    at.run()
    assert not at.exception
    assert any(m.label == t("reporting.certificates", "en") for m in at.metric)  # results and findings drawn
    assert len(calls) == 1
