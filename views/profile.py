"""Profile: name, phone, preferred language; and the policy versions accepted."""
import streamlit as st

from core.clock import SystemClock
from core.i18n import LANGUAGES
from core.identity import ProfileData, update_profile
from core.identity.service import consents_of
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import labels, lang, person_session, tr

guard("profile")

st.title(tr("page.profile"))
with person_session() as (session, user):
    consents = consents_of(session, user)
    email, name, phone, language, version = user.email, user.name, user.phone, user.language, user.version

st.caption(tr("profile.email", email=email or "-"))
form_error("profile")
with st.form("profile"):
    new_name = st.text_input(tr("profile.name"), value=name or "", max_chars=200, key="profile_name")
    field_error("profile", "name")
    new_phone = st.text_input(tr("profile.phone"), value=phone or "", max_chars=40, key="profile_phone")
    field_error("profile", "phone")
    languages = list(LANGUAGES)
    new_lang = st.selectbox(tr("profile.language"), languages, index=languages.index(language or lang())
                            if (language or lang()) in languages else 0,
                            format_func=labels("language", languages).get, key="profile_language")
    submitted = st.form_submit_button(tr("common.save"), type="primary")

if submitted:
    def _do() -> None:
        with person_session() as (s, u):
            update_profile(s, u, ProfileData(name=new_name, phone=new_phone, language=new_lang),
                           expected_version=version, clock=SystemClock())
        st.session_state["lang"] = new_lang
        st.session_state["lang_chosen"] = True

    run_action("profile", _do, "common.saved")

st.subheader(tr("profile.consents"))
st.dataframe(
    [{tr("profile.consent_version"): c.policy_version, tr("profile.consent_at"): c.accepted_at} for c in consents],
    hide_index=True, width="stretch")

# the rights hub: export, requests, objections (issue 14)
st.page_link("views/my_data.py", label=tr("page.my_data"), icon=":material/shield_person:")
