"""Portfolio: every organization the person is a member of, side by side; opening one switches the acting
organization and shows its emissions dashboard."""
import streamlit as st

from core.dashboards import DEADLINE_SOURCE, portfolio_of
from core.i18n import Term
from core.numbers.display import shown
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


def _figure(r, value, unit: str) -> str:  # noqa: ANN001
    """A cell as people read it: thousands separators and the unit's precision; "—" where the person may not look
    (and never Streamlit's "None"); a group the engine cannot price says so, never the smaller sum."""
    if not r.visible:
        return "—"
    if value is None:
        return tr("dash.incomplete")
    return shown(value, unit)


FIGURES = {"dash.col.periods": "count", "dash.col.overdue": "count", "dash.col.certificates": "tco2e",
           "dash.col.cost_eur": "eur", "dash.col.blocking": "count", "dash.col.warnings": "count",
           "dash.col.shipments": "count"}
st.dataframe([{
    tr("dash.col.organization"): names[r.org_id], tr("dash.col.role"): tr(f"role.{r.role.value}"),
    tr("dash.col.periods"): _figure(r, r.periods, "count"),
    tr("dash.col.statuses"): " · ".join(f"{tr('reporting.status.' + s)} {n}" for s, n in sorted(r.statuses.items()))
    if r.visible else tr("dash.no_access"),
    tr("dash.col.overdue"): _figure(r, r.overdue, "count"),
    tr("dash.col.certificates"): _figure(r, None if r.incomplete else r.certificates, "tco2e"),
    tr("dash.col.cost_eur"): _figure(r, None if r.incomplete else r.cost_eur, "eur"),
    tr("dash.col.blocking"): _figure(r, r.blocking, "count"),
    tr("dash.col.warnings"): _figure(r, r.warnings, "count"),
    tr("dash.col.shipments"): _figure(r, r.shipments, "count"),
} for r in rows], hide_index=True, width="stretch",
    column_config={tr("dash.col.organization"): st.column_config.Column(pinned=True)}
    | {tr(k): st.column_config.TextColumn(alignment="right") for k in FIGURES})

openable = {r.org_id: r.role for r in rows if r.visible}
if openable:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(tr("dash.open_which"), list(openable), format_func=names.get, key="portfolio_org")
    c2.button(tr("dash.open_dashboard"), key="portfolio_open_btn", on_click=_open, args=(chosen, openable[chosen]),
              icon=":material/open_in_new:", type="primary")
