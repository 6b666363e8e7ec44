"""Costs dashboard: certificates and cost by customer, good and quarter; the 2026–2034 forecast under editable EUA
price paths with the CBAM factor phase-out; what actual data saves compared with default values."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.dashboards import DEFAULT_PRICE_PATHS, PATHS, costs_dashboard, filter_options
from core.errors import DomainError, ValidationFailed
from core.numbers.display import shown
from ui.dashboards import AXIS_NUMBERS, bars, chart, chart_tabs, table, url_filters
from ui.navigation import guard
from ui.state import context, tr

guard("costs")

st.title(tr("page.costs"))
years = sorted(DEFAULT_PRICE_PATHS["base"])
try:
    with context() as ctx:  # one session for the filter options and the dashboard
        flt = url_filters("costs", filter_options(ctx))
        st.subheader(tr("dash.price_paths"))
        st.caption(tr("dash.price_paths_note"))
        # text columns: the browser's number editor would strip a "-" or an "e" it thinks the column cannot hold
        # (saving -5 as 5); the service parses what was typed and refuses what a price cannot be
        edited = st.data_editor(
            # the defaults are rounded to the cent, so two decimals show each exactly (73.10, never 73.1)
            pd.DataFrame({tr(f"dash.path.{p}"): [f"{DEFAULT_PRICE_PATHS[p][y]:.2f}" for y in years]
                          for p in PATHS}, index=pd.Index(years, name=tr("dash.col.year"))),
            column_config={tr(f"dash.path.{p}"): st.column_config.TextColumn(help=tr("dash.price_unit"),
                                                                             alignment="right")
                           for p in PATHS},
            key="costs_paths", width="stretch")
        paths = {p: {int(y): edited.loc[y, tr(f"dash.path.{p}")] for y in edited.index} for p in PATHS}
        dash = costs_dashboard(ctx, filters=flt, price_paths=paths)
except ValidationFailed as e:
    st.error(tr("dash.error_price_paths"), icon=":material/error:")
    for cell, (key, params) in e.errors.items():
        where = tr("dash.price_cell", path=tr(f"dash.path.{params.get('path', cell)}"), year=params.get("year", ""))
        st.error(f"{where}: {tr(key, **params)}", icon=":material/error:")
    st.stop()
except DomainError as e:
    st.error(tr(e.key, **e.params), icon=":material/error:")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
if dash.incomplete:  # never a smaller number: a good the engine cannot price leaves the totals unknown
    st.error(tr("dash.incomplete_note", goods=", ".join(dash.incomplete)), icon=":material/error:")
c1.metric(tr("dash.kpi.certificates"), tr("dash.incomplete") if dash.incomplete else shown(dash.certificates, "tco2e"))
c2.metric(tr("dash.kpi.cost"), tr("dash.incomplete") if dash.incomplete else f"EUR {shown(dash.cost_eur, 'eur')}")
c3.metric(tr("dash.kpi.unpriced_certificates"), shown(dash.unpriced_certificates, "tco2e"))
c4.metric(tr("dash.kpi.saving"), f"EUR {shown(dash.saving_eur, 'eur')}")
# Art. 9: the carbon price paid in the country of production, already taken off the totals above (issue 13)
c1.metric(tr("carbon_price.kpi_deduction"), f"EUR {shown(dash.deduction_eur, 'eur')}",
          help=tr("carbon_price.kpi_deduction_help", certificates=shown(dash.deduction_certificates, "tco2e")))

cost, certs = tr("dash.col.cost_eur"), tr("dash.col.certificates")


def _by_quarter() -> None:
    chart(dash.by_quarter, "costs_by_quarter", "dash.chart.by_quarter",
          lambda df: bars(df, tr("dash.col.quarter"), [certs, tr("dash.col.unpriced_certificates")],
                          barmode="group", y_title=certs))
    st.caption(tr("dash.unpriced_note"))


def _forecast(df):
    year, path = tr("dash.col.year"), tr("dash.col.path")
    fig = go.Figure()
    for name, part in df.groupby(path, sort=False):
        fig.add_trace(go.Scatter(x=part[year], y=part[cost], name=name, mode="lines+markers"))
    phase = df.drop_duplicates(year)
    fig.add_trace(go.Bar(x=phase[year], y=phase[tr("dash.col.phase_in")], name=tr("dash.col.phase_in"),
                         yaxis="y2", opacity=0.3))
    fig.update_layout(xaxis_title=year, yaxis_title=cost, yaxis_rangemode="tozero", yaxis_tickformat=AXIS_NUMBERS,
                      yaxis2={"title": tr("dash.col.phase_in"), "overlaying": "y", "side": "right",
                              "range": [0, 1], "tickformat": ".0%"},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def _forecast_view() -> None:
    chart(dash.forecast, "forecast", "dash.chart.forecast", _forecast)
    st.caption(tr("dash.phase_in_source", source=dash.cbam_factor_source))


def _savings() -> None:
    chart(dash.savings, "actual_vs_default", "dash.chart.savings",
          lambda df: bars(df, tr("dash.col.cn_code"), [tr("dash.col.cost_actual_eur"), tr("dash.col.cost_default_eur")],
                          barmode="group", y_title=cost))
    if dash.savings.rows:
        table(dash.savings)


# one chart at a time: the browser draws only the chosen tab's (ui/dashboards.py, chart_tabs)
chart_tabs("costs_view", [
    ("dash.tab.by_customer", lambda: chart(dash.by_customer, "costs_by_customer", "dash.chart.by_customer",
                                             lambda df: bars(df, tr("dash.col.customer"), cost))),
    ("dash.tab.by_good", lambda: chart(dash.by_good, "costs_by_good", "dash.chart.cost_by_good",
                                              lambda df: bars(df, tr("dash.col.cn_code"), cost))),
    ("dash.tab.by_quarter", _by_quarter),
    ("dash.tab.forecast", _forecast_view),
    ("dash.tab.savings", _savings),
])
