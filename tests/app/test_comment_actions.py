"""A reviewer comments from where the figure is: the "comment" action next to a figure or under a table opens a box
pre-filled with the field's path (the path findings use); comments show who wrote them and when; only the author
or a reviewer gets the "resolve" button."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from core.i18n import t
from core.reporting import ShipmentData, add_shipment, list_comments, list_periods
from core.reporting.fields import locate_field
from db.models import Organization, User
from db.reporting_models import ProductionProcess, PurchasedPrecursor, Shipment
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import APP, open_app
from tests.factories import context


def _steel(at):
    with scoped_session(Scope(), get_engine()) as s:
        steel = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one().id
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
    if at.session_state["acting"].org_id != steel:
        at.selectbox(key="sidebar_org").set_value(steel)
        at.run()
    return owner, steel


def _open(role, page, lang="en"):
    at = open_app(role, lang)
    owner, steel = _steel(at)
    at.switch_page(APP.replace("app.py", f"views/{page}.py"))
    at.run()
    assert not at.exception
    return at, owner, steel


def _comments(owner, steel):
    with context(get_engine(), owner, steel) as ctx:
        (period,) = [p for p in list_periods(ctx) if p.status != "approved"]
        return period, list_comments(ctx, period_id=period.id)


def _send(at, text):
    at.text_area(key="comment_box_text").set_value(text)
    at.get("form_submit_button")[0].click()  # "Add comment" (the box's first button)
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def test_comment_next_to_a_process_figure_is_prefilled_with_its_path(demo_data):
    at, owner, steel = _open("consultant", "processes")
    p1 = next(p for p in _rows(steel, ProductionProcess) if p.code == "P1")
    at.selectbox(key="proc_chosen").set_value(str(p1.id))
    at.run()
    assert [b for b in at.button if b.key == "cmt_proc_electricity_ef"]
    at.button(key="cmt_proc_electricity_ef").click()
    at.run()
    path = at.text_input(key="comment_box_path")
    assert path.value == "processes[0].electricity.ef" and path.disabled  # pre-filled, not typed
    _send(at, "Grid factor source?")
    period, comments = _comments(owner, steel)
    assert [(c.field_path, c.text) for c in comments] == [("processes[0].electricity.ef", "Grid factor source?")]
    with context(get_engine(), owner, steel) as ctx:
        target = locate_field(ctx, period_id=period.id, path=comments[0].field_path)
    assert (target.page, target.row_id, target.field) == ("processes", p1.id, "electricity_ef")


def _rows(org, model):
    with scoped_session(Scope(), get_engine()) as s:
        return list(s.exec(select(model).where(model.org_id == org)))


def test_comment_on_a_precursor_row_and_who_may_resolve_it(demo_data):
    at, owner, steel = _open("consultant", "precursors", "zh")
    at.selectbox(key="prec_rows_cmt_row").set_value(0)
    at.selectbox(key="prec_rows_cmt_field").set_value("see_direct")
    at.run()
    at.button(key="cmt_prec_rows").click()
    at.run()
    assert at.text_input(key="comment_box_path").value == "purchased_precursors[0].see_direct"
    _send(at, "供应商数据？")
    period, (comment,) = _comments(owner, steel)
    assert comment.field_path == "purchased_precursors[0].see_direct"
    with context(get_engine(), owner, steel) as ctx:
        target = locate_field(ctx, period_id=period.id, path=comment.field_path)
    pp = _rows(steel, PurchasedPrecursor)[0]
    assert (target.page, target.row_id, target.field) == ("precursors", pp.id, "see_direct")

    # the reporting page shows who wrote it and when; the editor (not its author, not a reviewer) cannot resolve it
    editor, *_ = _open("editor", "reporting")
    captions = [c.value for c in editor.caption]
    assert any("Anna Schmidt" in c and "UTC" in c for c in captions), captions
    assert not [b for b in editor.button if b.key == f"rep_resolve_{comment.id}"]
    consultant, *_ = _open("consultant", "reporting")
    consultant.button(key=f"rep_resolve_{comment.id}").click()
    consultant.run()
    assert not consultant.error, [e.value for e in consultant.error]
    assert [c.resolved for c in _comments(owner, steel)[1]] == [True]


def test_viewer_and_editor_get_no_comment_action(demo_data):
    for role in ("viewer", "editor"):
        at, *_ = _open(role, "precursors")
        assert not [b for b in at.button if (b.key or "").startswith("cmt_")]
        assert t("review.comment", "en") not in [b.label for b in at.button]


def test_comment_on_a_source_stream_and_an_input_of_a_process(demo_data):
    at, owner, steel = _open("consultant", "processes")
    p2 = next(p for p in _rows(steel, ProductionProcess) if p.code == "P2")
    at.selectbox(key="proc_chosen").set_value(str(p2.id))
    at.run()
    at.selectbox(key="ss_combustion_rows_cmt_row").set_value(0)
    at.selectbox(key="ss_combustion_rows_cmt_field").set_value("ncv")
    at.run()
    at.button(key="cmt_ss_combustion_rows").click()
    at.run()
    assert at.text_input(key="comment_box_path").value == "processes[1].source_streams[0].ncv"
    _send(at, "NCV from the lab report?")
    at.selectbox(key="pin_rows_cmt_field").set_value("mass")
    at.run()
    at.button(key="cmt_pin_rows").click()
    at.run()
    assert at.text_input(key="comment_box_path").value == "processes[1].inputs[0].mass"
    _send(at, "Weighbridge records?")
    period, comments = _comments(owner, steel)
    with context(get_engine(), owner, steel) as ctx:
        stream, feed = (locate_field(ctx, period_id=period.id, path=c.field_path) for c in comments)
    assert (stream.row_id, stream.field) == (p2.id, "ncv") and stream.stream_id is not None
    assert (feed.row_id, feed.input_index, feed.field) == (p2.id, 0, "mass")


def test_comment_on_a_shipment_row_of_a_filtered_page_names_its_place_in_the_period(demo_data):
    at, owner, steel = _open("consultant", "shipments")
    period, _ = _comments(owner, steel)
    first = _rows(steel, Shipment)[0]
    with context(get_engine(), owner, steel) as ctx:  # after the demo's two Q1 shipments in the listing
        add_shipment(ctx, period_id=period.id, data=ShipmentData(
            customer_id=first.customer_id, process_id=first.process_id, cn_code=first.cn_code, quantity=3.0,
            shipped_on=date(2026, 5, 2)))
    at.selectbox(key="ship_quarter").set_value("2")
    at.run()
    rows = at.selectbox(key="ship_rows_cmt_row")
    assert rows.options, "the filtered page lists its rows"
    at.selectbox(key="ship_rows_cmt_field").set_value("quantity")
    at.run()
    at.button(key="cmt_ship_rows").click()
    at.run()
    path = at.text_input(key="comment_box_path").value
    _send(at, "Which delivery note?")
    period, (comment,) = _comments(owner, steel)
    assert comment.field_path == path
    with context(get_engine(), owner, steel) as ctx:
        target = locate_field(ctx, period_id=period.id, path=path)
        from core.reporting.shipments import page_shipments
        first_q2 = page_shipments(ctx, period_id=period.id, quarter=2).rows[0]
    assert (target.page, target.row_id, target.field) == ("shipments", first_q2.id, "quantity")
    assert path == "imports[2].quantity"  # its place in the whole period, not on the filtered page
