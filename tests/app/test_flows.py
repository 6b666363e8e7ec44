"""The foundation's flows as a person goes through them, through AppTest."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.i18n import t
from core.installations import InstallationData, update_installation
from core.organizations import list_members, remove_member
from db.migrate import upgrade
from db.models import Installation, Organization, User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import APP, open_app
from tests.factories import context


def _org_of(session, name_en):
    return session.exec(select(Organization).where(Organization.name_en == name_en)).one()


def _user(session, subject):
    return session.exec(select(User).where(User.subject == subject)).one()


def test_invalid_eori_shows_error_next_to_field_and_saves_nothing(demo_data):
    at = open_app("owner", "en", "organization")
    at.text_input(key="org_eori").set_value("DE-12")
    at.text_input(key="org_name_en").set_value("Renamed Ltd.")
    at.get("form_submit_button")[0].click()
    at.run()
    assert t("validation.eori_format", "en", value="DE-12") in [e.value for e in at.error]
    assert at.text_input(key="org_name_en").value == "Renamed Ltd."  # what the user typed is kept
    with scoped_session(Scope(), get_engine()) as s:
        names = {o.name_en for o in s.exec(select(Organization))}
    assert "Renamed Ltd." not in names


def test_create_installation_then_refuse_duplicate(demo_data):
    at = open_app("editor", "zh", "installations")
    at.text_input(key="inst_name").set_value("新厂 New plant")
    at.text_area(key="inst_address").set_value("江苏省南京市")
    at.text_input(key="inst_unlocode").set_value("CNNKG")
    at.get("form_submit_button")[0].click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with scoped_session(Scope(), get_engine()) as s:
        assert s.exec(select(Installation).where(Installation.name == "新厂 New plant")).one().unlocode == "CNNKG"
    at.selectbox(key="inst_chosen").set_value("new")
    at.run()
    at.text_input(key="inst_name").set_value("新厂 new PLANT")
    at.text_area(key="inst_address").set_value("x")
    at.get("form_submit_button")[0].click()
    at.run()
    assert t("installations.error_duplicate_name", "zh", name="新厂 new PLANT") in [e.value for e in at.error]


def test_second_save_refused_with_who_and_when_and_input_kept(demo_data):
    at = open_app("owner", "en", "installations")
    org_id = at.session_state["acting"].org_id
    with scoped_session(Scope(), get_engine()) as s:
        inst = s.exec(select(Installation).where(Installation.org_id == org_id)).first()
        owner = _user(s, "demo-owner")
    at.selectbox(key="inst_chosen").set_value(str(inst.id))
    at.run()
    assert at.text_area(key="inst_address").value == inst.address
    # meanwhile another owner's session saves the same installation (same person, other browser tab)
    data = InstallationData(name=inst.name, address="Changed in the other tab", country=inst.country)
    with context(get_engine(), owner, org_id) as ctx:
        update_installation(ctx, inst.id, data, expected_version=inst.version)
    at.text_area(key="inst_address").set_value("My own address")
    at.get("form_submit_button")[0].click()
    at.run()
    messages = [e.value for e in at.error]
    assert any("王丽 Wang Li" in m and "UTC" in m for m in messages), messages
    assert at.text_area(key="inst_address").value == "My own address"  # nothing the user typed is lost
    with scoped_session(Scope(), get_engine()) as s:
        assert s.get(Installation, inst.id).address == "Changed in the other tab"


def test_removed_member_loses_access_on_next_action(demo_data):
    at = open_app("viewer", "en", "installations")
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        owner, viewer = _user(s, "demo-owner"), _user(s, "demo-viewer")
        org_id = _org_of(s, "Demo Steel Co., Ltd.").id
    with context(get_engine(), owner, org_id) as ctx:
        member = next(m for m in list_members(ctx) if m.email == viewer.email)
        remove_member(ctx, member.id, expected_version=member.version)
    at.toggle(key="inst_show_archived").set_value(True)  # the viewer's next action
    at.run()
    assert t("access.revoked", "en") in [w.value for w in at.warning]
    assert not at.dataframe  # the installations are no longer shown
    assert at.title[0].value == t("home.title", "en")
    assert t("home.no_organization", "en") in [i.value for i in at.info]
    with pytest.raises(ValueError):  # and the page is gone from the viewer's navigation
        at.switch_page(APP.replace("app.py", "views/installations.py"))


def test_first_sign_in_onboards_then_creates_organization(tmp_path, monkeypatch):
    upgrade()  # empty database: the demo person signs in for the first time
    at = open_app("owner", "en")
    assert at.title[0].value == t("onboarding.title", "en")
    at.get("form_submit_button")[0].click()
    at.run()
    assert t("onboarding.error_adult", "en") in [e.value for e in at.error]
    at.checkbox(key="onboarding_adult").check()
    at.checkbox(key="onboarding_accept").check()
    at.get("form_submit_button")[0].click()
    at.run()
    assert not at.error
    assert at.title[0].value == t("home.title", "en")
    assert t("home.no_organization", "en") in [i.value for i in at.info]
    at.text_input(key="home_name_zh").set_value("新公司")
    at.get("form_submit_button")[0].click()
    at.run()
    assert not at.exception
    assert t("home.next_steps", "en") in [s.value for s in at.subheader]
    with scoped_session(Scope(), get_engine()) as s:
        assert s.exec(select(Organization).where(Organization.name_zh == "新公司")).one()


def test_audit_log_verifies_the_chain(demo_data):
    at = open_app("dpo", "zh", "audit_log")
    at.button(key="audit_verify").click()
    at.run()
    assert any(s.value.startswith("哈希链完整") for s in at.success), [e.value for e in at.error]


def test_local_login_refused_on_postgres(pg_database, monkeypatch):
    from core.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", pg_database.app_url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    at = open_app("owner", "en")
    assert t("login.local_refused", "en") in [e.value for e in at.error]
    assert not at.radio  # no demo person can be picked


def test_language_switch_in_sidebar(demo_data):
    at = open_app("owner", "zh")
    assert at.title[0].value == t("home.title", "zh")
    at.button_group(key="sidebar_language").set_value("en")
    at.run()
    assert at.title[0].value == t("home.title", "en")


def test_saved_language_preference_beats_browser_locale(demo_data):
    from streamlit.testing.v1 import AppTest

    from core.clock import SystemClock
    from core.identity import ProfileData, update_profile

    with scoped_session(Scope(), get_engine()) as s:
        owner = _user(s, "demo-owner")
        update_profile(s, owner, ProfileData(name="Wang Li", language="zh"), expected_version=owner.version,
                       clock=SystemClock())
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["local_subject"] = "demo-owner"
    at.session_state["lang"] = "en"  # what an en-US browser locale gives
    at.run()
    assert at.title[0].value == t("home.title", "zh")


def test_reporting_workflow_from_submit_to_frozen_snapshot(demo_data):
    from core.reporting import list_periods

    editor = open_app("editor", "en", "reporting")
    assert not editor.exception
    assert any(m.label == t("reporting.certificates", "en") for m in editor.metric)
    assert t("reporting.no_findings", "en") in [s.value for s in editor.success]
    editor.button(key="rep_reporting.submit").click()
    editor.run()
    assert not editor.error, [e.value for e in editor.error]

    owner = open_app("owner", "zh")
    with scoped_session(Scope(), get_engine()) as s:
        steel = _org_of(s, "Demo Steel Co., Ltd.").id
    owner.selectbox(key="sidebar_org").set_value(steel)
    owner.run()
    owner.switch_page(APP.replace("app.py", "views/reporting.py"))
    owner.run()
    owner.button(key="rep_reporting.approve").click()
    owner.run()
    assert not owner.error, [e.value for e in owner.error]
    with scoped_session(Scope(), get_engine()) as s:
        user = _user(s, "demo-owner")
    with context(get_engine(), user, steel) as ctx:
        (period,) = list_periods(ctx)
    assert period.status == "approved" and len(period.snapshot_hash) == 64
    assert any(period.snapshot_hash in c.value for c in owner.caption)


def test_viewer_sees_results_but_no_workflow_buttons(demo_data):
    at = open_app("viewer", "en", "reporting")
    assert not at.exception
    keys = {b.key for b in at.button}
    assert not keys & {"rep_reporting.submit", "rep_reporting.approve", "rep_reporting.start_review"}
    assert any(m.label == t("reporting.certificates", "en") for m in at.metric)


def test_home_drops_the_setup_steps_once_all_are_done(demo_data):
    """The demo organization has its profile, an installation and several members: Home lists what waits, not the
    three setup steps already done."""
    at = open_app("consultant", "zh")
    assert not at.exception
    assert t("home.next_steps", "zh") not in [s.value for s in at.subheader]
    assert t("notifications.title", "zh") in [s.value for s in at.subheader]
