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
