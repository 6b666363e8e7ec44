"""The consent tabs rendered from a tiny script, as the lead wires them into the privacy center: the DPO drafts,
reviews and schedules a policy version (a short notice is refused on the page), and sees their own consents and
the cookie inventory, in Chinese and in English."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.organizations import memberships_of
from db.consent_models import PolicyVersion
from db.models import User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import visible_texts
from tests.factories import make_operator
from ui.state import Acting

SCRIPT = """
import streamlit as st
from ui.forms import show_flash
from ui.privacy.{module} import render
show_flash()
render()
"""


def _run(module: str, lang: str):  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    with scoped_session(Scope(), get_engine()) as s:
        dpo = s.exec(select(User).where(User.subject == "demo-dpo")).one()
        (org, role), *_ = memberships_of(s, dpo)
    make_operator(org.id)  # the platform's policies are the operator's DPO's
    at = AppTest.from_string(SCRIPT.format(module=module), default_timeout=60)
    at.session_state["acting"] = Acting(dpo.id, dpo.issuer, dpo.subject, dpo.email, org.id, role)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_tabs_render_for_the_dpo(demo_data, lang):
    for module in ("policies", "consent_person"):
        at = _run(module, lang)
        assert not at.exception
        texts = " ".join(visible_texts(at))
        assert not re.search(r"consent\.[a-z_]+\.", texts)  # every key translated
        if lang == "zh":
            assert "Policy" not in texts and "Cookies" not in texts
        if module == "consent_person":
            assert "_streamlit_xsrf" in str(at.table[0].value)  # the cookie inventory


def test_the_dpo_drafts_reviews_and_schedules_on_the_page(demo_data):
    at = _run("policies", "en")
    at.text_input(key="pol_new_label").input("1.1")
    at.text_area(key="pol_new_text_zh").input("隐私政策1.1")
    at.text_area(key="pol_new_text_en").input("Privacy policy 1.1")
    at.text_area(key="pol_new_summary_en").input("Clearer wording")
    at.button[[b.label for b in at.button].index("Save draft")].click().run()
    assert not at.exception
    at.button(key="pol_submit").click().run()
    assert not at.exception
    assert at.button(key="pol_schedule")
    # a date inside the 15 days' notice is refused on the page, nothing is scheduled
    at.date_input(key="pol_effective_date").set_value((datetime.now(UTC) + timedelta(days=14)).date())
    at.checkbox(key="pol_confirm").check()
    at.button(key="pol_schedule").click().run()
    assert not at.exception
    assert any("at least 15 days" in e.value for e in at.error)
    with scoped_session(Scope(), get_engine()) as s:
        assert s.exec(select(PolicyVersion.status)).one() == "review"
    at.date_input(key="pol_effective_date").set_value((datetime.now(UTC) + timedelta(days=16)).date())
    at.button(key="pol_schedule").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        assert s.exec(select(PolicyVersion.status)).one() == "scheduled"
    at = _run("consent_person", "en")
    assert any("version 1.1 takes effect" in i.value and "Clearer wording" in i.value for i in at.info)


def test_the_sign_in_gate_asks_again_only_when_purposes_changed(demo_data):
    from tests.app.conftest import open_app

    now = datetime.now(UTC)
    with scoped_session(Scope(), get_engine()) as s:  # versions already in force (their notice ran earlier)
        s.add(PolicyVersion(kind="privacy_policy", label="1.1", status="scheduled", text_zh="政策1.1",
                            text_en="Policy 1.1", purposes=["service"], changed_purposes=False,
                            notice_at=now - timedelta(days=40), effective_at=now - timedelta(days=20)))
    at = open_app("editor", "en", None)
    assert not at.exception and at.title[0].value != "Before you start"  # 1.1 kept the purposes: no gate
    with scoped_session(Scope(), get_engine()) as s:
        s.add(PolicyVersion(kind="privacy_policy", label="2.0", status="scheduled", text_zh="政策2.0",
                            text_en="Policy 2.0 with analytics", summary_en="Usage analytics added",
                            purposes=["service", "analytics"], changed_purposes=True,
                            notice_at=now - timedelta(days=30), effective_at=now - timedelta(days=1)))
    at = open_app("editor", "en", None)
    assert not at.exception and at.title[0].value == "Before you start"
    assert any("version 2.0" in w.value for w in at.warning)
    assert any("Usage analytics added" in m.value for m in at.markdown)
    at.checkbox(key="onboarding_adult").check()
    at.checkbox(key="onboarding_accept").check()
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        editor = s.exec(select(User).where(User.subject == "demo-editor")).one()
        from db.models import ConsentRecord

        latest = s.exec(select(ConsentRecord).where(ConsentRecord.user_id == editor.id)
                        .order_by(ConsentRecord.accepted_at.desc())).first()
    assert latest.policy_version == "2.0" and latest.notice_version.startswith("2.0#")
