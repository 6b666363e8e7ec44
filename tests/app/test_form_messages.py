"""A refused save says "correct the highlighted fields" only when the fields are highlighted next to it; an error
of a field the page does not draw is spelled out in the message instead."""
from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.i18n import t
from db.models import Organization
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import APP, open_app


def _highlighted_prefix(lang: str) -> str:
    return t("form.fix_highlighted", lang, count=1).split("1")[0]


def _assert_generic_only_with_field_errors(at, lang: str, field_messages: list[str]) -> None:
    errors = [e.value for e in at.error]
    generic = [m for m in errors if m.startswith(_highlighted_prefix(lang))]
    for message in generic:
        assert any(f in errors for f in field_messages), (message, errors)


def test_reopen_without_a_reason_highlights_the_reason(demo_data):
    for lang in ("en", "zh"):
        at = open_app("owner", lang)
        with scoped_session(Scope(), get_engine()) as s:
            alu = s.exec(select(Organization).where(Organization.name_en == "Demo Aluminium Co., Ltd.")).one().id
        at.selectbox(key="sidebar_org").set_value(alu)
        at.run()
        at.switch_page(APP.replace("app.py", "views/reporting.py"))
        at.run()
        at.text_input(key="rep_reason").set_value("  ")
        at.get("form_submit_button")[-1].click()
        at.run()
        errors = [e.value for e in at.error]
        required = t("reporting.error_reason_required", lang)
        assert required in errors, errors  # the reason's own error, next to the field
        assert any(m.startswith(_highlighted_prefix(lang)) for m in errors), errors
        _assert_generic_only_with_field_errors(at, lang, [required])


def _form_with_an_undrawn_field():
    import streamlit as st

    from core.errors import ValidationFailed
    from ui.forms import field_error, form_error, run_action

    st.session_state.setdefault("lang", "en")
    form_error("probe")
    st.text_input("Name", key="probe_name")
    field_error("probe", "name")
    if st.button("Save", key="probe_save"):
        def _refuse() -> None:
            raise ValidationFailed({"text": ("validation.required", {})})  # a field this form does not draw
        run_action("probe", _refuse, "common.saved")


def test_an_error_of_a_field_not_on_the_form_does_not_say_highlighted():
    for lang in ("en", "zh"):
        at = AppTest.from_function(_form_with_an_undrawn_field)
        at.session_state["lang"] = lang
        at.run()
        at.button(key="probe_save").click()
        at.run()
        (message,) = [e.value for e in at.error]
        assert not message.startswith(_highlighted_prefix(lang)), message
        assert t("validation.required", lang) in message and t("field.text", lang) in message, message
        assert t("error.validation_failed", lang, count=1) != message


def test_the_saved_confirmation_is_inline_never_a_toast_over_the_content(demo_data):
    """Issue 12: a confirmation never covers the banner or the content: it is a message in the page's flow."""
    at = open_app("owner", "en", "profile")
    at.text_input(key="profile_phone").input("+86 138 0000 1234")
    at.button[[b.label for b in at.button].index("Save")].click().run()
    assert not at.exception
    assert any(s.value == "Saved." for s in at.success)
    assert not at.toast
