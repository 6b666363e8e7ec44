"""Streamlit helpers of the dashboard pages: filters kept in the URL (`st.query_params`, so a link shares the
view), and charts whose data can be downloaded as CSV."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.dashboards import FilterOptions, Filters, Table, to_csv
from core.dashboards.emissions import COLUMN_UNITS
from core.numbers.display import printf
from ui.state import lang, tr

ALL = ""


def url_filters(page: str, options: FilterOptions, show: Sequence[str] = ("installation", "year", "quarter",
                                                                        "customer", "good")) -> Filters:
    """Filter widgets that start from the URL's query parameters and write every change back to them."""
    current = Filters.from_params(st.query_params.to_dict())
    choices: dict[str, tuple[list, dict]] = {
        "installation": ([ALL, *map(str, options.installations)],
                         {str(k): v for k, v in options.installations.items()}),
        "year": ([ALL, *map(str, options.years)], {}),
        "quarter": ([ALL, "1", "2", "3", "4"], {q: f"Q{q}" for q in "1234"}),
        "customer": ([ALL, *map(str, options.customers)], {str(k): v for k, v in options.customers.items()}),
        "good": ([ALL, *options.goods], {}),
    }
    params = current.to_params()
    picked: dict[str, str] = {}
    cols = st.columns(len(show))
    for col, name in zip(cols, show, strict=True):
        opts, labels = choices[name]
        value = params.get(name, ALL)
        if value not in opts:
            opts = [*opts, value]  # keep a shared link's choice visible even if it has no data now
        fmt = {ALL: tr("dash.all")} | labels
        picked[name] = col.selectbox(tr(f"dash.filter.{name}"), opts, index=opts.index(value),
                                     format_func=lambda v, f=fmt: f.get(v, v), key=f"{page}_f_{name}")
    chosen = Filters.from_params({k: v for k, v in picked.items() if v != ALL})
    if chosen.to_params() != params:
        st.query_params.from_dict(chosen.to_params())
    return chosen


def frame(table: Table) -> pd.DataFrame:
    """The table with translated headers (and translated cells in its keyed columns); money as float for charts."""
    rows = []
    keyed = [table.columns.index(c) for c in table.keyed]
    for row in table.rows:
        cells = [float(v) if isinstance(v, Decimal) else v for v in row]
        for i in keyed:
            cells[i] = tr(cells[i])
        rows.append(cells)
    return pd.DataFrame(rows, columns=[tr(c) for c in table.columns])


def number_columns(table: Table) -> dict:
    """Column formats for st.dataframe: thousands separators and the unit's precision (core.numbers.display);
    shares as percentages. The first column names the row (installation, CN code, customer): it stays pinned
    while a wide table scrolls sideways inside its frame, so no row loses its name at 1440 px."""
    config = {}
    if table.columns and table.columns[0] not in COLUMN_UNITS:
        config[tr(table.columns[0])] = st.column_config.Column(pinned=True)
    for col in table.columns:
        if unit := COLUMN_UNITS.get(col):
            config[tr(col)] = st.column_config.NumberColumn(format=printf(unit))
        elif col == "dash.col.default_share":
            config[tr(col)] = st.column_config.NumberColumn(format="percent")
    return config


def table(table: Table) -> None:
    """A dashboard table as people read it: translated, every figure to its unit's precision."""
    st.dataframe(frame(table), hide_index=True, width="stretch", column_config=number_columns(table))


def download(table: Table, name: str, key: str, label: str = "dash.download_csv") -> None:
    """The chart's data as CSV (UTF-8 with BOM, formula injection neutralised)."""
    df = frame(table)
    st.download_button(tr(label), to_csv(list(df.columns), df.itertuples(index=False, name=None)),
                       file_name=f"{name}.csv", mime="text/csv", icon=":material/download:", key=key)


def chart_tabs(key: str, views: Sequence[tuple[str, Callable[[], None]]]) -> None:
    """One tab per view (label message key, drawing function); only the chosen tab's view runs and is sent.

    Drawing a Plotly chart costs the browser far more than the server (~0.15 s a chart in headless Chromium on
    2 cores, against ~10 ms to serialise it), so a page with five charts spent most of a second drawing four
    that nobody was looking at (bench/bench_browser_pages.py). Lazy tabs (`on_change="rerun"`) draw one; the
    choice is kept in the session under `key` (its label, so a language switch falls back to the first)."""
    labels = [tr(title) for title, _ in views]
    if st.session_state.get(key) not in (None, *labels):
        del st.session_state[key]  # a label of the other language: start from the first tab
    tabs = st.tabs(labels, key=key, on_change="rerun")
    for tab, (_title, draw) in zip(tabs, views, strict=True):
        if tab.open:
            with tab:
                draw()


def chart(table: Table, name: str, title_key: str, draw: Callable[[pd.DataFrame], object]) -> None:
    """A titled Plotly chart of the table, or a note when it is empty; and its CSV download."""
    st.subheader(tr(title_key))
    if not table.rows:
        st.info(tr("dash.no_data"), icon=":material/info:")
        return
    fig = _figure(name, lang(), table.columns, tuple(table.rows), table.keyed, draw)
    st.plotly_chart(fig, key=f"chart_{name}", config={"displaylogo": False})
    download(table, name, key=f"csv_{name}")


@st.cache_resource(max_entries=512, show_spinner=False)
def _figure(name: str, language: str, columns: tuple, rows: tuple, keyed: tuple,
            _draw: Callable[[pd.DataFrame], object]) -> object:
    """Building a Plotly figure costs more than the SQL behind it (~16 ms a chart), so a figure is kept by what
    it shows: the chart, the language and the table's content. Keyed by content, never by who asks, a figure can
    only be served to someone whose own data gives the same table; Streamlit serialises it without changing it."""
    from core.dashboards import Table

    return _draw(frame(Table(columns, list(rows), keyed)))


# d3-format: thousands separators, no SI suffix ("150,000", never "150k"), trailing zeros dropped ("0.5", "2.5")
AXIS_NUMBERS = ",~r"


def bars(df: pd.DataFrame, x: str, y: str | Sequence[str], *, color: str | None = None, barmode: str = "stack",
         y_title: str | None = None) -> go.Figure:
    """A bar chart with titled axes: one series per value of `color`, or per column in `y`.
    (plotly.graph_objects directly: plotly.express costs ~10x more per figure, which a dashboard pays per chart.)"""
    if color is not None:
        traces = [go.Bar(x=part[x], y=part[y], name=str(name)) for name, part in df.groupby(color, sort=True)]
    else:
        cols = [y] if isinstance(y, str) else list(y)
        traces = [go.Bar(x=df[x], y=df[c], name=c) for c in cols]
    fig = go.Figure(traces)
    fig.update_layout(barmode=barmode, xaxis_title=x, yaxis_title=y_title or (y if isinstance(y, str) else ""),
                      legend_title_text=color or "", margin={"t": 30})
    fig.update_xaxes(type="category")  # CN codes and quarters are labels, not numbers
    fig.update_yaxes(rangemode="tozero")  # a bar's length is its value: the axis starts at zero, even if all are > 0
    fig.update_yaxes(tickformat=AXIS_NUMBERS)
    fig.update_layout(showlegend=True)  # also with one series: the legend names what the bar is
    return fig
