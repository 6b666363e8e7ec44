"""The privacy pages: a person makes a tracked request from My data and rights and gets a receipt, downloads
their data (logged), objects to a purpose; the DPO sees the request in the privacy center queue and works it."""
from __future__ import annotations

from sqlmodel import select

from core.privacy import objections, requests
from db.models import AuditEvent, User
from db.privacy_models import PrivacyRequest
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app


def _person(subject: str) -> User:
    with scoped_session(Scope(), get_engine()) as s:
        return s.exec(select(User).where(User.subject == subject)).one()


def test_a_person_requests_exports_and_objects_from_my_data(demo_data):
    at = open_app("editor", "en", "my_data")
    assert not at.exception
    assert at.title[0].value == "My data and rights"
    at.selectbox(key="my_data_type").set_value("erasure")
    at.text_area(key="my_data_details").input("Please delete my account")
    at.button[[b.label for b in at.button].index("Send request")].click().run()
    assert not at.exception
    (receipt,) = [i.value for i in at.info if "received on" in i.value]
    with scoped_session(Scope(), get_engine()) as s:
        (req,) = s.exec(select(PrivacyRequest)).all()
    assert req.number in receipt and req.type == "erasure" and requests.due_on(req).isoformat() in receipt
    at.button(key="my_data_export").click().run()
    assert not at.exception and any("ready" in s.value for s in at.success)
    at.checkbox(key="my_data_obj_ai_improvement").check()
    at.button[[b.label for b in at.button].index("Save my choices")].click().run()
    editor = _person("demo-editor")
    with scoped_session(Scope(), get_engine()) as s:
        assert objections.objects_to(s, editor.id, "ai_improvement")
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "privacy.export",
                                               AuditEvent.actor_id == editor.id)).first() is not None


def test_profile_links_to_my_data(demo_data):
    at = open_app("viewer", "zh", "profile")
    assert not at.exception
    assert any("我的数据与权利" in str(getattr(e, "proto", "")) for e in at.get("page_link"))


def test_the_dpo_sees_and_works_the_queue(demo_data):
    at = open_app("editor", "en", "my_data")
    at.selectbox(key="my_data_type").set_value("access")
    at.button[[b.label for b in at.button].index("Send request")].click().run()
    at = open_app("dpo", "en", "privacy_center")
    assert not at.exception
    assert at.title[0].value == "Privacy center"
    with scoped_session(Scope(), get_engine()) as s:
        (req,) = s.exec(select(PrivacyRequest)).all()
    assert any(req.number in m.value and ":green[30]" in m.value for m in at.markdown)
    at.button(key="pc_do_refuse").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        assert s.get(PrivacyRequest, req.id).status == "received"  # refused without a reason: nothing changed
    at.text_input(key="pc_reason").input("Identity could not be confirmed")
    at.button(key="pc_do_refuse").click().run()
    assert not at.exception
    with scoped_session(Scope(), get_engine()) as s:
        assert s.get(PrivacyRequest, req.id).status == "refused"
    assert at.get("download_button")
    answers = [c.value for c in at.code]
    assert any("Identity could not be confirmed" in a and "supervisory authority" in a for a in answers)
    assert any("监管机构" in a and req.number in a for a in answers)


def test_the_privacy_center_is_the_dpos_only(demo_data):
    import pytest

    from core.access import pages_for

    assert [r for r in ("owner", "editor", "viewer", "consultant", "dpo") if "privacy_center" in pages_for(r)] == ["dpo"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not registered for an owner
        open_app("owner", "en", "privacy_center")


def test_the_dpo_approves_an_erasure_and_sees_the_receipt(demo_data):
    at = open_app("editor", "en", "my_data")
    at.selectbox(key="my_data_type").set_value("erasure")
    at.button[[b.label for b in at.button].index("Send request")].click().run()
    editor = _person("demo-editor")
    at = open_app("dpo", "en", "privacy_center")
    assert at.button(key="pc_do_erase").disabled  # not before the DPO confirms
    at.checkbox(key="pc_sure").check().run()
    at.button(key="pc_do_erase").click().run()  # not started yet: refused, nothing erased
    assert not at.exception and _exists(editor)
    at.button(key="pc_do_start").click().run()
    at.checkbox(key="pc_sure").check().run()
    at.button(key="pc_do_erase").click().run()
    assert not at.exception
    assert not _exists(editor)
    assert at.json and at.json[0].value and '"app_user": 1' in at.json[0].value.replace(" ", "").replace(
        '"app_user":1', '"app_user": 1')
    with scoped_session(Scope(), get_engine()) as s:
        (req,) = s.exec(select(PrivacyRequest)).all()
        assert req.status == "completed" and req.requester_email == ""


def _exists(user: User) -> bool:
    with scoped_session(Scope(), get_engine()) as s:
        return s.get(User, user.id) is not None
