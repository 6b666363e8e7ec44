"""Entry point: page config, sign-in, who acts for which organization in which role, and the page list."""
from __future__ import annotations

import streamlit as st

from core.access import PAGES
from core.i18n import LANGUAGES
from core.identity import needs_onboarding
from core.organizations import memberships_of
from core.organizations.names import organization_name
from core.settings import get_settings
from ui.auth import local_mode_refused, oidc_providers, sign_in_local, sign_in_oidc, sign_out
from ui.errors import database_errors
from ui.forms import show_flash
from ui.navigation import page, pages_for_role
from ui.state import Acting, acting, lang, person_session, set_acting, tr
from ui.uploads import hide_streamlit_english

st.set_page_config(page_title="CBAM", page_icon=":material/factory:", layout="wide")
# Root-level keys of secrets.toml become environment variables; load them before any setting is read.
st.secrets.load_if_toml_exists()
hide_streamlit_english()  # Streamlit's English uploader texts, hidden before any page renders (ui/uploads.py)


def _switch_language() -> None:
    if st.session_state.get("sidebar_language"):
        st.session_state["lang"] = st.session_state["sidebar_language"]
        st.session_state["lang_chosen"] = True


with st.sidebar:
    current = lang()
    st.segmented_control(tr("sidebar.language"), list(LANGUAGES), default=current if current in LANGUAGES else None,
                         format_func={"zh": "中文", "en": "English"}.get, key="sidebar_language",
                         on_change=_switch_language)

providers = oidc_providers()
if not providers and not local_mode_refused():
    st.warning(tr("login.local_banner"), icon=":material/science:")
with database_errors():  # no SQL or traceback ever reaches the browser (see ui/errors.py)
    signed_in = sign_in_oidc(providers) if providers else sign_in_local()
if not signed_in:
    # The sign-in form is the whole screen: the pages are registered, hidden, before stopping (none runs), so a
    # link to a page (with its filters) keeps its address, and signing in lands on it.
    st.navigation([page(name, default=name == "home") for name in PAGES], position="hidden")
    st.stop()

a = acting()
with database_errors(), person_session() as (session, user):
    onboarding = needs_onboarding(session, user, get_settings().privacy_policy_version)
    orgs = [] if onboarding else memberships_of(session, user)
    display_name = user.name or user.email or ""
    suspended = user.suspended_at is not None  # reported as possibly under 18 (core.privacy.minors)

if suspended:  # signed in, but nothing to open: every service refuses them too (core.context.Context.require)
    with st.sidebar:
        if st.button(tr("sidebar.sign_out"), icon=":material/logout:", key="sidebar_sign_out"):
            sign_out()
    st.warning(tr("privacy.minor.suspended_notice"), icon=":material/block:")
    st.stop()

if onboarding:
    nav = st.navigation([page("onboarding", default=True)])
else:
    roles = {org.id: role for org, role in orgs}
    if a.org_id is not None and a.org_id not in roles:
        st.warning(tr("access.revoked"), icon=":material/block:")  # removed since the last action
    org_id = a.org_id if a.org_id in roles else (orgs[0][0].id if orgs else None)
    with st.sidebar:
        if len(orgs) > 1:
            names = {org.id: organization_name(org, lang()) for org, _ in orgs}
            org_id = st.selectbox(tr("sidebar.organization"), list(names), index=list(names).index(org_id),
                                  format_func=names.get, key="sidebar_org")
        elif orgs:
            st.caption(tr("sidebar.organization_named", name=organization_name(orgs[0][0], lang())))
    role = roles.get(org_id)
    if a.org_id != org_id or a.role != role:
        set_acting(Acting(a.user_id, a.issuer, a.subject, a.email, org_id, role))
    nav = st.navigation(pages_for_role(role, has_org=org_id is not None), expanded=True)  # every page in view

with st.sidebar:
    st.caption(tr("sidebar.signed_in_as", name=display_name))
    a = acting()
    if a and a.role:
        st.caption(tr("sidebar.role", role=tr(f"role.{a.role.value}")))
    if st.button(tr("sidebar.sign_out"), icon=":material/logout:", key="sidebar_sign_out"):
        sign_out()

show_flash()
with database_errors():
    nav.run()
