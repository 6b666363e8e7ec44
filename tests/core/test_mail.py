"""E-mail through a real SMTP server on 127.0.0.1 (aiosmtpd): invitations with their one-time link and review
notifications, sent after commit; a mail failure never loses the invitation or the workflow step."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.clock import FixedClock
from core.errors import DomainError
from core.mail import build_message, send_message
from core.organizations import INVITATION_VALID_FOR, accept_invitation, invite, list_members
from core.reporting import ProcessData, add_process, request_changes, submit_period
from core.settings import get_settings
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_period, make_user
from tests.support.smtp_server import free_port, smtp_server

LINK = re.compile(r"https://cbam\.example\.com/\?invite=([A-Za-z0-9_\-]+)")
P1 = ProcessData(code="P1", name="BOF", goods_category="Crude steel", route="Basic oxygen steelmaking", cn_code="72071114",
                 activity_level=1000,
                 direct_emissions=1800)


def _configure(monkeypatch, port: int) -> None:
    monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
    monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
    monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM 平台 <noreply@cbam.example.com>")
    monkeypatch.setenv("CBAM_APP_URL", "https://cbam.example.com")
    get_settings.cache_clear()


@pytest.fixture
def smtp(monkeypatch):
    with smtp_server() as (port, received):
        _configure(monkeypatch, port)
        yield received


def test_chinese_message_goes_through_the_server(smtp):
    send_message(build_message(to="li.na@example.com", subject="邀请：钢铁公司", body="您好，欢迎加入。"))
    (got,) = smtp
    assert got.rcpt_tos == ["li.na@example.com"] and got.subject == "邀请：钢铁公司"
    assert "您好，欢迎加入。" in got.body


def test_invitation_mail_carries_a_link_that_works_once(engine, smtp, now):
    owner, person = make_user(engine, name="王丽"), make_user(engine)
    org = make_org(engine, owner, name_en="Test Steel Co.")
    with context(engine, owner, org, FixedClock(now)) as ctx:
        made = invite(ctx, email=person.email.upper(), role="editor")
        assert smtp == []  # nothing leaves before the commit
    assert made.delivery.status == "sent"
    (got,) = smtp
    assert got.rcpt_tos == [person.email] and got.subject == "CBAM 平台：邀请您加入Test Steel Co."
    assert "王丽" in got.body and "Test Steel Co." in got.body and "editor" not in got.body.split("----------")[0]
    token = LINK.search(got.body).group(1)
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        assert accept_invitation(s, person, token, clock=FixedClock(now + timedelta(days=1))).org_id == org
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        with pytest.raises(DomainError) as exc:
            accept_invitation(s, person, token, clock=FixedClock(now + timedelta(days=1)))
    assert exc.value.key == "invitation.error_used"


def test_link_from_the_mail_expires(engine, smtp, now):
    owner, person = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org, FixedClock(now)) as ctx:
        invite(ctx, email=person.email, role="viewer")
    token = LINK.search(smtp[0].body).group(1)
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        with pytest.raises(DomainError) as exc:
            accept_invitation(s, person, token, clock=FixedClock(now + INVITATION_VALID_FOR))
    assert exc.value.key == "invitation.error_expired"


def test_smtp_failure_keeps_the_invitation(sqlite_engine, monkeypatch):
    _configure(monkeypatch, free_port())  # nobody listens there
    owner = make_user(sqlite_engine)
    org = make_org(sqlite_engine, owner)
    with context(sqlite_engine, owner, org) as ctx:
        made = invite(ctx, email="new.person@example.com", role="viewer")
    assert made.delivery.failed and made.link.startswith("https://cbam.example.com/?invite=")
    with context(sqlite_engine, owner, org) as ctx:
        assert [m.status for m in list_members(ctx) if m.email == "new.person@example.com"] == ["invited"]


def test_rolled_back_change_sends_nothing(sqlite_engine, smtp):
    owner = make_user(sqlite_engine)
    org = make_org(sqlite_engine, owner)
    with pytest.raises(RuntimeError):
        with context(sqlite_engine, owner, org) as ctx:
            invite(ctx, email="new.person@example.com", role="viewer")
            raise RuntimeError("something after the invitation fails")
    assert smtp == []


def test_without_a_host_no_mail_and_the_link_is_returned(sqlite_engine):
    owner = make_user(sqlite_engine)
    org = make_org(sqlite_engine, owner)
    with context(sqlite_engine, owner, org) as ctx:
        made = invite(ctx, email="new.person@example.com", role="viewer")
    assert made.delivery is None and "/?invite=" in made.link


def _team(engine):
    owner, editor = make_user(engine, name="Wang Li"), make_user(engine, name="Chen Gang")
    consultant = make_user(engine, name="Dr. Berg")
    org = make_org(engine, owner)
    add_member(engine, owner, org, editor, "editor")
    add_member(engine, owner, org, consultant, "consultant")
    return org, owner, editor, consultant


def test_submission_and_changes_requested_are_mailed_after_commit(engine, monkeypatch):
    with smtp_server() as (port, received):
        org, owner, editor, consultant = _team(engine)  # invitations before SMTP is on: no mail
        _configure(monkeypatch, port)
        with context(engine, owner, org) as ctx:  # the owner reads English
            from core.identity import ProfileData, update_profile
            update_profile(ctx.session, ctx.user, ProfileData(name="Wang Li", language="en"),
                           expected_version=ctx.user.version, clock=ctx.clock)
        period = make_period(engine, owner, org)
        with context(engine, editor, org) as ctx:
            add_process(ctx, period_id=period.id, data=P1)
            p = submit_period(ctx, period_id=period.id, expected_version=1)
            assert received == []
        (to_owner,) = received  # the owner may approve; the consultant may not, the editor submitted
        assert to_owner.rcpt_tos == [owner.email] and to_owner.subject.endswith("submitted for review (Test Steel Co.)")
        assert "Chen Gang" in to_owner.body and "2026" in to_owner.body
        with context(engine, consultant, org) as ctx:
            request_changes(ctx, period_id=period.id, expected_version=p.version)
        to_editor = received[1]  # Chinese: no language stored
        assert to_editor.rcpt_tos == [editor.email] and "被要求修改" in to_editor.subject


def test_mail_failure_never_undoes_the_submission(engine, monkeypatch):
    org, owner, editor, _consultant = _team(engine)
    _configure(monkeypatch, free_port())
    period = make_period(engine, owner, org)
    with context(engine, editor, org) as ctx:
        add_process(ctx, period_id=period.id, data=P1)
        submit_period(ctx, period_id=period.id, expected_version=1)
    from core.reporting import get_period
    with context(engine, owner, org) as ctx:
        assert get_period(ctx, period_id=period.id).status == "submitted"


def test_demo_seed_mails_the_invitations_the_submission_and_the_approval(sqlite_engine, smtp):
    """The demo seed goes through the same services: the editor submits Demo Aluminium's period (the owner is
    told), the owner approves it (the editor is told), everyone invited gets their link."""
    from core.demo import seed_demo

    assert seed_demo(sqlite_engine, policy_version="1.0")
    by_subject = {(m.rcpt_tos[0], m.subject) for m in smtp}
    assert any(to == "owner@demo.cbam.local" and "已提交审核" in subject for to, subject in by_subject)
    assert any(to == "editor@demo.cbam.local" and "已批准" in subject for to, subject in by_subject)
    invited = sorted(m.rcpt_tos[0] for m in smtp if "邀请您加入" in m.subject)
    assert invited == sorted(["editor@demo.cbam.local", "editor@demo.cbam.local", "viewer@demo.cbam.local",
                              "consultant@demo.cbam.local", "consultant@demo.cbam.local", "dpo@demo.cbam.local"])
