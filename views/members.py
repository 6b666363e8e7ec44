"""Members: invite by email with a role, change roles, remove (never the last owner)."""
import streamlit as st

from core.access import ROLES, Permission, can
from core.organizations import change_role, invite, list_members, remove_member, renew_invitation
from ui.choice import labelled_selectbox
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import context, labels, tr

guard("members")

st.title(tr("page.members"))
with context() as ctx:
    members = list_members(ctx)
    manage = can(ctx.role, Permission.MEMBERS_MANAGE)
roles = [r.value for r in ROLES]

st.dataframe([{tr("members.email"): m.email, tr("members.name"): m.name or "", tr("members.role"):
               tr(f"role.{m.role}"), tr("members.status"): tr(f"members.status.{m.status}")} for m in members],
             hide_index=True, width="stretch")
if not manage:
    st.stop()

st.subheader(tr("members.invite"))
form_error("invite")
with st.form("invite", clear_on_submit=False):
    email = st.text_input(tr("members.email"), max_chars=320, key="invite_email")
    field_error("invite", "email")
    role = st.selectbox(tr("members.role"), roles, index=roles.index("viewer"), format_func=labels("role", roles).get,
                        key="invite_role")
    if st.form_submit_button(tr("members.send_invite"), type="primary"):
        def _invite() -> None:
            with context() as c:
                made = invite(c, email=email, role=role)
            # read after the commit: the e-mail goes out only then, and its failure leaves the invitation saved
            st.session_state["invite_last"] = (made.membership.invited_email, made.link,
                                               made.delivery.status if made.delivery else "not_configured")
        run_action("invite", _invite, "members.invited", email=email)
last = st.session_state.get("invite_last")
if last:
    invited_email, link, status = last
    if status == "sent":
        st.success(tr("invitation.mail_sent", email=invited_email), icon=":material/mail:")
    else:
        if status == "failed":
            st.warning(tr("invitation.mail_failed", email=invited_email), icon=":material/warning:")
        else:
            st.info(tr("invitation.link_to_copy", email=invited_email), icon=":material/link:")
        st.code(link, language=None)

st.subheader(tr("members.change"))
form_error("member_edit")
member_labels = {m.id: f"{m.name or m.email} ({tr(f'role.{m.role}')})" for m in members}
selected = labelled_selectbox(tr("members.member"), member_labels, index=None, placeholder=tr("members.choose"),
                              key="member_selected")  # the role in the label follows a change at once
if selected is None:
    st.stop()
member = next(m for m in members if m.id == selected)
new_role = st.selectbox(tr("members.new_role"), roles, index=roles.index(member.role),
                        format_func=labels("role", roles).get, key="member_new_role")
left, right = st.columns(2)
if left.button(tr("members.apply_role"), key="member_apply_role"):
    def _change() -> None:
        with context() as c:
            change_role(c, member.id, role=new_role, expected_version=member.version)
    run_action("member_edit", _change, "common.saved")
if member.status == "invited" and left.button(tr("invitation.renew"), key="member_renew_link"):
    def _renew() -> None:
        with context() as c:
            made = renew_invitation(c, member.id, expected_version=member.version)
        st.session_state["invite_last"] = (made.membership.invited_email, made.link,
                                           made.delivery.status if made.delivery else "not_configured")
    run_action("member_edit", _renew, "invitation.renewed", email=member.email)
confirm = right.checkbox(tr("members.confirm_remove", who=member.email), key="member_confirm_remove")
if right.button(tr("members.remove"), type="primary", disabled=not confirm, key="member_remove"):
    def _remove() -> None:
        with context() as c:
            remove_member(c, member.id, expected_version=member.version)
    run_action("member_edit", _remove, "members.removed", email=member.email)
