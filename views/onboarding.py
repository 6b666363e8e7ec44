"""First sign-in: confirm age 18+ and accept the privacy policy version in force (and again when a later version
changes its purposes: core.consent.policies.acceptable_labels)."""
import streamlit as st

from core.clock import SystemClock
from core.consent.cookies import inventory
from core.consent.policies import policy_notice
from core.identity import complete_onboarding
from core.settings import get_settings
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import lang, person_session, tr

guard("onboarding")

with person_session() as (session, user):
    notice = policy_notice(session, SystemClock().now(), get_settings().privacy_policy_version)
    returning = user.adult_confirmed_at is not None
version = notice.label
st.title(tr("onboarding.title"))
if returning:
    st.warning(tr("onboarding.reaccept", version=version), icon=":material/policy:")
    if notice.summary(lang()):
        st.write(tr("onboarding.changes", summary=notice.summary(lang())))
else:
    st.write(tr("onboarding.intro", version=version))
with st.expander(tr("onboarding.read_policy", version=version)):
    st.text(notice.text(lang()))
with st.expander(tr("consent.person.cookies")):  # the cookie inventory (policy §8): essential cookies only
    st.caption(tr("consent.person.cookies_intro"))
    st.table(inventory(lang()))

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
                                notice_version=notice.notice_version, clock=SystemClock())

    run_action("onboarding", _do, "onboarding.done")
