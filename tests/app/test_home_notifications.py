"""Home: the notification badge and list (issue 11), and the invitation link flow (issue 17)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.clock import SystemClock
from core.demo.seed import DEMO_USERS
from core.identity import LOCAL_ISSUER, resolve_login
from core.organizations import invite, memberships_of, role_in
from core.reporting import list_periods, submit_period
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import APP, SUBJECTS, open_app, visible_texts
from tests.factories import context


def _person(role: str):
    demo = next(d for d in DEMO_USERS if d.role == role)
    with scoped_session(Scope(), get_engine()) as s:
        return resolve_login(s, issuer=LOCAL_ISSUER, subject=demo.subject, email=demo.email, name=demo.name,
                             clock=SystemClock())


def _orgs(user) -> dict[str, object]:
    with scoped_session(Scope(user_id=user.id, email=user.email), get_engine()) as s:
        return {org.name_en: org.id for org, _role in memberships_of(s, user)}


def test_badge_and_list_show_the_period_waiting_for_review(demo_data):
    editor, owner = _person("editor"), _person("owner")
    steel = _orgs(owner)["Demo Steel Co., Ltd."]
    with context(get_engine(), editor, steel) as ctx:
        draft = next(p for p in list_periods(ctx) if p.status == "draft")
        submit_period(ctx, period_id=draft.id, expected_version=draft.version)
    at = open_app("owner")
    texts = visible_texts(at)
    assert "Notifications" in texts
    assert "1 period waiting for your review" in texts
    assert any("red-badge[" in m.value and "1 waiting]" in m.value for m in at.markdown)
    zh = visible_texts(open_app("owner", lang="zh"))
    assert "1 个报告期等待您审核" in zh


def _open_link(role: str, token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["local_subject"] = SUBJECTS[role]
    at.session_state["lang"] = "en"
    at.session_state["lang_chosen"] = True
    at.query_params["invite"] = token
    at.run()
    return at


def test_invitation_link_shows_the_offer_accepts_once_and_refuses_again(demo_data):
    owner, dpo = _person("owner"), _person("dpo")
    aluminium = _orgs(owner)["Demo Aluminium Co., Ltd."]
    with context(get_engine(), owner, aluminium) as ctx:
        token = invite(ctx, email=dpo.email, role="viewer").token
    at = _open_link("dpo", token)
    texts = visible_texts(at)
    assert "You are invited to join Demo Aluminium Co., Ltd. as Viewer." in texts, texts
    at.button(key="home_invite_accept").click().run()
    assert not at.exception
    with scoped_session(Scope(user_id=dpo.id, email=dpo.email), get_engine()) as s:
        assert role_in(s, dpo, aluminium) == "viewer"
    assert "invite" not in at.query_params
    again = _open_link("dpo", token)
    assert "This invitation link has already been used." in [e.value for e in again.error]
    assert not [b for b in again.button if b.key == "home_invite_accept"]


def test_wrong_link_is_refused_in_the_persons_language(demo_data):
    at = _open_link("viewer", "not-a-real-token")
    assert "This invitation link is not valid. Ask the person who invited you for a new one." in [
        e.value for e in at.error]


def _invite_on_members_page(email: str) -> AppTest:
    at = open_app("owner", page="members")
    at.text_input(key="invite_email").input(email)
    at.get("form_submit_button")[0].click()
    at.run()
    return at


def test_without_smtp_the_members_page_shows_the_link_to_copy(demo_data):
    at = _invite_on_members_page("new.person@example.com")
    assert not at.exception
    assert "Invitation link for new.person@example.com (valid once, for 7 days). Pass it on to them:" in [
        e.value for e in at.info]
    (code,) = [c.value for c in at.code]
    assert code.startswith("http://localhost:8501/?invite=")


def test_smtp_failure_warns_and_keeps_the_invitation(demo_data, monkeypatch):
    from core.settings import get_settings
    from tests.support.smtp_server import free_port

    for name, value in (("CBAM_SMTP_HOST", "127.0.0.1"), ("CBAM_SMTP_PORT", str(free_port())),
                        ("CBAM_SMTP_SECURITY", "none"), ("CBAM_MAIL_FROM", "noreply@cbam.example.com")):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    at = _invite_on_members_page("new.person@example.com")
    assert not at.exception
    assert [w.value for w in at.warning if "could not be sent" in w.value] == [
        "new.person@example.com has been invited, but the invitation e-mail could not be sent. "
        "Pass the link on to them yourself:"]
    assert "new.person@example.com" in [r for r in at.dataframe[0].value.iloc[:, 0]]


def test_home_is_role_aware_editor_sees_blocking_findings_dpo_the_privacy_work(demo_data):
    """Issue 12: an editor sees what blocks their drafts; a DPO the open, soon-due and overdue privacy requests."""
    from datetime import timedelta

    from sqlalchemy import update

    from core.privacy import requests
    from db.reporting_models import ProductionProcess

    editor, dpo = _person("editor"), _person("dpo")
    assert not [t for t in visible_texts(open_app("editor")) if "blocking finding" in t]  # the demo draft is clean
    with scoped_session(Scope(), get_engine()) as s:  # a process with no production: blocking
        s.execute(update(ProductionProcess).values(activity_level=0))
    texts = visible_texts(open_app("editor"))
    assert any("blocking finding" in t and "from being submitted" in t for t in texts), texts
    assert any("阻断性问题" in t for t in visible_texts(open_app("editor", lang="zh")))

    steel = _orgs(dpo)["Demo Steel Co., Ltd."]
    old = SystemClock().now() - timedelta(days=40)
    with scoped_session(Scope(user_id=editor.id, email=editor.email), get_engine()) as s:
        requests.create_request(s, user=s.get(type(editor), editor.id), org_id=steel, type="access", details="",
                                at=old)
        requests.create_request(s, user=s.get(type(editor), editor.id), org_id=steel, type="erasure", details="",
                                at=SystemClock().now())
    texts = visible_texts(open_app("dpo"))
    assert "2 privacy requests open" in texts and "1 privacy request overdue" in texts
    assert "2 个隐私请求待处理" in visible_texts(open_app("dpo", lang="zh"))
