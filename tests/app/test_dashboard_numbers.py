"""Every figure of the dashboards reads as a number: thousands separators and the precision of its unit (tonnes
0.001, tCO2e 0.01, euros 0.01), in the metrics and in the tables' column formats."""
from __future__ import annotations

import json
import re

import pytest

from core.dashboards.emissions import COLUMN_UNITS
from core.i18n import t
from core.numbers.display import DECIMALS, printf, shown
from tests.app.conftest import open_app, open_tab

GROUPED = r"-?\d{1,3}(,\d{3})*"


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1234567.891234, "t", "1,234,567.891"), (0.1 + 0.2, "tco2e", "0.30"), (38000.125, "eur", "38,000.12"),
    (1.90590322, "tco2e_per_t", "1.906"), (None, "t", "—"), (float("inf"), "eur", "—"),
])
def test_shown_rounds_by_unit(value, unit, text):
    assert shown(value, unit) == text


@pytest.mark.parametrize(("page", "metrics"), [
    ("emissions", {"dash.kpi.quantity": "t", "dash.kpi.embedded_emissions": "tco2e", "dash.kpi.unpriced": "t"}),
    ("costs", {"dash.kpi.certificates": "tco2e", "dash.kpi.cost": "eur", "dash.kpi.unpriced_certificates": "tco2e",
               "dash.kpi.saving": "eur"}),
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_metrics_carry_separators_and_the_units_precision(demo_data, page, metrics, lang):
    at = open_app("owner", lang, page)
    assert not at.exception
    got = {m.label: m.value for m in at.metric}
    for key, unit in metrics.items():
        value = got[t(key, lang)].removeprefix("EUR ")
        assert re.fullmatch(GROUPED + rf"\.\d{{{DECIMALS[unit]}}}", value), (key, value)


@pytest.mark.parametrize("page", ["emissions", "costs"])
def test_dashboard_tables_format_every_figure_column(demo_data, page):
    at = open_app("owner", "en", page)
    # each page's table is under its own tab
    open_tab(at, f"{page}_view", "dash.tab.savings" if page == "costs" else "dash.tab.completeness")
    assert at.dataframe, "the page shows a table"
    checked = 0
    for df in at.dataframe:
        config = json.loads(df.proto.columns)
        for key, unit in COLUMN_UNITS.items():
            label = t(key, "en")
            if label in df.value.columns:
                assert config[label]["type_config"]["format"] == printf(unit), (label, config.get(label))
                checked += 1
    assert checked >= 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_portfolio_cell_reads_as_a_number_of_its_unit(demo_data, lang):
    """The portfolio's cells are text (a group the engine cannot price says so in words), so each cell itself
    carries the separators and the unit's precision: certificates 0.01 tCO2e, cost to the cent, counts whole."""
    at = open_app("consultant", lang, "portfolio")
    assert not at.exception
    df = at.dataframe[0].value
    units = {"dash.col.certificates": "tco2e", "dash.col.cost_eur": "eur", "dash.col.periods": "count",
             "dash.col.overdue": "count", "dash.col.blocking": "count", "dash.col.warnings": "count",
             "dash.col.shipments": "count"}
    assert len(df) == 2
    for key, unit in units.items():
        for cell in df[t(key, lang)]:
            decimals = rf"\.\d{{{DECIMALS[unit]}}}" if DECIMALS[unit] else ""
            assert isinstance(cell, str) and re.fullmatch(GROUPED + decimals, cell), (key, cell)
    assert any("," in c for c in df[t("dash.col.cost_eur", lang)])  # the demo's costs run to six figures
