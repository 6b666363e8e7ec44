"""Scheduling a version e-mails every active person in their own language (read back from a real SMTP server on
127.0.0.1), after the commit; where purposes change, the mail says they will be asked to accept again."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.consent import policies as pol
from core.settings import get_settings
from db.consent_models import PolicyVersion
from db.models import User
from db.session import Scope, scoped_session
from tests.consent.helpers import T0, as_dpo, make_dpo, reviewed
from tests.factories import make_user
from tests.privacy.golden import owner_engine
from tests.support.smtp_server import smtp_server


def test_scheduling_mails_every_active_person_in_their_language(engine, monkeypatch):
    owner, org, dpo = make_dpo(engine)
    english = make_user(engine, name="Ann")
    never_onboarded = make_user(engine, name="New", onboard=False)
    with scoped_session(Scope(), owner_engine(engine)) as s:
        s.execute(update(User).where(User.id == english.id).values(language="en"))
        s.execute(update(User).where(User.id.in_([owner.id, dpo.id])).values(language="zh"))
    vid = reviewed(engine, dpo, org, label="2.0", purposes=(*pol.BASELINE_PURPOSES, "analytics"),
                   summary="Usage analytics added")
    with smtp_server() as (port, received):
        monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
        monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
        monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
        get_settings.cache_clear()
        try:
            with as_dpo(engine, dpo, org) as (ctx, op):
                result = pol.schedule(ctx, op, vid, T0 + timedelta(days=16))
                assert received == []  # sent after the commit only
            got = {m.rcpt_tos[0]: m for m in received}
        finally:
            get_settings.cache_clear()
    assert set(got) == {owner.email, dpo.email, english.email}  # not the person who never finished onboarding
    assert never_onboarded.email not in got
    assert [d.status for d in result.deliveries] == ["sent"] * 3
    en = got[english.email]
    assert en.subject == "Privacy policy 2.0 takes effect on 2026-12-17 09:00 UTC"
    assert "Usage analytics added" in en.body and "accept the new version" in en.body
    assert "生效" not in en.body
    zh = got[dpo.email]
    assert zh.subject == "隐私政策2.0将于2026-12-17 09:00 UTC生效"
    assert "Usage analytics added（中文）" in zh.body and "重新" not in zh.subject and "接受新版本" in zh.body
    with scoped_session(Scope(), owner_engine(engine)) as s:
        assert s.get(PolicyVersion, vid).notified == 3


def test_a_refused_schedule_sends_nothing(sqlite_engine, monkeypatch):
    import pytest

    from core.errors import DomainError

    _, org, dpo = make_dpo(sqlite_engine)
    vid = reviewed(sqlite_engine, dpo, org, kind=pol.PRICING)
    with smtp_server() as (port, received):
        monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
        monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
        monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
        get_settings.cache_clear()
        try:
            with as_dpo(sqlite_engine, dpo, org) as (ctx, op), pytest.raises(DomainError):
                pol.schedule(ctx, op, vid, T0 + timedelta(days=29))
        finally:
            get_settings.cache_clear()
    assert received == []


def test_no_reaccept_line_when_purposes_stay(sqlite_engine, monkeypatch):
    owner, org, dpo = make_dpo(sqlite_engine)
    vid = reviewed(sqlite_engine, dpo, org, label="1.1")
    with smtp_server() as (port, received):
        monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
        monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
        monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
        get_settings.cache_clear()
        try:
            with as_dpo(sqlite_engine, dpo, org) as (ctx, op):
                pol.schedule(ctx, op, vid, T0 + timedelta(days=15))
        finally:
            get_settings.cache_clear()
    assert len(received) == 2 and all("accept the new version" not in m.body and "接受新版本" not in m.body
                                      for m in received)
