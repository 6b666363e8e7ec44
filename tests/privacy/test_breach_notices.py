"""The notice to the people a breach affects goes to exactly them, through a real SMTP server on 127.0.0.1, each in
their language, and each delivery is recorded on that person's notice: sent, or failed when the server refuses the
address or cannot be reached (then sent again by the next run)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from core.errors import DomainError, ValidationFailed
from core.privacy import breaches
from core.settings import get_settings
from db.breach_models import BreachNotice
from db.models import AuditEvent
from tests.factories import add_member, make_org
from tests.privacy.breach_support import T0, data, directory, dpo_ctx, operator, person, use_smtp
from tests.support.smtp_server import _Inbox, free_port, smtp_server

H = timedelta(hours=1)


@pytest.fixture
def affected(engine, monkeypatch):
    """The operator; organization A (its owner and two members), a person in B named by e-mail, and C not
    affected at all."""
    op = operator(engine, monkeypatch)
    a_owner, a_en, a_zh = person(engine, "A Owner", None), person(engine, "A English", "en"), \
        person(engine, "A Chinese", "zh")
    org_a = make_org(engine, a_owner, name_en="Org A")
    add_member(engine, a_owner, org_a, a_en, "editor")
    add_member(engine, a_owner, org_a, a_zh, "viewer")
    b_owner, b_person = person(engine, "B Owner", "en"), person(engine, "B Person", "en")
    org_b = make_org(engine, b_owner, name_en="Org B")
    add_member(engine, b_owner, org_b, b_person, "viewer")
    c_owner = person(engine, "C Owner", "en")
    make_org(engine, c_owner, name_en="Org C")
    with dpo_ctx(op, T0 + H) as ctx:
        bid = breaches.record_breach(ctx, data()).id
    with dpo_ctx(op, T0 + H) as ctx, directory(engine) as d:
        breaches.add_affected(ctx, bid, emails=[b_person.email.upper()], org_ids=[org_a], all_members=True,
                              directory=d)
    return op, bid, {"a_owner": a_owner, "a_en": a_en, "a_zh": a_zh, "b_person": b_person, "b_owner": b_owner,
                     "c_owner": c_owner}, (org_a, org_b)


def _notices(op, bid):  # noqa: ANN001, ANN202
    with dpo_ctx(op, T0 + 2 * H) as ctx:
        return {n.recipient: n for n in breaches.notices_of(ctx, bid) if n.kind == "user"}


def test_notices_go_to_exactly_the_affected_people_in_their_language(affected, monkeypatch):
    op, bid, p, (org_a, org_b) = affected
    expected = {p[k].email for k in ("a_owner", "a_en", "a_zh", "b_person")}
    assert set(_notices(op, bid)) == expected
    with dpo_ctx(op, T0 + 2 * H) as ctx:
        assert {str(org_a), str(org_b)} <= set(breaches.get_breach(ctx, bid).affected_org_ids)
    with smtp_server() as (port, received):
        use_smtp(monkeypatch, port)
        with dpo_ctx(op, T0 + 2 * H) as ctx:
            result = breaches.send_user_notices(ctx, bid, expected=4)
        got = {m.rcpt_tos[0]: m for m in received}
    assert len(received) == 4 and all(len(m.rcpt_tos) == 1 for m in received)
    assert set(got) == expected  # not B's owner, not C
    assert len(result.sent) == 4 and result.failed == []
    en, zh, both = got[p["a_en"].email], got[p["a_zh"].email], got[p["a_owner"].email]
    assert "personal data breach" in en.body and "泄露" not in en.body and en.subject.startswith("Notice")
    assert "泄露" in zh.body and "personal data breach" not in zh.body and zh.subject.startswith("个人信息泄露通知")
    assert "泄露" in both.body and "personal data breach" in both.body  # language unknown: both, Chinese first
    assert "A backup file was readable" in en.body and "Be wary of e-mails" in en.body
    notices = _notices(op, bid)
    assert all(n.status == "sent" and n.sent_at is not None and n.attempts == 1 for n in notices.values())
    status = {o.key: o.status for o in _obligations(op, bid, T0 + 80 * H)}
    assert status["users"] == "done"  # delivered to every affected person (at T0 + 2 h, within the 72 hours)
    with dpo_ctx(op, T0 + 3 * H) as ctx, pytest.raises(DomainError, match="nobody_to_notify"):
        breaches.send_user_notices(ctx, bid, expected=0)


def _obligations(op, bid, at):  # noqa: ANN001, ANN202
    with dpo_ctx(op, at) as ctx:
        return breaches.obligations_of(ctx, breaches.get_breach(ctx, bid))


def test_a_server_that_is_down_is_recorded_as_failed_then_sent_again(affected, monkeypatch):
    op, bid, p, _ = affected
    use_smtp(monkeypatch, free_port())  # nothing listens there
    with dpo_ctx(op, T0 + 2 * H) as ctx:
        result = breaches.send_user_notices(ctx, bid, expected=4)
    assert result.sent == [] and len(result.failed) == 4
    notices = _notices(op, bid)
    assert {(n.status, n.error, n.attempts, n.sent_at) for n in notices.values()} == \
        {("failed", "ConnectionRefusedError", 1, None)}
    assert {o.key: o.status for o in _obligations(op, bid, T0 + 2 * H)}["users"] == "open"
    with dpo_ctx(op, T0 + 2 * H) as ctx:
        (event,) = ctx.session.exec(select(AuditEvent).where(AuditEvent.action == "privacy.breach.users_notified"))
        assert len(event.after["failed"]) == 4 and event.after["sent"] == []
    with smtp_server() as (port, received):
        use_smtp(monkeypatch, port)
        with dpo_ctx(op, T0 + 3 * H) as ctx:
            breaches.send_user_notices(ctx, bid, expected=4)
    assert len(received) == 4
    assert {(n.status, n.attempts) for n in _notices(op, bid).values()} == {("sent", 2)}


class _Refusing(_Inbox):
    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        if address.lower() == self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@contextmanager
def _refusing_server(refused: str):  # noqa: ANN202
    inbox = _Refusing(refused.lower())
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox.messages
    finally:
        controller.stop()


def test_a_refused_address_is_recorded_per_recipient(affected, monkeypatch):
    op, bid, p, _ = affected
    refused = p["a_zh"].email
    with _refusing_server(refused) as (port, received):
        use_smtp(monkeypatch, port)
        with dpo_ctx(op, T0 + 2 * H) as ctx:
            result = breaches.send_user_notices(ctx, bid, expected=4)
    assert len(result.sent) == 3 and len(result.failed) == 1
    assert refused not in {m.rcpt_tos[0] for m in received} and len(received) == 3
    notices = _notices(op, bid)
    assert (notices[refused].status, notices[refused].error) == ("failed", "SMTPRecipientsRefused")
    assert all(n.status == "sent" for r, n in notices.items() if r != refused)
    with dpo_ctx(op, T0 + 3 * H) as ctx:
        assert [n.recipient for n in breaches.unsent(ctx, bid)] == [refused]


def test_the_confirmed_count_must_match_and_mail_must_be_set_up(affected, monkeypatch):
    op, bid, p, _ = affected
    with smtp_server() as (port, received):
        use_smtp(monkeypatch, port)
        with dpo_ctx(op, T0 + 2 * H) as ctx, pytest.raises(DomainError, match="count_changed"):
            breaches.send_user_notices(ctx, bid, expected=3)
        monkeypatch.delenv("CBAM_SMTP_HOST")
        get_settings.cache_clear()
        with dpo_ctx(op, T0 + 2 * H) as ctx, pytest.raises(DomainError, match="mail_not_configured"):
            breaches.send_user_notices(ctx, bid, expected=4)
    assert received == []
    assert {n.status for n in _notices(op, bid).values()} == {"pending"}


def test_unknown_people_refuse_the_whole_change(affected):
    op, bid, p, _ = affected
    with dpo_ctx(op, T0 + 2 * H) as ctx, directory(op.engine) as d, pytest.raises(ValidationFailed):
        breaches.add_affected(ctx, bid, emails=[p["c_owner"].email, "nobody@example.com"], directory=d)
    assert p["c_owner"].email not in _notices(op, bid)
    with dpo_ctx(op, T0 + 2 * H) as ctx, directory(op.engine) as d:  # adding someone twice adds nobody
        assert breaches.add_affected(ctx, bid, emails=[p["b_person"].email], directory=d) == []
    with dpo_ctx(op, T0 + 2 * H) as ctx:
        assert ctx.session.exec(select(BreachNotice).where(BreachNotice.recipient == "nobody@example.com")).all() == []
