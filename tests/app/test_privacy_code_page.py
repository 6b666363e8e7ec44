"""The privacy center offers "send verification code" for a request that is not verified yet, and counts a wrong
code read back by the person."""
from __future__ import annotations

from sqlmodel import select

from db.privacy_models import PrivacyRequest
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app


def test_the_dpo_sends_a_code_and_a_wrong_code_is_counted(demo_data):
    at = open_app("editor", "en", "my_data")
    at.selectbox(key="my_data_type").set_value("access")
    at.button[[b.label for b in at.button].index("Send request")].click().run()
    with scoped_session(Scope(), get_engine()) as s:
        (req,) = s.exec(select(PrivacyRequest)).all()
        req.verified_at, req.verification_method = None, ""  # as if received by e-mail, not signed in
        s.add(req)
    at = open_app("dpo", "en", "privacy_center")
    assert not at.exception
    at.button(key="pc_code_send").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        assert s.get(PrivacyRequest, req.id).code_hash
    at.text_input(key="pc_code").input("abcdef")
    at.button(key="pc_code_check").click().run()
    assert not at.exception
    assert any("Wrong code" in i.value for i in at.info)
    with scoped_session(Scope(), get_engine()) as s:
        assert s.get(PrivacyRequest, req.id).code_attempts == 1
