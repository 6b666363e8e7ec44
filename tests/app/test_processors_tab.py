"""The privacy center's processors tab (ui/privacy/processors.py) for the DPO, and the public disclosure table
(ui/privacy/disclosure_person.py) for every signed-in person, rendered from a tiny script in Chinese and English."""
from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.access import Role
from core.i18n import t
from core.organizations import memberships_of
from db.models import User
from db.processor_models import ProcessorVersion
from db.session import Scope, get_engine, scoped_session
from tests.factories import make_operator
from ui.state import Acting


def _dpo_tab():
    from ui.privacy.processors import render

    render()


def _person_view():
    from ui.privacy.disclosure_person import render

    render()


def _acting(subject: str) -> Acting:
    with scoped_session(Scope(), get_engine()) as s:
        u = s.exec(select(User).where(User.subject == subject)).one()
        org, role = memberships_of(s, u)[0]
        if subject == "demo-dpo":
            make_operator(org.id)  # the demo DPO's organization keeps the platform's registry here
        return Acting(u.id, u.issuer, u.subject, u.email, org.id, Role(role))


def _run(fn, subject: str, lang: str) -> AppTest:  # noqa: ANN001
    at = AppTest.from_function(fn, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["acting"] = _acting(subject)
    return at.run()


def _versions() -> list[ProcessorVersion]:
    with scoped_session(Scope(), get_engine()) as s:
        return list(s.exec(select(ProcessorVersion).order_by(ProcessorVersion.created_at)))


def test_the_dpo_seeds_adds_and_reads_the_registers_in_both_languages(demo_data):
    at = _run(_dpo_tab, "demo-dpo", "en")
    assert not at.exception
    assert at.header[0].value == "Processors and third parties"
    assert t("privacy.processors.none", "en") in [i.value for i in at.info]
    at.button(key="pp_seed").click().run()
    assert not at.exception
    (seeded,) = _versions()
    assert seeded.service == "Supabase" and seeded.example
    table = at.dataframe[0].value
    assert list(table.columns)[:2] == ["Service", "Personal data types"]
    assert "(example, to be confirmed by the DPO)" in table.iloc[0]["Service"]
    # adding needs the confirmation first
    at.text_input(key="pp_add_service").input("Example Mail")
    at.text_input(key="pp_add_purpose_zh").input("发送通知")
    at.text_input(key="pp_add_purpose_en").input("Sending notices")
    at.button(key="pp_add_save").click().run()
    assert not at.exception and len(_versions()) == 1
    assert t("privacy.processors.confirm_needed", "en") in [e.value for e in at.error]
    at.checkbox(key="pp_add_confirm").check()
    at.button(key="pp_add_save").click().run()
    assert not at.exception and {v.service for v in _versions()} == {"Supabase", "Example Mail"}
    assert any(t("privacy.transfers.title", "en") == s.value for s in at.subheader)
    assert any(b.label == "Download XLSX" for b in at.get("download_button"))

    zh = _run(_dpo_tab, "demo-dpo", "zh")
    assert not zh.exception
    assert zh.header[0].value == "受托方与第三方"
    assert list(zh.dataframe[0].value.columns)[:2] == ["服务", "个人信息类型"]
    assert {s.value for s in zh.subheader} >= {"数据出境登记", "个人信息处理活动记录", "公开披露表（当天）"}
    assert any(b.label == "下载XLSX" for b in zh.get("download_button"))


def test_every_person_sees_the_disclosure_table_in_their_language(demo_data):
    _run(_dpo_tab, "demo-dpo", "en").button(key="pp_seed").click().run()
    for lang, column in (("en", "Purpose"), ("zh", "应用场景")):
        at = _run(_person_view, "demo-viewer", lang)
        assert not at.exception
        assert at.subheader[0].value == t("privacy.disclosure.title", lang)
        (row,) = at.dataframe[0].value.to_dict("records")
        assert row[column] == ("数据库、认证和文件存储" if lang == "zh" else "Database, authentication and file storage")
