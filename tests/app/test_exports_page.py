"""The Exports page by role, on the demo data with its steel period approved: the snapshot named, XML problems
listed before any download, the data pack built with progress, and the customer request log."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.i18n import t
from core.identity import LOCAL_ISSUER
from core.reporting import list_periods
from db.models import Organization, User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from tests.factories import context, sign_off

FILL = {"declarant_city": "Duisburg", "installation_city": "Fuzhou", "signatory_name": "Jonas Weber",
        "signatory_position": "CBAM officer", "signature_place": "Duisburg"}
PREFILLED = {"declarant_city": "Duisburg", "declarant_street": "Hafenstraße 1", "declarant_postcode": "47119",
             "installation_city": "Fuzhou", "signatory_name": "王丽 Wang Li",
             "signatory_position": "CBAM compliance manager", "signature_place": "Fuzhou"}


@pytest.fixture
def approved_demo(demo_data):
    engine = get_engine()
    with scoped_session(Scope(), engine) as s:
        owner = s.exec(select(User).where(User.issuer == LOCAL_ISSUER, User.subject == "demo-owner")).one()
        editor = s.exec(select(User).where(User.issuer == LOCAL_ISSUER, User.subject == "demo-editor")).one()
        org = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one()
        s.expunge(owner)
        s.expunge(editor)
    with context(engine, owner, org.id) as ctx:
        period = list_periods(ctx)[0]
    # four-eyes approval: the editor submits, the owner approves
    return sign_off(engine, org.id, period.id, submitter=editor, approver=owner)


def _texts(at, kind):
    return [e.value for e in getattr(at, kind)]


def _downloads(at):
    return [e.proto.label for e in at.get("download_button")]


def test_owner_sees_problems_then_downloads_and_builds_a_pack(approved_demo):
    at = open_app("owner", "en", "exports")
    assert not at.exception, [e.value for e in at.exception]
    assert any(approved_demo.snapshot_hash in c for c in _texts(at, "caption"))
    # the details stored on the customer, installation and organization (the demo seed's) are prefilled
    for field, value in PREFILLED.items():
        assert at.text_input(key=f"exports_d_{field}").value == value
    assert t("exports.xml_download", "en", quarter=1) in _downloads(at)
    for field in FILL:  # cleared, the problems are listed before any download
        at.text_input(key=f"exports_d_{field}").set_value("")
    at.run()
    assert t("exports.xml_problems", "en", quarter=1, count=5) in _texts(at, "warning")
    assert t("exports.xml_download", "en", quarter=1) not in _downloads(at)
    assert t("exports.csv_download", "en") in _downloads(at)
    for field, value in FILL.items():
        at.text_input(key=f"exports_d_{field}").set_value(value)
    at.run()
    assert not any(w.startswith("Q1:") for w in _texts(at, "warning"))
    assert t("exports.xml_download", "en", quarter=1) in _downloads(at)
    at.button(key="exports_pack_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.startswith(t("exports.pack_ready", "en", name="")) for s in _texts(at, "success"))
    assert t("exports.pack_download", "en") in _downloads(at)
    at.button(key="exports_tpl_btn").click().run()
    assert t("exports.template_download", "en") in _downloads(at)


def test_owner_logs_a_request_and_sees_it_overdue(approved_demo):
    at = open_app("owner", "zh", "exports")
    assert t("exports.requests_none", "zh") in _texts(at, "info")
    at.date_input(key="exports_req_received").set_value(date(2026, 1, 5))
    at.date_input(key="exports_req_due").set_value(date(2026, 1, 20))
    at.text_area(key="exports_req_subject").set_value("Q1 排放数据 <b>urgent</b>")
    save = [b for b in at.button if b.label == t("common.save", "zh")]
    assert len(save) == 1
    save[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("exports.requests_overdue", "zh", count=1) in _texts(at, "warning")
    table = at.dataframe[0].value
    assert "Q1 排放数据 <b>urgent</b>" in list(table[t("exports.col_subject", "zh")])
    assert list(table[t("exports.col_status", "zh")]) == [t("request.status.overdue", "zh")]


@pytest.mark.parametrize("role", ["viewer", "consultant"])
def test_readers_download_but_do_not_send(approved_demo, role):
    at = open_app(role, "en", "exports")
    assert not at.exception, [e.value for e in at.exception]
    assert t("exports.pack_not_allowed", "en") in _texts(at, "info")
    assert t("exports.csv_download", "en") in _downloads(at)
    labels = [b.label for b in at.button]
    assert t("exports.pack_build", "en") not in labels
    assert t("exports.request_add", "en") not in _texts(at, "subheader")


def test_editor_may_build_packs(approved_demo):
    at = open_app("editor", "en", "exports")
    assert not at.exception
    assert t("exports.pack_build", "en") in [b.label for b in at.button]
    assert t("exports.request_add", "en") in _texts(at, "subheader")


def test_a_snapshot_frozen_without_export_details_is_refused_on_the_page(approved_demo):
    import json

    from core.reporting import content_hash
    from db.reporting_models import PeriodSnapshot, ReportingPeriod

    with scoped_session(Scope(), get_engine()) as s:  # as approvals wrote snapshots before the details were kept
        snap = s.exec(select(PeriodSnapshot).where(PeriodSnapshot.period_id == approved_demo.id)).one()
        content = json.loads(snap.content)
        content.pop("export_details")
        snap.content = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        snap.hash = content_hash(snap.content)
        s.get(ReportingPeriod, approved_demo.id).snapshot_hash = snap.hash
        s.commit()
    at = open_app("owner", "en", "exports")
    assert not at.exception, [e.value for e in at.exception]
    assert t("frozen.error.incomplete", "en", year=2026, version=1) in _texts(at, "error")
    assert t("exports.csv_download", "en") not in _downloads(at)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_template_section_says_how_to_recalculate_in_libreoffice(approved_demo, language):
    at = open_app("owner", language, "exports")
    assert not at.exception, [e.value for e in at.exception]
    note = t("exports.template_recalc_note", language)
    assert note in _texts(at, "caption")
    assert ("Recalculate Hard" if language == "en" else "强制重新计算") in note
