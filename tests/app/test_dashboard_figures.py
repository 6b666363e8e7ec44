"""Dashboard figures are kept by what they show (chart, language, the table's content), never by who asks: the
same table gives the same figure object, another table or language a new one."""
from decimal import Decimal

from core.dashboards import Table
from ui.dashboards import _figure, bars


def _draw(df):
    return bars(df, df.columns[0], df.columns[1])


def test_a_figure_is_kept_by_its_content_and_language():
    _figure.clear()
    a = Table(("dash.col.quarter", "dash.col.cost_eur"), [("2026-Q1", Decimal("10.5")), ("2026-Q2", Decimal("3"))])
    b = Table(("dash.col.quarter", "dash.col.cost_eur"), [("2026-Q1", Decimal("10.5")), ("2026-Q2", Decimal("4"))])
    first = _figure("costs_by_quarter", "en", a.columns, tuple(a.rows), a.keyed, _draw)
    again = _figure("costs_by_quarter", "en", a.columns, tuple(a.rows), a.keyed, _draw)
    other = _figure("costs_by_quarter", "en", b.columns, tuple(b.rows), b.keyed, _draw)
    assert again is first  # built once
    assert other is not first and list(other.data[0].y) == [10.5, 4.0]  # other data, its own figure
    assert list(first.data[0].y) == [10.5, 3.0]
    chinese = _figure("costs_by_quarter", "zh", a.columns, tuple(a.rows), a.keyed, _draw)
    assert chinese is not first


def test_bar_charts_name_their_unit_and_start_at_zero():
    import pandas as pd

    df = pd.DataFrame({"CN code": ["72083900", "76011000"], "Cost (EUR)": [1200.0, 1500.0]})
    fig = bars(df, "CN code", "Cost (EUR)")
    assert fig.layout.yaxis.title.text == "Cost (EUR)" and fig.layout.yaxis.rangemode == "tozero"
    # ticks read as numbers: thousands separators, never an SI suffix such as "150k"
    assert fig.layout.yaxis.tickformat == ",~r"


def test_a_tables_name_column_is_pinned_and_figures_keep_their_unit_format():
    from ui.dashboards import number_columns

    config = number_columns(Table(("dash.col.cn_code", "dash.col.cost_eur"), []))
    first, money = config.values()
    assert first["pinned"] is True
    assert money["type_config"]["format"] and not money.get("pinned")
