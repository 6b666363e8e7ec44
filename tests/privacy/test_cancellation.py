"""An organization's cancellation, end to end against a frozen clock and a real SMTP server on 127.0.0.1: the owner
cancels (owner-only) and gets a notice with the export reminder; reminders 7 days and 1 day before; on day +29 the
data is still there, on day +30 an open rights request holds it, once answered the organization is deleted (every
tenant table's rows, the stored evidence objects, the accounts of those who belonged to it alone) and the owner
gets the deletion certificate; the dry run foretold the counts; the audit chains still verify; the other
organization is untouched. Organizations cancelled 29, 30 and 31 days before a run; a withdrawn cancellation."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, text

from core import audit
from core.clock import FixedClock, SystemClock
from core.errors import DomainError, PermissionDenied
from core.evidence.storage import storage_for
from core.privacy.requests import LOCAL_TZ, local_day
from core.retention import cancellation
from core.retention.engine import org_tables, run
from core.settings import get_settings
from db.models import Organization, User
from db.privacy_models import PrivacyRequest
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import LOOKALIKE, SUBJECT, owner_engine, plant
from tests.support.smtp_server import smtp_server

C = local_day(SystemClock().now())  # the day of the cancellation (the factories stamp rows with the real clock)


def noon(day) -> datetime:  # noqa: ANN001
    return datetime.combine(day, time(12), LOCAL_TZ).astimezone(UTC)


def _op(engine):
    return scoped_session(Scope(), owner_engine(engine))


def _rows_of(engine, org_id) -> dict[str, int]:
    with _op(engine) as s:
        out = {t.name: s.execute(select(func.count()).select_from(t).where(t.c.org_id == org_id)).scalar_one()
               for t in org_tables()}
        out["organization"] = s.execute(select(func.count()).select_from(Organization)
                                        .where(Organization.id == org_id)).scalar_one()
    return {k: v for k, v in out.items() if v}


@pytest.fixture
def mail(monkeypatch):
    with smtp_server() as (port, received):
        monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
        monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
        monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
        get_settings.cache_clear()
        yield received
    get_settings.cache_clear()


def test_cancel_remind_hold_delete_and_certify(engine, mail):
    p = plant(engine, SUBJECT, org_name="Golden Steel")
    q = plant(engine, LOOKALIKE, org_name="Other Steel")
    mail.clear()  # the invitations the planting sent
    owner_email = p.owner.email
    other_before = _rows_of(engine, q.org_id)
    storage = storage_for(p.org_id)
    assert storage.exists(p.storage_key)
    # only the owner may cancel
    with context(engine, p.user, p.org_id, clock=FixedClock(noon(C))) as ctx, pytest.raises(PermissionDenied):
        cancellation.request_cancellation(ctx)
    with context(engine, p.owner, p.org_id, clock=FixedClock(noon(C))) as ctx:
        c = cancellation.request_cancellation(ctx)
        assert mail == []  # sent after the commit
    assert c.delete_on == C + timedelta(days=30)
    (notice,) = mail
    assert notice.rcpt_tos == [owner_email]
    assert c.delete_on.isoformat() in notice.body and "Exports" in notice.body and "导出" in notice.body
    with context(engine, p.owner, p.org_id, clock=FixedClock(noon(C))) as ctx, pytest.raises(DomainError):
        cancellation.request_cancellation(ctx)  # once

    def run_on(day, **kw):  # noqa: ANN001, ANN202
        with _op(engine) as s:
            return run(s, today=day, **kw)

    assert run_on(C + timedelta(days=22)).reminders == 0
    assert run_on(C + timedelta(days=23)).reminders == 1  # 7 days before
    assert run_on(C + timedelta(days=23)).reminders == 0  # once
    assert run_on(C + timedelta(days=29)).reminders == 1  # 1 day before
    reminders = mail[1:]
    assert [m.rcpt_tos for m in reminders] == [[owner_email]] * 2
    assert "7" in reminders[0].body and c.delete_on.isoformat() in reminders[1].subject
    assert _rows_of(engine, p.org_id)["organization"] == 1  # day +29: still there
    # day +30: the subject's open access request (planted) holds the deletion
    held = run_on(C + timedelta(days=30))
    assert held.organizations_held == 1 and held.organizations_deleted == 0
    assert held.as_dict()["tables"]["organization"]["held"] == 1
    assert _rows_of(engine, p.org_id)["shipment"] > 0
    with _op(engine) as s:
        s.execute(text("UPDATE privacy_request SET status = 'completed'"))
    before = _rows_of(engine, p.org_id)
    with _op(engine) as s:
        assert audit.verify(s).ok
    preview = run_on(C + timedelta(days=30), dry_run=True)
    sent_before = len(mail)
    done = run_on(C + timedelta(days=30))
    assert done.status == "ok", done.errors
    assert done.organizations_deleted == 1 and done.files_erased == 1 and done.accounts_erased == 2
    assert done.certificates == 1
    # the dry run foretold every table's count, and those are the rows the organization had
    assert {k: v["deleted"] for k, v in preview.as_dict()["tables"].items() if v["deleted"]} == before
    assert {k: v["deleted"] for k, v in done.as_dict()["tables"].items() if v["deleted"]} == before
    assert _rows_of(engine, p.org_id) == {}
    assert not storage.exists(p.storage_key)
    with _op(engine) as s:
        assert s.get(User, p.user.id) is None and s.get(User, p.owner.id) is None  # members of this one only
        assert s.get(User, q.user.id) is not None
        kept = s.execute(select(PrivacyRequest).where(PrivacyRequest.requester_user_id.is_(None))).scalars().all()
        assert kept and all(r.org_id is None for r in kept)  # the proof that it was answered stays, detached
        assert audit.verify(s).ok
    assert _rows_of(engine, q.org_id) == other_before
    # the certificate, to the owner
    (cert,) = mail[sent_before:]
    assert cert.rcpt_tos == [owner_email] and "删除证明" in cert.subject
    assert f"- Shipments: {before['shipment']}\n" in cert.body and f"- 发货记录：{before['shipment']}\n" in cert.body
    assert "Accounts erased (people who belonged to this organization only): 2" in cert.body
    with _op(engine) as s:
        stored = s.get(cancellation.OrganizationCancellation, c.id)
        assert stored.deleted_at is not None and stored.certificate["deleted"] == before
    assert run_on(C + timedelta(days=31)).organizations_deleted == 0  # idempotent


def test_cancelled_29_30_31_days_before_and_a_withdrawn_one(engine):
    today = C + timedelta(days=40)
    orgs = {}
    for days in (29, 30, 31, 60):
        owner = make_user(engine, name=f"Owner {days}")
        org = make_org(engine, owner, name_en=f"Co {days}")
        with context(engine, owner, org, clock=FixedClock(noon(today - timedelta(days=days)))) as ctx:
            cancellation.request_cancellation(ctx)
        orgs[days] = (owner, org)
    owner, org = orgs[60]
    with context(engine, owner, org, clock=FixedClock(noon(today - timedelta(days=59)))) as ctx:
        cancellation.withdraw_cancellation(ctx)
    # an editor cannot withdraw
    editor = make_user(engine, name="Editor")
    add_member(engine, *orgs[29], editor, "editor")
    with context(engine, editor, orgs[29][1]) as ctx, pytest.raises(PermissionDenied):
        cancellation.withdraw_cancellation(ctx)
    with _op(engine) as s:
        result = run(s, today=today)
    assert result.organizations_deleted == 2
    remaining = {d for d, (_, o) in orgs.items() if _rows_of(engine, o).get("organization")}
    assert remaining == {29, 60}


def test_a_failed_deletion_changes_nothing_raises_an_alert_and_the_next_run_completes(engine, mail):
    from core.evidence import upload_files
    from db.models import AuditEvent
    from tests.evidence.samples import pdf
    from tests.factories import make_installation
    from tests.privacy.test_retention import _block_delete

    today = C + timedelta(days=30)
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org)
    with context(engine, owner, org) as ctx:
        (up,) = upload_files(ctx, files=[("invoice.pdf", pdf("kept until the deletion commits"))])
    with context(engine, owner, org, clock=FixedClock(noon(C))) as ctx:
        cancellation.request_cancellation(ctx)
    mail.clear()
    before = _rows_of(engine, org)
    _block_delete(engine, "installation", inst.id)
    with _op(engine) as s:
        failed = run(s, today=today)
    assert failed.status == "failed" and failed.organizations_deleted == 0
    (err,) = failed.errors
    assert err["rule"] == "organization" and err["org_id"] == str(org) and "blocked by test" in err["error"]
    # nothing of the organization's batch was committed: rows, stored object, account; no certificate went out
    assert _rows_of(engine, org) == before
    assert storage_for(org).exists(up.file.storage_key)
    assert mail == []
    with _op(engine) as s:
        assert s.get(User, owner.id) is not None
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "retention.alert")).first() is not None
        assert audit.verify(s).ok
    with owner_engine(engine).begin() as conn:
        conn.execute(text("DROP TRIGGER block_installation" + (" ON installation" if engine.dialect.name ==
                                                                "postgresql" else "")))
    with _op(engine) as s:
        done = run(s, today=today)
    assert done.status == "ok" and done.organizations_deleted == 1
    assert _rows_of(engine, org) == {} and not storage_for(org).exists(up.file.storage_key)
    assert [m.rcpt_tos for m in mail] == [[owner.email]]  # the certificate


def test_the_accounts_wait_until_the_certificate_has_gone_out(engine, mail, monkeypatch):
    from tests.support.smtp_server import free_port

    today = C + timedelta(days=30)
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    with context(engine, owner, org, clock=FixedClock(noon(C))) as ctx:
        cancellation.request_cancellation(ctx)
    mail.clear()
    port = get_settings().smtp_port
    monkeypatch.setenv("CBAM_SMTP_PORT", str(free_port()))  # nothing listens there: the send fails
    get_settings.cache_clear()
    with _op(engine) as s:
        first = run(s, today=today)
    assert first.status == "failed" and "certificate not sent" in first.errors[0]["error"]
    assert first.organizations_deleted == 0 and first.certificates == 0
    rows = _rows_of(engine, org)
    assert set(rows) == {"membership", "organization"}  # the data is gone; the owner's account and address stay
    with _op(engine) as s:
        assert s.get(User, owner.id).email == owner.email
    monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
    get_settings.cache_clear()
    with _op(engine) as s:
        second = run(s, today=today + timedelta(days=1))
    assert second.status == "ok" and second.organizations_deleted == 1 and second.accounts_erased == 1
    assert second.certificates == 1
    (cert,) = mail
    assert cert.rcpt_tos == [owner.email] and "删除证明" in cert.subject
    assert _rows_of(engine, org) == {}
    with _op(engine) as s:
        assert s.get(User, owner.id) is None
