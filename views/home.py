"""Home: open an invitation link, create a first organization, see what waits for you and what to do next."""
import streamlit as st

from core.clock import SystemClock
from core.errors import DomainError
from core.i18n import error_text
from core.notifications import invitation_notifications, notifications_for
from core.onboarding import next_steps
from core.organizations import (
    INDUSTRIES,
    OrganizationData,
    accept_invitation,
    create_organization,
    decline_invitation,
    open_invitation,
)
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import Acting, acting, context, labels, lang, person_session, set_acting, tr

guard("home")

a = acting()
st.title(tr("home.title"))


def _org_name(zh: str, en: str) -> str:
    return (en or zh) if lang() == "en" else (zh or en)


def _invitation_link(token: str) -> None:
    """An invitation link (`?invite=<token>`): the organization and role, to accept or decline; a link that is
    wrong, expired or used is refused."""
    try:
        with person_session() as (session, user):
            offer = open_invitation(session, user, token, clock=SystemClock())
    except DomainError as exc:
        st.error(error_text(exc, lang()), icon=":material/link_off:")
        return
    org = _org_name(offer.org_name_zh, offer.org_name_en)
    with st.container(border=True):
        st.subheader(tr("invitation.title"))
        st.write(tr("invitation.offer", org=org, role=tr(f"role.{offer.role}")))
        st.caption(tr("invitation.sent_to", email=offer.email, expires=offer.expires_at.strftime("%Y-%m-%d %H:%M UTC")))
        form_error("home_invitation")
        left, right = st.columns(2)
        if left.button(tr("invitation.accept"), type="primary", key="home_invite_accept"):
            def _accept() -> None:
                with person_session() as (s, u):
                    ctx = accept_invitation(s, u, token, clock=SystemClock())
                del st.query_params["invite"]
                set_acting(Acting(a.user_id, a.issuer, a.subject, a.email, ctx.org_id, ctx.role))
            run_action("home_invitation", _accept, "invitation.accepted", org=org)
        if right.button(tr("invitation.decline"), key="home_invite_decline"):
            def _decline() -> None:
                with person_session() as (s, u):
                    decline_invitation(s, u, token, clock=SystemClock())
                del st.query_params["invite"]
            run_action("home_invitation", _decline, "invitation.declined")


invite_token = st.query_params.get("invite")
if invite_token:
    _invitation_link(invite_token)

with person_session() as (session, user):
    invited = invitation_notifications(session, user)
for note in invited:  # accepting takes the link from the e-mail; this says the invitation exists
    st.info(tr("invitation.pending", org=_org_name(note.params["org_zh"], note.params["org_en"]),
               role=tr(f"role.{note.params['role']}")), icon=":material/mail:")

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
    notes = notifications_for(ctx)

st.subheader(tr("notifications.title"))
st.badge(tr("notifications.badge", count=len(notes)), icon=":material/notifications:", color="red" if notes else "gray")
if not notes:
    st.caption(tr("notifications.none"))
for note in notes:
    with st.container(border=True):
        st.markdown(tr(note.key, **note.params))
        if note.page:
            st.page_link(f"views/{note.page}.py", label=tr("home.go_to", page=tr(f"page.{note.page}")),
                         icon=":material/arrow_forward:")

# the setup steps while any is open; once all are done they are history, not a next step
shown_steps = steps if not all(step.done for step in steps) else []
if shown_steps:
    st.subheader(tr("home.next_steps"))
for step in shown_steps:
    icon = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
    with st.container(border=True):
        st.markdown(f"{icon} **{tr(f'home.step.{step.key}')}**")
        st.caption(tr(f"home.step.{step.key}.hint"))
        if not step.done and step.page:
            st.page_link(f"views/{step.page}.py", label=tr("home.go_to", page=tr(f"page.{step.page}")),
                         icon=":material/arrow_forward:")
