"""The concurrent-save refusal on a page names the record in the person's language, never its table."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.i18n import t
from core.reporting import ProcessData, update_process
from db.models import Organization, User
from db.reporting_models import ProductionProcess
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from tests.factories import context


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_second_save_of_a_process_names_the_process(demo_data, lang):
    at = open_app("editor", lang, "processes")
    with scoped_session(Scope(), get_engine()) as s:
        steel = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one().id
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
        p1 = s.exec(select(ProductionProcess).where(ProductionProcess.org_id == steel,
                                                    ProductionProcess.code == "P1")).one()
    at.selectbox(key="proc_chosen").set_value(str(p1.id))
    at.run()
    with context(get_engine(), owner, steel) as ctx:
        update_process(ctx, process_id=p1.id, expected_version=p1.version, data=ProcessData(
            code="P1", goods_category=p1.goods_category, route=p1.route, cn_code=p1.cn_code,
            activity_level=110000, direct_emissions=p1.direct_emissions))
    at.text_input(key="procf_activity_level").set_value("99999")
    at.button(key="proc_save").click()
    at.run()
    (message,) = [e.value for e in at.error]
    assert t("entity.productionprocess", lang) in message and "P1" in message and "王丽 Wang Li" in message
    assert "productionprocess" not in message.lower() and "production_process" not in message
