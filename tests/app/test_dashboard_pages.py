"""The dashboard pages through AppTest: filters kept in the URL, CSV downloads, the portfolio's click-through."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.i18n import t
from tests.app.conftest import APP, open_app, open_tab

PAGE = str(Path(APP).parent / "views")


def test_emissions_filters_are_written_to_the_url(demo_data):
    at = open_app("owner", "en", "emissions")
    assert not at.exception
    at.selectbox(key="emissions_f_quarter").set_value("1").run()
    at.selectbox(key="emissions_f_year").set_value("2026").run()
    assert not at.exception
    assert at.query_params.get("quarter") in ("1", ["1"]) and at.query_params.get("year") in ("2026", ["2026"])
    at.selectbox(key="emissions_f_quarter").set_value("").run()  # back to "all": the parameter goes
    assert "quarter" not in at.query_params


def test_a_shared_link_opens_the_same_view(demo_data):
    at = open_app("consultant", "en")
    at.query_params["quarter"] = "2"
    at.query_params["good"] = "72083900"
    at.switch_page(f"{PAGE}/costs.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="costs_f_quarter").value == "2"
    assert at.selectbox(key="costs_f_good").value == "72083900"
    # the demo steel shipments are all in Q1: a Q2 view has no cost
    assert t("dash.no_data", "en") in [i.value for i in at.info]


def test_every_chart_offers_its_data_as_csv(demo_data):
    at = open_app("viewer", "zh", "emissions")
    downloads = set()
    for tab in EMISSIONS_TABS:  # four charts and the completeness table, one per tab, each with its CSV
        open_tab(at, "emissions_view", tab, "zh")
        assert not at.exception
        assert [d.label for d in at.download_button] == [t("dash.download_csv", "zh")]
        downloads.add(at.download_button[0].key)
    assert len(downloads) == 5
    at = open_app("editor", "en", "costs")
    downloads = set()
    for tab in COSTS_TABS:  # one chart per tab, each with its CSV
        open_tab(at, "costs_view", tab)
        assert not at.exception
        assert len(at.download_button) == 1 and at.download_button[0].label == t("dash.download_csv", "en")
        downloads.add(at.download_button[0].key)
    assert len(downloads) == 5


EMISSIONS_TABS = ("dash.tab.by_installation", "dash.tab.by_good", "dash.tab.see", "dash.tab.default_share",
                  "dash.tab.completeness")
COSTS_TABS = ("dash.tab.by_customer", "dash.tab.by_good", "dash.tab.by_quarter", "dash.tab.forecast",
              "dash.tab.savings")


def test_emissions_page_draws_only_the_chosen_tab(demo_data):
    at = open_app("owner", "en", "emissions")
    assert [tab.label for tab in at.tabs] == [t(k, "en") for k in EMISSIONS_TABS]
    assert len(at.get("plotly_chart")) == 1
    open_tab(at, "emissions_view", "dash.tab.completeness")
    assert len(at.get("plotly_chart")) == 0 and len(at.dataframe) == 1


def test_costs_page_draws_only_the_chosen_tab(demo_data):
    """The browser draws one chart per visit, not five (bench/bench_browser_pages.py): the other tabs' charts are
    neither computed into figures nor sent; choosing a tab shows its own."""
    at = open_app("owner", "en", "costs")
    assert [tab.label for tab in at.tabs] == [t(k, "en") for k in COSTS_TABS]
    assert len(at.get("plotly_chart")) == 1
    assert [s.value for s in at.subheader][-1] == t("dash.chart.by_customer", "en")
    open_tab(at, "costs_view", "dash.tab.forecast")
    assert len(at.get("plotly_chart")) == 1
    assert [s.value for s in at.subheader][-1] == t("dash.chart.forecast", "en")
    at.session_state["lang"] = "zh"  # the chosen label is English: the Chinese page starts from the first tab
    at.run()
    assert not at.exception and [s.value for s in at.subheader][-1] == t("dash.chart.by_customer", "zh")


def test_portfolio_lists_member_organizations_and_opens_one(demo_data):
    at = open_app("consultant", "en", "portfolio")
    assert not at.exception
    table = at.dataframe[0].value
    names = set(table[t("dash.col.organization", "en")])
    assert names == {"Demo Steel Co., Ltd.", "Demo Aluminium Co., Ltd."}
    box = at.selectbox(key="portfolio_org")
    assert any("Aluminium" in o for o in box.options)
    chosen = _org_id("Demo Aluminium Co., Ltd.")
    at.session_state["portfolio_org"] = chosen  # AppTest cannot pick an option shown through format_func
    at.run()
    assert at.session_state["acting"].org_id != chosen
    at.button(key="portfolio_open_btn").click().run()
    assert not at.exception
    assert at.title[0].value == t("page.emissions", "en")
    assert at.session_state["acting"].org_id == chosen  # the acting organization switched
    assert at.session_state["sidebar_org"] == chosen


def _org_id(name_en: str):
    from sqlmodel import select

    from db.models import Organization
    from db.session import Scope, get_engine, scoped_session

    with scoped_session(Scope(), get_engine()) as s:
        return s.exec(select(Organization.id).where(Organization.name_en == name_en)).one()


def test_a_viewer_sees_only_their_one_organization(demo_data):
    at = open_app("viewer", "en", "portfolio")
    assert not at.exception
    assert list(at.dataframe[0].value[t("dash.col.organization", "en")]) == ["Demo Steel Co., Ltd."]


def test_audit_log_counts_its_events_once_per_render(demo_data):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    at = open_app("owner", "en")
    counts: list[str] = []

    def grab(conn, cursor, statement, params, context_, executemany):  # noqa: ANN001
        if "count(" in statement.lower() and "audit_event" in statement:
            counts.append(statement)

    event.listen(Engine, "before_cursor_execute", grab)
    try:
        at.switch_page(f"{PAGE}/audit_log.py")
        at.run()
    finally:
        event.remove(Engine, "before_cursor_execute", grab)
    assert not at.exception
    assert len(counts) == 1, counts
    assert at.number_input(key="audit_page").value == 1
    assert at.dataframe[0].value.shape[0] > 0


@pytest.mark.parametrize(("page", "note", "source"), [
    ("costs", "dash.phase_in_source", "dash.source.cbam_factor"),
    ("portfolio", "dash.portfolio_note", "dash.source.declaration_deadline"),
])
def test_legal_notes_read_in_the_ui_language(demo_data, page, note, source):
    for lang in ("zh", "en"):
        at = open_app("owner", lang, page)
        if page == "costs":  # the phase-in source is noted under the forecast
            open_tab(at, "costs_view", "dash.tab.forecast", lang)
        assert not at.exception
        captions = [c.value for c in at.caption]
        assert t(note, lang, source=t(source, lang)) in captions
    zh = t(note, "zh", source=t(source, "zh"))
    assert not any(word in zh for word in ("Directive", "Regulation", "Reg.", "Art.", "via", "domain"))
