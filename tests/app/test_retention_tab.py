"""The DPO's retention tab (ui.privacy.retention.render) and the owner's cancel control
(ui.privacy.cancellation_owner.render), each rendered from a tiny script on the demo database, in Chinese and
English: the schedule, the preview, the run log and the holds show; a hold is set and released; the owner cancels
and withdraws."""
from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.i18n import t
from db.retention_models import OrganizationCancellation, RetentionHold
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import visible_texts


def _dpo_tab() -> None:
    import streamlit as st
    from sqlmodel import select

    from core.access import Role
    from db.models import Membership, User
    from db.session import Scope, scoped_session
    from ui.state import Acting, set_acting

    with scoped_session(Scope()) as s:
        u = s.exec(select(User).where(User.subject == st.session_state["probe_subject"])).one()
        m = s.exec(select(Membership).where(Membership.user_id == u.id, Membership.status == "active")).first()
        set_acting(Acting(u.id, u.issuer, u.subject, u.email, m.org_id, Role(m.role)))
    module = st.session_state["probe_module"]
    if module == "retention":
        from ui.privacy.retention import render
    else:
        from ui.privacy.cancellation_owner import render
    render()


def _open(subject: str, module: str, lang: str) -> AppTest:
    at = AppTest.from_function(_dpo_tab, default_timeout=60)
    at.session_state["probe_subject"] = subject
    at.session_state["probe_module"] = module
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_dpo_sees_the_schedule_preview_runs_and_holds(demo_data, lang):
    at = _open("demo-dpo", "retention", lang)
    texts = visible_texts(at)
    for key in ("retention.ui.title", "retention.ui.schedule", "retention.ui.preview", "retention.ui.runs",
                "retention.ui.holds", "retention.ui.runs_none", "retention.ui.holds_none"):
        assert t(key, lang) in texts, key
    schedule = at.table[0].value
    assert t("retention.rule.audit_event", lang) in schedule.to_string()
    assert t("retention.period.years", lang, count=5) in schedule.to_string()
    if lang == "zh":  # no raw English on the Chinese page
        assert all("Retention" not in x and "hold" not in x.lower() for x in texts), texts
    # set a hold on the whole organization, then release it after confirming
    at.text_input(key="ret_hold_reason").input("Dispute D-9")
    at.button(key="ret_hold_set").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        (hold,) = s.exec(select(RetentionHold)).all()
    assert hold.reason == "Dispute D-9" and hold.user_id is None and hold.released_at is None
    assert at.button(key="ret_hold_release").disabled
    at.checkbox(key="ret_hold_release_sure").check().run()
    at.button(key="ret_hold_release").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        assert s.exec(select(RetentionHold)).one().released_at is not None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_owner_cancels_and_withdraws(demo_data, lang):
    at = _open("demo-owner", "cancellation", lang)
    assert t("retention.cancel.title", lang) in visible_texts(at)
    assert at.button(key="org_cancel").disabled  # confirmation first
    at.checkbox(key="org_cancel_sure").check().run()
    at.button(key="org_cancel").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        (c,) = s.exec(select(OrganizationCancellation)).all()
    assert c.withdrawn_at is None
    assert any(c.delete_on.isoformat() in w.value for w in at.warning)
    at.button(key="org_cancel_withdraw").click().run()
    with scoped_session(Scope(), get_engine()) as s:
        assert s.exec(select(OrganizationCancellation)).one().withdrawn_at is not None
    # an editor sees nothing of it
    at = _open("demo-editor", "cancellation", lang)
    assert t("retention.cancel.title", lang) not in visible_texts(at)
