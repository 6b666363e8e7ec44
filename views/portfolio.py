"""Portfolio: every organization the person is a member of, side by side; opening one switches the acting
organization and shows its emissions dashboard."""
import streamlit as st

from core.dashboards import DEADLINE_SOURCE, portfolio_of
from core.i18n import Term
from core.organizations import memberships_of
from core.organizations.names import organization_name
from ui.navigation import guard, page
from ui.state import Acting, acting, context, lang, person_session, set_acting, tr

guard("portfolio")

st.title(tr("page.portfolio"))
if st.session_state.pop("portfolio_open", False):
    st.switch_page(page("emissions"))

bar = st.progress(0.0, text=tr("dash.portfolio_loading", done=0, total="…"))
with context() as ctx:
    rows = portfolio_of(ctx, progress=lambda done, total: bar.progress(
        done / total, text=tr("dash.portfolio_loading", done=done, total=total)))
bar.empty()


def _open(org_id, role) -> None:
    """Act in the organization from now on (the sidebar's choice too), then show its dashboard."""
    with person_session() as (session, user):
        if org_id not in {org.id for org, _ in memberships_of(session, user)}:
            return
    a = acting()
    set_acting(Acting(a.user_id, a.issuer, a.subject, a.email, org_id, role))
    st.session_state["sidebar_org"] = org_id
    st.session_state["portfolio_open"] = True


st.caption(tr("dash.portfolio_note", source=Term(DEADLINE_SOURCE)))
names = {r.org_id: organization_name(r, lang()) for r in rows}
st.dataframe([{
    tr("dash.col.organization"): names[r.org_id], tr("dash.col.role"): tr(f"role.{r.role.value}"),
    tr("dash.col.periods"): r.periods if r.visible else None,
    tr("dash.col.statuses"): " · ".join(f"{tr('reporting.status.' + s)} {n}" for s, n in sorted(r.statuses.items()))
    if r.visible else tr("dash.no_access"),
    tr("dash.col.overdue"): r.overdue if r.visible else None,
    # a group the engine cannot price leaves the totals incomplete: say so, never show the smaller sum
    tr("dash.col.certificates"): (tr("dash.incomplete") if r.incomplete else round(r.certificates, 1))
    if r.visible else None,
    tr("dash.col.cost_eur"): (tr("dash.incomplete") if r.incomplete else round(float(r.cost_eur), 2))
    if r.visible else None,
    tr("dash.col.blocking"): r.blocking if r.visible else None,
    tr("dash.col.warnings"): r.warnings if r.visible else None,
    tr("dash.col.shipments"): r.shipments if r.visible else None,
} for r in rows], hide_index=True, width="stretch")

openable = {r.org_id: r.role for r in rows if r.visible}
if openable:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(tr("dash.open_which"), list(openable), format_func=names.get, key="portfolio_org")
    c2.button(tr("dash.open_dashboard"), key="portfolio_open_btn", on_click=_open, args=(chosen, openable[chosen]),
              icon=":material/open_in_new:", type="primary")
