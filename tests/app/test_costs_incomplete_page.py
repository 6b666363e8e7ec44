"""The costs page says "incomplete" when a good cannot be priced because its benchmark route is missing, and names
the good, instead of showing the total of the other goods (before, such goods were dropped from the sum)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from core.i18n import t
from tests.app.conftest import open_app


def _unsettle_steel_route() -> None:
    """Demo Steel's crude steel becomes alloy steel ingots (7224 10 90, Column A by grade (F)-(J)) made without a
    stated route, and the period loses its benchmark overrides: its charge of pig iron gives route (C), which that
    code has no value for, so its Column A is unsettled, and so is the coil rolled from it."""
    from db.session import Scope, get_engine, scoped_session

    now = datetime.now(UTC)
    with scoped_session(Scope(), get_engine()) as s:
        org = s.execute(text("SELECT id FROM organization WHERE name_en = 'Demo Steel Co., Ltd.'")).scalar_one()
        s.execute(text("UPDATE production_process SET route = NULL, cn_code = '72241090', cn_codes = :codes, "
                       "version = version + 1, updated_at = :now WHERE org_id = :org AND code = 'P1'"),
                  {"org": org, "now": now, "codes": '["72241090"]'})
        s.execute(text("UPDATE reporting_period SET parameters = '{}', version = version + 1, updated_at = :now "
                       "WHERE org_id = :org"), {"org": org, "now": now})
        s.commit()


def test_costs_page_shows_incomplete_and_names_the_good(demo_data):
    _unsettle_steel_route()
    at = open_app("owner", "en", "costs")
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values[t("dash.kpi.certificates", "en")] == t("dash.incomplete", "en")
    assert values[t("dash.kpi.cost", "en")] == t("dash.incomplete", "en")
    assert any("72083900" in e.value for e in at.error)

