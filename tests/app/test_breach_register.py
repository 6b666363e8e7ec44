"""The breach register tab (ui/privacy/breaches.py) rendered from a tiny script for the demo DPO, whose
organization is made the operator's: record a breach, see its next deadline in colour, name an affected person,
the exemption refused without a justification, the notice sent after confirming the count (read back from a real
SMTP server), in English and Chinese."""
from __future__ import annotations

import re

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.organizations import role_in
from core.settings import get_settings
from db.breach_models import Breach, BreachNotice
from db.models import Membership, User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import visible_texts
from tests.privacy.breach_support import use_smtp
from tests.support.smtp_server import smtp_server
from ui.state import Acting

SCRIPT = """
from ui.privacy.breaches import render
render()
"""


def _open(lang: str) -> AppTest:
    with scoped_session(Scope(), get_engine()) as s:
        dpo = s.exec(select(User).where(User.subject == "demo-dpo")).one()
        org = s.exec(select(Membership.org_id).where(Membership.user_id == dpo.id, Membership.role == "dpo")).first()
        role = role_in(s, dpo, org)
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["acting"] = Acting(dpo.id, dpo.issuer, dpo.subject, dpo.email, org, role)
    at.session_state["lang"] = lang
    return at, org


def _operator(org, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("CBAM_OPERATOR_ORG_ID", str(org))
    get_settings.cache_clear()


def _click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception


def test_the_dpo_records_a_breach_and_notifies_the_affected_person(demo_data, monkeypatch):
    at, org = _open("en")
    at.run()
    assert not at.exception
    assert any("kept by the DPO of the platform operator" in i.value for i in at.info)  # not the operator yet
    _operator(org, monkeypatch)
    at.run()
    assert at.subheader[0].value == "Breach register"
    assert any(i.value == "No breach has been recorded." for i in at.info)
    at.text_area(key="br_description").input("Backup bucket was public for 6 hours")
    at.selectbox(key="br_severity").set_value("relatively_major")
    at.multiselect(key="br_states").select("DE")
    _click(at, "br_save")
    with scoped_session(Scope(), get_engine()) as s:
        (b,) = s.exec(select(Breach)).all()
    assert b.org_id == org and b.member_states == ["DE"]
    # the next deadline (PIPL: immediately) is already past: in red
    assert any(b.number in m.value and ":red[" in m.value for m in at.markdown)
    assert any("4 hours" in m.value and "72 hours" in m.value for m in at.markdown)
    at.text_area(key="br_emails").input("editor@demo.cbam.local")
    _click(at, "br_add_people")
    at.checkbox(key="br_confirm_exempt").check().run()
    _click(at, "br_exempt")  # no justification: refused, nothing recorded
    assert any("written justification" in e.value for e in at.error)
    with scoped_session(Scope(), get_engine()) as s:
        assert s.get(Breach, b.id).exemption_justification == ""
    at.checkbox(key="br_confirm_send").check().run()
    assert at.button(key="br_send").label == "Send to 1 person"
    with smtp_server() as (port, received):
        use_smtp(monkeypatch, port)
        _click(at, "br_send")
    assert [m.rcpt_tos for m in received] == [["editor@demo.cbam.local"]]
    with scoped_session(Scope(), get_engine()) as s:
        (n,) = s.exec(select(BreachNotice).where(BreachNotice.kind == "user")).all()
    assert n.status == "sent" and n.sent_at is not None


def test_the_register_in_chinese(demo_data, monkeypatch):
    at, org = _open("zh")
    _operator(org, monkeypatch)
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "泄露事件登记簿"
    assert any(i.value == "尚未登记任何泄露事件。" for i in at.info)
    at.text_area(key="br_description").input("备份存储桶公开6小时")
    _click(at, "br_save")
    assert any("《个人信息保护法》第57条" in m.value for m in at.markdown)
    assert at.button(key="br_save").label == "登记该事件"
    texts = [re.sub(r":(red|orange|green|gray)\[", "[", t) for t in visible_texts(at)]
    english = [t for t in texts if re.search(r"[a-z]{3,}", t)]
    assert english == []  # no raw English in the Chinese UI
