"""Home: create a first organization, accept invitations, and see what to do next."""
import streamlit as st

from core.clock import SystemClock
from core.onboarding import next_steps
from core.organizations import (
    INDUSTRIES,
    OrganizationData,
    accept_invitation,
    create_organization,
    invitations_of,
)
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import acting, context, labels, person_session, tr

guard("home")

a = acting()
st.title(tr("home.title"))

with person_session() as (session, user):
    invitations = [(org.name_zh or org.name_en, m.id, m.role) for org, m in invitations_of(session, user)]
for org_name, membership_id, role in invitations:
    with st.container(border=True):
        st.write(tr("home.invitation", org=org_name, role=tr(f"role.{role}")))
        if st.button(tr("home.accept_invitation"), key=f"home_accept_{membership_id}"):
            def _accept(mid=membership_id) -> None:
                with person_session() as (s, u):
                    accept_invitation(s, u, mid, clock=SystemClock())
            run_action("home_invitation", _accept, "home.invitation_accepted")

if a.org_id is None:
    st.info(tr("home.no_organization"), icon=":material/info:")
    form_error("home_create")
    with st.form("home_create"):
        name_zh = st.text_input(tr("org.name_zh"), max_chars=200, key="home_name_zh")
        field_error("home_create", "name_zh")
        name_en = st.text_input(tr("org.name_en"), max_chars=200, key="home_name_en")
        industry = st.selectbox(tr("org.industry"), INDUSTRIES, format_func=labels("industry", INDUSTRIES).get,
                                key="home_industry")
        submitted = st.form_submit_button(tr("home.create_organization"), type="primary")
    if submitted:
        def _create() -> None:
            with person_session() as (s, u):
                create_organization(s, u, OrganizationData(name_zh=name_zh, name_en=name_en, industry=industry),
                                    clock=SystemClock())
        run_action("home_create", _create, "home.organization_created")
    st.stop()

with context() as ctx:
    steps = next_steps(ctx)
st.subheader(tr("home.next_steps"))
for step in steps:
    icon = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
    with st.container(border=True):
        st.markdown(f"{icon} **{tr(f'home.step.{step.key}')}**")
        st.caption(tr(f"home.step.{step.key}.hint"))
        if not step.done and step.page:
            st.page_link(f"pages/{step.page}.py", label=tr("home.go_to", page=tr(f"page.{step.page}")),
                         icon=":material/arrow_forward:")
