"""First sign-in: confirm age 18+ and accept the current privacy policy version."""
import streamlit as st

from core.clock import SystemClock
from core.identity import complete_onboarding, policy_text
from core.settings import get_settings
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import person_session, tr

guard("onboarding")

version = get_settings().privacy_policy_version
st.title(tr("onboarding.title"))
st.write(tr("onboarding.intro", version=version))
with st.expander(tr("onboarding.read_policy", version=version)):
    st.text(policy_text(version))

form_error("onboarding")
with st.form("onboarding"):
    adult = st.checkbox(tr("onboarding.adult"), key="onboarding_adult")
    field_error("onboarding", "adult")
    accept = st.checkbox(tr("onboarding.accept", version=version), key="onboarding_accept")
    field_error("onboarding", "accept_policy")
    submitted = st.form_submit_button(tr("onboarding.continue"), type="primary")

if submitted:
    def _do() -> None:
        with person_session() as (session, user):
            complete_onboarding(session, user, adult=adult, accept_policy=accept, policy_version=version,
                                clock=SystemClock())

    run_action("onboarding", _do, "onboarding.done")
