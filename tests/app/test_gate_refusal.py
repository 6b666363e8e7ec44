"""The reporting page lists the blocking findings that refused a submission, each translated and linked to its
field; and the organization page switches four-eyes approval."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.i18n import t
from core.reporting import ShipmentData, add_shipment, list_periods, list_processes, list_shipments
from core.reporting.quality import period_findings
from db.models import Organization, User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from tests.factories import context


def _people_and_steel():
    with scoped_session(Scope(), get_engine()) as s:
        editor = s.exec(select(User).where(User.subject == "demo-editor")).one()
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
        steel = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one().id
        s.expunge(editor)
        s.expunge(owner)
    return editor, owner, steel


def _ship_more_than_made(editor, steel):
    """A shipment from the demo's first process larger than all it produced (DQ23)."""
    with context(get_engine(), editor, steel) as ctx:
        (period,) = list_periods(ctx)
        proc = list_processes(ctx, period_id=period.id)[-1]
        sample = list_shipments(ctx, period_id=period.id)[0]
        add_shipment(ctx, period_id=period.id, data=ShipmentData(
            customer_id=sample.customer_id, process_id=proc.id, cn_code=proc.cn_code,
            quantity=proc.activity_level * 2, shipped_on=sample.shipped_on, order_reference="TOO-MUCH"))
        return period, proc


def _links_to(at, proc) -> list:
    return [e for e in at.get("page_link") if "processes" in e.proto.page and f"row={proc.id}" in e.proto.query_string
            and "field=activity_level" in e.proto.query_string]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_refused_submission_lists_each_blocking_finding_with_its_link(demo_data, lang):
    editor, _owner, steel = _people_and_steel()
    period, proc = _ship_more_than_made(editor, steel)
    at = open_app("editor", lang, "reporting")
    assert not at.exception
    in_quality_tab = len(_links_to(at, proc))  # the quality tab links every finding already
    at.button(key="rep_reporting.submit").click()
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert t("approval.error_blocking_submit", lang, count=2, rules="DQ23, DQ34") in errors, errors
    assert t("approval.blocking_heading", lang) in [m.value for m in at.markdown]
    # the refusal's own list: "DQ23: <the finding's message>" (the quality tab prefixes the severity)
    with context(get_engine(), editor, steel) as ctx:
        (dq23,) = [f for f in period_findings(ctx, period_id=period.id) if f.rule == "DQ23"]
    expected = t("approval.blocking_line", lang, rule="DQ23", message=t(dq23.key, lang, **dq23.params))
    assert [m for m in errors if m.startswith("DQ23")] == [expected]
    assert proc.code in expected
    links = _links_to(at, proc)
    # one more link per refused finding pointing at the process (DQ23 and DQ34)
    assert len(links) == in_quality_tab + 2, [e.proto for e in at.get("page_link")]
    assert links[0].proto.label == t("entry.go_to_field", lang, page=t("page.processes", lang))
    with context(get_engine(), editor, steel) as ctx:
        assert list_periods(ctx)[0].status == "draft"  # nothing submitted


def test_owner_switches_four_eyes_approval_on_the_organization_page(demo_data):
    from core.organizations import get_organization

    _editor, owner, steel = _people_and_steel()
    editor_view = open_app("editor", "en", "organization")
    assert not editor_view.exception
    assert t("approval.four_eyes_on", "en") in [c.value for c in editor_view.caption]
    assert "org_four_eyes_on" not in {w.key for w in editor_view.toggle}  # only the owner switches it
    at = open_app("owner", "zh", "organization")
    assert not at.exception
    assert at.toggle(key="org_four_eyes_on").value is True
    at.toggle(key="org_four_eyes_on").set_value(False)
    at.button(key="FormSubmitter:org_four_eyes-" + t("approval.four_eyes_save", "zh")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with context(get_engine(), owner, steel) as ctx:
        assert get_organization(ctx).four_eyes_approval is False
    assert t("approval.four_eyes_off", "zh") in [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_owner_approving_their_own_submission_is_told_to_get_a_second_approver(demo_data, lang):
    _editor, owner, steel = _people_and_steel()
    at = open_app("owner", lang, "reporting")
    at.button(key="rep_reporting.submit").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="rep_reporting.approve").click()
    at.run()
    assert not at.exception
    message = t("approval.error_four_eyes_no_approver", lang)
    assert message in [e.value for e in at.error] and t("page.members", lang) in message
    with context(get_engine(), owner, steel) as ctx:
        assert list_periods(ctx)[0].status == "submitted"
