"""The DPO sends a walk-in requester a verification code by e-mail (a real SMTP server on 127.0.0.1), then enters
the code read back from the message: the request is verified; the code never reaches the audit log."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.clock import FixedClock
from core.privacy import requests
from core.privacy import verification as v
from core.settings import get_settings
from db.models import AuditEvent
from db.privacy_models import PrivacyRequest
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import owner_engine
from tests.support.smtp_server import smtp_server

AT = datetime(2026, 11, 30, 10, tzinfo=UTC)


def test_the_code_from_the_mail_verifies_the_request(engine, monkeypatch):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    with scoped_session(Scope(), owner_engine(engine)) as s:
        req = PrivacyRequest(number="PR-W", org_id=org, requester_email="walk.in@example.com", type="access",
                             received_at=AT, received_on=AT.date())
        s.add(req)
        s.flush()
        rid = req.id
    with smtp_server() as (port, received):
        monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
        monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
        monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
        get_settings.cache_clear()
        try:
            with context(engine, dpo, org, clock=FixedClock(AT)) as ctx:
                requests.send_verification_code(ctx, rid)
                assert received == []  # after the commit only
            (got,) = received
        finally:
            get_settings.cache_clear()
    assert got.rcpt_tos == ["walk.in@example.com"]
    assert "验证码" in got.body and "verification code" in got.body  # language unknown: both
    code = re.search(r"\b(\d{6})\b", got.body).group(1)
    with context(engine, dpo, org, clock=FixedClock(AT + timedelta(minutes=5))) as ctx:
        assert requests.check_verification_code(ctx, rid, "000000" if code != "000000" else "111111") == v.WRONG
        assert requests.check_verification_code(ctx, rid, code) == v.OK
    with scoped_session(Scope(), owner_engine(engine)) as s:
        assert s.get(PrivacyRequest, rid).verification_method == "email_code"
        events = s.exec(select(AuditEvent).where(AuditEvent.entity_id == str(rid))).all()
    assert {e.action for e in events} >= {"privacy.code_sent", "privacy.code_checked"}
    assert all(code not in str(e.after) for e in events)


def test_three_wrong_codes_lock_and_a_late_code_is_refused(engine):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    rids = []
    for n in ("PR-L", "PR-E"):
        with scoped_session(Scope(), owner_engine(engine)) as s:
            req = PrivacyRequest(number=n, org_id=org, requester_email="walk.in@example.com", type="access",
                                 received_at=AT, received_on=AT.date())
            s.add(req)
            s.flush()
            rids.append(req.id)
    locked, late = rids
    with context(engine, dpo, org, clock=FixedClock(AT)) as ctx:  # no SMTP host: nothing is sent
        requests.send_verification_code(ctx, locked)
        requests.send_verification_code(ctx, late)
    with context(engine, dpo, org, clock=FixedClock(AT + timedelta(minutes=1))) as ctx:
        assert [requests.check_verification_code(ctx, locked, "abc") for _ in range(4)] == [
            v.WRONG, v.WRONG, v.LOCKED, v.LOCKED]
    with context(engine, dpo, org, clock=FixedClock(AT + timedelta(minutes=10, seconds=1))) as ctx:
        assert requests.check_verification_code(ctx, late, "123456") == v.EXPIRED
