"""The Organization page keeps the operator's city, contact phone and e-mail (for the registry report and the
communication template), in zh and en; a malformed e-mail is named next to its field and nothing is saved."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.i18n import t
from db.models import Organization
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app


def _demo_org() -> Organization:
    with scoped_session(Scope(), get_engine()) as s:
        org = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one()
        s.expunge(org)
        return org


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_owner_stores_the_operator_contact(demo_data, lang):
    at = open_app("owner", lang, "organization")
    assert not at.exception, [e.value for e in at.exception]
    assert t("org.operator_help", lang) in [c.value for c in at.caption]
    at.text_input(key="org_contact_email").set_value("not-an-address")
    at.get("form_submit_button")[0].click()
    at.run()
    assert t("validation.email_format", lang) in [e.value for e in at.error]
    assert _demo_org().contact_email == ""
    at.text_input(key="org_city").set_value("Fuzhou")
    at.text_input(key="org_contact_phone").set_value("+86 591 8888 0000")
    at.text_input(key="org_contact_email").set_value("cbam@demo-steel.example")
    at.get("form_submit_button")[0].click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    org = _demo_org()
    assert (org.city, org.contact_phone, org.contact_email) == ("Fuzhou", "+86 591 8888 0000",
                                                                "cbam@demo-steel.example")
