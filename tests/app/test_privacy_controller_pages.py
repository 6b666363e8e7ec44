"""Issue 14 pages: the owner finds an importer's contact in the organization's records, corrects and erases them
(with a preview and a confirmation); the DPO records a request received by e-mail; a person asks for a
correction from My data and the DPO applies it with one click."""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from db.models import User
from db.privacy_models import PrivacyRequest
from db.reporting_models import Customer
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app

WEBER = ("j.weber@rheinstahl.example", "Jonas Weber")  # a customer contact in the demo data (core/demo/seed.py)


def _customer(email: str) -> Customer:
    with scoped_session(Scope(), get_engine()) as s:
        return s.exec(select(Customer).where(Customer.contact_email == email)).one()


def test_the_owner_corrects_and_erases_an_importers_contact(demo_data):
    at = open_app("owner", "en", "personal_data")
    assert not at.exception and at.title[0].value == "Personal data in our records"
    at.text_input(key="pd_query").input("weber")
    at.button[[b.label for b in at.button].index("Search")].click().run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert WEBER[0] in shown["Value"].tolist() and "Contact e-mail" in shown["Field"].tolist()
    fixable = [o for o in at.selectbox(key="pd_pick").options]
    pick = next(i for i, o in enumerate(fixable) if "Contact name" in o and WEBER[1] in o)
    at.selectbox(key="pd_pick").set_value(pick)
    at.text_input(key="pd_new_value").input("Jonas  Weber-Schmidt")
    at.button[[b.label for b in at.button].index("Save the correction")].click().run()
    assert not at.exception
    assert _customer(WEBER[0]).contact_name == "Jonas  Weber-Schmidt"  # exactly as typed

    at.button(key="pd_preview_btn").click().run()
    assert not at.exception and at.json  # the dry-run receipt
    assert at.button(key="pd_erase").disabled  # not before the confirmation
    at.checkbox(key="pd_sure").check().run()
    at.button(key="pd_erase").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        assert not s.exec(select(Customer).where(Customer.contact_email == WEBER[0])).all()


def test_the_page_speaks_chinese_and_is_not_for_editors(demo_data):
    import pytest

    at = open_app("dpo", "zh", "personal_data")
    assert not at.exception and at.title[0].value == "我方记录中的个人信息"
    at.text_input(key="pd_query").input("w")
    at.button[[b.label for b in at.button].index("搜索")].click().run()
    assert any("至少输入" in e.value for e in at.error)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("editor", "en", "personal_data")


def test_the_dpo_records_a_request_received_by_email(demo_data):
    at = open_app("dpo", "en", "privacy_center")
    at.text_input(key="pc_rec_email").input(WEBER[0])
    at.selectbox(key="pc_rec_type").set_value("erasure")
    at.selectbox(key="pc_rec_channel").set_value("email")
    at.text_area(key="pc_rec_details").input("Please delete my contact details.\nJonas")
    at.button[[b.label for b in at.button].index("Record the request")].click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        (req,) = s.exec(select(PrivacyRequest)).all()
    assert (req.requester_email, req.channel, req.requester_user_id, req.verified_at) == (WEBER[0], "email", None,
                                                                                           None)
    assert req.details == "Please delete my contact details.\nJonas"
    assert any("Not verified yet" in w.value for w in at.warning)


def test_a_person_asks_for_a_correction_and_the_dpo_applies_it(demo_data):
    with scoped_session(Scope(), get_engine()) as s:
        editor = s.exec(select(User).where(User.subject == "demo-editor")).one()
        s.execute(update(Customer).where(Customer.contact_email == WEBER[0]).values(contact_email=editor.email))
    at = open_app("editor", "zh", "my_data")
    assert not at.exception
    options = at.selectbox(key="my_data_fix_pick").options
    assert any(editor.email in o and "联系人电子邮箱" in o for o in options)
    at.text_input(key="my_data_fix_value").input("Editor.New@Example.com")
    at.button[[b.label for b in at.button].index("申请更正")].click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        (req,) = s.exec(select(PrivacyRequest)).all()
    assert req.type == "rectification" and req.correction["requested"] == "Editor.New@Example.com"

    at = open_app("dpo", "en", "privacy_center")
    assert any("Correction asked for" in i.value for i in at.info)
    at.button(key="pc_do_correct").click().run()
    assert not at.exception
    assert _customer("Editor.New@Example.com").contact_name == WEBER[1]
    with scoped_session(Scope(), get_engine()) as s:
        assert s.get(PrivacyRequest, req.id).status == "completed"
