"""Emissions dashboard: embedded emissions by installation, good and quarter; SEE against the country default and
the benchmark; the share priced on default values; data completeness and open findings per period."""
import streamlit as st

from core.dashboards import emissions_dashboard, filter_options
from core.dashboards.emissions import SEE_CHART
from core.numbers.display import shown
from ui.dashboards import bars, chart, chart_tabs, download, table, url_filters
from ui.navigation import guard
from ui.state import context, tr

guard("emissions")

st.title(tr("page.emissions"))
with context() as ctx:  # one session for the filter options and the dashboard
    flt = url_filters("emissions", filter_options(ctx))
    dash = emissions_dashboard(ctx, filters=flt)

c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("dash.kpi.quantity"), shown(dash.quantity_t, "t"))  # units in the labels: the columns are narrow
c2.metric(tr("dash.kpi.embedded_emissions"), shown(dash.embedded_emissions, "tco2e"))
c3.metric(tr("dash.kpi.default_share"), "—" if dash.default_share is None else f"{dash.default_share:.1%}")
c4.metric(tr("dash.kpi.unpriced"), shown(dash.unpriced_t, "t"))
if dash.electricity_mwh:  # electricity is shipped in MWh, never added to the tonnes
    st.metric(tr("dash.kpi.electricity_mwh"), shown(dash.electricity_mwh, "mwh"))

ee, q, inst, good = (tr("dash.col.embedded_emissions"), tr("dash.col.quarter"), tr("dash.col.installation"),
                     tr("dash.col.cn_code"))


def _see(df):
    cols = [tr(c) for c in SEE_CHART]  # what counts for CBAM, on both sides (core/dashboards/emissions.py)
    labelled = df.assign(**{tr("dash.col.good"): df[good] + " · " + df[inst]})
    return bars(labelled, tr("dash.col.good"), cols, barmode="group", y_title=tr("dash.col.see"))


def _see_view() -> None:
    chart(dash.see, "see_vs_default", "dash.chart.see", _see)
    st.caption(tr("dash.see_note"))


def _completeness() -> None:
    st.subheader(tr("dash.chart.completeness"))
    if dash.completeness.rows:
        table(dash.completeness)
        download(dash.completeness, "completeness", key="csv_completeness")
    else:
        st.info(tr("dash.no_data"), icon=":material/info:")


# one chart at a time: the browser draws only the chosen tab's (ui/dashboards.py, chart_tabs)
chart_tabs("emissions_view", [
    ("dash.tab.by_installation", lambda: chart(dash.by_installation, "emissions_by_installation",
                                               "dash.chart.by_installation", lambda df: bars(df, q, ee, color=inst))),
    ("dash.tab.by_good", lambda: chart(dash.by_good, "emissions_by_good", "dash.chart.by_good",
                                       lambda df: bars(df, q, ee, color=good))),
    ("dash.tab.see", _see_view),
    ("dash.tab.default_share", lambda: chart(
        dash.default_share_by_period, "default_share", "dash.chart.default_share",
        lambda df: bars(df, inst, [tr("dash.col.actual_t"), tr("dash.col.default_t")], y_title=tr("dash.col.quantity")))),
    ("dash.tab.completeness", _completeness),
])
