"""Emissions dashboard: embedded emissions by installation, good and quarter; SEE against the country default and
the benchmark; the share priced on default values; data completeness and open findings per period."""
import plotly.express as px
import streamlit as st

from core.dashboards import emissions_dashboard, filter_options
from ui.dashboards import chart, download, frame, url_filters
from ui.navigation import guard
from ui.state import context, tr

guard("emissions")

st.title(tr("page.emissions"))
with context() as ctx:
    options = filter_options(ctx)
flt = url_filters("emissions", options)
with context() as ctx:
    dash = emissions_dashboard(ctx, filters=flt)

c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("dash.kpi.quantity"), f"{dash.quantity_t:,.1f} t")
c2.metric(tr("dash.kpi.embedded_emissions"), f"{dash.embedded_emissions:,.1f} tCO2e")
c3.metric(tr("dash.kpi.default_share"), "–" if dash.default_share is None else f"{dash.default_share:.1%}")
c4.metric(tr("dash.kpi.unpriced"), f"{dash.unpriced_t:,.1f} t")

ee, q, inst, good = (tr("dash.col.embedded_emissions"), tr("dash.col.quarter"), tr("dash.col.installation"),
                     tr("dash.col.cn_code"))
chart(dash.by_installation, "emissions_by_installation", "dash.chart.by_installation",
      lambda df: px.bar(df, x=q, y=ee, color=inst, barmode="stack"))
chart(dash.by_good, "emissions_by_good", "dash.chart.by_good",
      lambda df: px.bar(df, x=q, y=ee, color=good, barmode="stack", hover_data=[tr("dash.col.goods_category")]))


def _see(df):
    cols = [tr("dash.col.see_total"), tr("dash.col.default_value"), tr("dash.col.benchmark")]
    long = df.assign(**{tr("dash.col.good"): df[good] + " · " + df[inst]}).melt(
        id_vars=[tr("dash.col.good")], value_vars=cols, var_name=tr("dash.col.measure"), value_name=tr("dash.col.see"))
    return px.bar(long, x=tr("dash.col.good"), y=tr("dash.col.see"), color=tr("dash.col.measure"), barmode="group")


chart(dash.see, "see_vs_default", "dash.chart.see", _see)
st.caption(tr("dash.see_note"))
chart(dash.default_share_by_period, "default_share", "dash.chart.default_share",
      lambda df: px.bar(df.melt(id_vars=[inst, tr("dash.col.year")],
                                value_vars=[tr("dash.col.actual_t"), tr("dash.col.default_t")],
                                var_name=tr("dash.col.basis"), value_name=tr("dash.col.quantity")),
                        x=inst, y=tr("dash.col.quantity"), color=tr("dash.col.basis"), barmode="stack"))

st.subheader(tr("dash.chart.completeness"))
if dash.completeness.rows:
    st.dataframe(frame(dash.completeness), hide_index=True, width="stretch")
    download(dash.completeness, "completeness", key="csv_completeness")
else:
    st.info(tr("dash.no_data"), icon=":material/info:")
