"""The DPO's access-log tab (ui.privacy.access_log.render) and a person's own view
(ui.privacy.access_log_person.render), rendered from a tiny script in Chinese and English on the demo data."""
from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.i18n import t
from core.organizations import list_members, memberships_of
from db.access_models import ImpactAssessment
from db.models import User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import SUBJECTS
from tests.factories import context
from ui.state import Acting


def _dpo_tab() -> None:
    from ui.privacy.access_log import render

    render()


def _person_tab() -> None:
    from ui.privacy.access_log_person import render

    render()


def _acting(role: str) -> Acting:
    with scoped_session(Scope(), get_engine()) as s:
        user = s.exec(select(User).where(User.subject == SUBJECTS[role])).one()
        org, r = next((o, r) for o, r in memberships_of(s, user) if r.value == role)
        return Acting(user.id, user.issuer, user.subject, user.email, org.id, r)


def _open(script, role: str, lang: str) -> AppTest:
    at = AppTest.from_function(script, default_timeout=60)
    at.session_state["acting"] = _acting(role)
    at.session_state["lang"] = lang
    at.run()
    return at


def test_the_dpo_tab_in_both_languages(demo_data):
    for lang in ("zh", "en"):
        at = _open(_dpo_tab, "dpo", lang)
        assert not at.exception, at.exception
        assert [h.value for h in at.subheader] == [t(k, lang) for k in (
            "privacy.access.title", "privacy.pia.title", "privacy.minor.title")]
        assert any(t("privacy.access.verify_ok", lang, checked=0)[:6] in s.value for s in at.success)
    # the DPO creates an impact assessment from the tab
    at = _open(_dpo_tab, "dpo", "en")
    at.text_input(key="pia_new_title").input("AI helper abroad")
    at.selectbox(key="pia_new_trigger").set_value("cross_border")
    at.button(key="pia_create").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        (pia,) = s.exec(select(ImpactAssessment)).all()
    assert pia.title == "AI helper abroad" and pia.trigger == "cross_border"
    # deleting it now is refused (kept three years): the button needs the confirmation, then says why
    at = _open(_dpo_tab, "dpo", "en")
    assert at.button(key="pia_delete").disabled
    at.checkbox(key="pia_delete_confirm").check().run()
    at.button(key="pia_delete").click().run()
    assert any("three years" in e.value for e in at.error)


def test_a_person_sees_who_viewed_their_data(demo_data):
    a = _acting("editor")
    at = _open(_person_tab, "editor", "en")
    assert not at.exception and any(t("privacy.access.mine_none", "en") == i.value for i in at.info)
    with scoped_session(Scope(), get_engine()) as s:
        owner = s.exec(select(User).where(User.subject == SUBJECTS["owner"])).one()
    with context(get_engine(), owner, a.org_id) as ctx:
        list_members(ctx)
    for lang in ("zh", "en"):
        at = _open(_person_tab, "editor", lang)
        assert not at.exception
        assert at.subheader[0].value == t("privacy.access.mine_title", lang)
        (table,) = at.dataframe
        assert list(table.value[t("privacy.access.col.resource", lang)]) == [
            t("privacy.access.resource.members", lang)]


def test_a_suspended_person_sees_only_the_notice(demo_data):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from tests.app.conftest import open_app

    with scoped_session(Scope(), get_engine()) as s:
        s.execute(update(User).where(User.subject == SUBJECTS["editor"]).values(
            suspended_at=datetime(2026, 12, 1, tzinfo=UTC)))
    for lang in ("zh", "en"):
        at = open_app("editor", lang)
        assert not at.exception
        assert [w.value for w in at.warning][-1] == t("privacy.minor.suspended_notice", lang)
        assert not at.title  # no page ran: nothing but the notice (and the sign-out button)
        assert [b.key for b in at.button] == ["sidebar_sign_out"]
