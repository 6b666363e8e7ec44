"""The extension notice: when the DPO extends a request, the requester gets an e-mail (through a real SMTP server on
127.0.0.1) with the new due date and the reason, in their language, after the commit."""
from __future__ import annotations

from datetime import UTC, datetime

from core.clock import FixedClock
from core.privacy import requests
from core.settings import get_settings
from db.models import User
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.support.smtp_server import smtp_server

RECEIVED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_the_requester_is_mailed_the_new_due_date_and_the_reason(engine, monkeypatch):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    person = make_user(engine, name="Requester")
    add_member(engine, owner, org, person, "viewer")
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        me = s.get(User, person.id)
        me.language = "en"
        s.add(me)
    with scoped_session(Scope(user_id=person.id, org_id=org, email=person.email), engine) as s:
        req = requests.create_request(s, user=person, org_id=org, type="access", details="", at=RECEIVED)
    with smtp_server() as (port, received):
        monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
        monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
        monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
        get_settings.cache_clear()
        try:
            with context(engine, dpo, org, clock=FixedClock(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))) as ctx:
                requests.extend(ctx, req.id, "Many organizations to search")
                assert received == []  # nothing leaves before the commit
            (got,) = received
        finally:
            get_settings.cache_clear()
    assert got.rcpt_tos == [person.email]
    assert req.number in got.subject
    assert "2026-05-30" in got.body and "Many organizations to search" in got.body
    assert "延期" not in got.body  # their language only
