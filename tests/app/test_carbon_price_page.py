"""The carbon price paid in the country of production (issue 13) as a person enters it on the processes page and
sees its deduction on the costs page, in English and Chinese (AppTest)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.dashboards import costs_dashboard
from core.i18n import t
from core.numbers.display import shown
from db.carbon_price_models import CarbonPriceEntry
from db.models import User
from db.reporting_models import ProductionProcess
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from tests.app.test_entry_flows import _rows
from tests.factories import context

VALUES = {"instrument": "China national ETS (全国碳排放权交易市场)", "country": "CN", "covered_emissions": "1.5",
          "price_per_tco2": "97.5", "currency": "CNY", "rebated_emissions": "1.2", "compensation_per_t": "0",
          "rate_per_eur": "8.0", "rate_source": "ECB yearly average 2025"}


def _enter(at, **override) -> None:
    (p2,) = _rows(ProductionProcess, code="P2")
    at.selectbox(key="proc_chosen").set_value(str(p2.id))
    at.run()
    for name, value in {**VALUES, **override}.items():
        at.text_input(key=f"cpf_{name}").set_value(value)
    at.selectbox(key="cpf_price_type").set_value("National ETS")
    at.selectbox(key="cpf_rebate_type").set_value("Free allocation")
    at.date_input(key="cpf_rate_date").set_value(date(2025, 12, 31))
    at.button(key="cp_save").click()
    at.run()


def test_editor_enters_the_carbon_price_and_the_costs_page_shows_the_deduction(demo_data):
    at = open_app("editor", "en", "processes")
    _enter(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    (entry,) = _rows(CarbonPriceEntry)
    assert (entry.price_per_tco2, entry.currency, entry.rebated_emissions) == (97.5, "CNY", 1.2)
    assert t("carbon_price.title", "en") in [s.value for s in at.subheader]
    owner_at = open_app("owner", "en", "costs")
    assert not owner_at.exception
    with scoped_session(Scope(), get_engine()) as s:
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
    with context(get_engine(), owner, owner_at.session_state["acting"].org_id) as ctx:
        dash = costs_dashboard(ctx)
    assert dash.deduction_eur > 0 and dash.deduction_certificates > 0
    # the forecast is before the deduction (its certificates would not scale from EUR 1 per certificate)
    cols = dash.forecast.columns
    row = next(r for r in dash.forecast.rows if r[cols.index("dash.col.path")] == "dash.path.base"
               and r[cols.index("dash.col.year")] == 2026)
    assert row[cols.index("dash.col.certificates")] == pytest.approx(dash.certificates + dash.deduction_certificates,
                                                                    rel=1e-9)
    values = {m.label: m.value for m in owner_at.metric}
    assert values[t("carbon_price.kpi_deduction", "en")] == f"EUR {shown(dash.deduction_eur, 'eur')}"


def test_chinese_form_refuses_a_negative_price_and_keeps_it(demo_data):
    at = open_app("editor", "zh", "processes")
    _enter(at, price_per_tco2="-5")
    assert not at.exception
    assert _rows(CarbonPriceEntry) == []  # nothing saved
    assert at.text_input(key="cpf_price_per_tco2").value == "-5"  # as typed, not altered
    assert t("carbon_price.title", "zh") in [s.value for s in at.subheader]
    assert at.error  # the refusal, in Chinese
    labels = [w.label for w in at.text_input if w.key and w.key.startswith("cpf_")]
    assert labels and all(label == t(f"carbon_price.field.{w.key[4:]}", "zh")
                          for label, w in zip(labels, [w for w in at.text_input if w.key and w.key.startswith("cpf_")],
                                              strict=True))
    assert not any(c.isascii() and c.isalpha() for e in at.error for c in e.value.replace("CNY", "").replace("tCO2e", ""))


def test_costs_page_in_chinese_shows_a_zero_deduction_without_an_entry(demo_data):
    at = open_app("owner", "zh", "costs")
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values[t("carbon_price.kpi_deduction", "zh")] == f"EUR {shown(0, 'eur')}"
