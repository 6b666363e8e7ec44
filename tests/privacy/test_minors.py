"""The 18+ flow: a reported member is suspended at once (sign-in still resolves them, but every service refuses
them), then reinstated when the DPO confirms an adult, or erased through core.privacy.erasure when the DPO
confirms a minor or nobody answers in ANSWER_DAYS; every step is audited; another organization's DPO can do
nothing to the person or see the report."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from core import audit
from core.clock import FixedClock
from core.errors import DomainError, NotFound, PermissionDenied
from core.identity import resolve_login
from core.installations import InstallationData, add_installation
from core.organizations import list_members
from core.privacy import minors
from db.access_models import MinorReport
from db.models import AuditEvent, User
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import owner_engine

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def world(engine):
    owner = make_user(engine, email="owner.m@example.com", name="Owner M")
    org = make_org(engine, owner, name_en="Minor Steel")
    dpo = make_user(engine, email="dpo.m@example.com", name="Officer M")
    kid = make_user(engine, email="young.one@example.com", name="Young One")
    add_member(engine, owner, org, dpo, "dpo")
    add_member(engine, owner, org, kid, "editor")
    return engine, org, owner, dpo, kid


def _op(engine):
    return scoped_session(Scope(), owner_engine(engine))


def _step(engine, dpo, org, at, fn):
    with _op(engine) as s:
        return fn(minors.dpo_context(s, dpo, org, at))


def _report(engine, dpo, org, kid, at=AT):
    return _step(engine, dpo, org, at, lambda c: minors.report_minor(c, user_id=kid.id, reason="said they are 16"))


def _actions(engine, org) -> list[str]:
    with _op(engine) as s:
        return list(s.exec(select(AuditEvent.action).where(AuditEvent.org_id == org, AuditEvent.action.startswith(
            "privacy.minor")).order_by(AuditEvent.seq)).all())


def _can_act(engine, kid, org) -> bool:
    try:
        with context(engine, kid, org) as ctx:
            add_installation(ctx, InstallationData(name=f"Plant {datetime.now().timestamp()}", address="1 Road",
                                                   country="CN"))
        return True
    except PermissionDenied:
        return False


def test_a_reported_member_is_suspended_and_reinstated_when_an_adult(world):
    engine, org, _owner, dpo, kid = world
    assert _can_act(engine, kid, org)
    report = _report(engine, dpo, org, kid)
    assert report.status == "suspended" and report.answer_due_on.isoformat() == "2026-12-15"
    # signing in still finds the person ...
    with scoped_session(Scope(), engine) as s:
        again = resolve_login(s, issuer=kid.issuer, subject=kid.subject, email=kid.email, name=kid.name,
                              clock=FixedClock(AT))
        assert again.id == kid.id and again.suspended_at is not None
    # ... but every service refuses them, whatever their role says
    assert not _can_act(engine, kid, org)
    with context(engine, kid, org) as ctx, pytest.raises(PermissionDenied):
        list_members(ctx)
    with _op(engine) as s, pytest.raises(DomainError) as err:  # reported twice
        minors.report_minor(minors.dpo_context(s, dpo, org, AT), user_id=kid.id, reason="again")
    assert err.value.key == "privacy.minor.error_open"
    _step(engine, dpo, org, AT + timedelta(days=2), lambda c: minors.confirm_adult(c, report.id))
    assert _can_act(engine, kid, org)
    with _op(engine) as s:
        assert s.get(User, kid.id).suspended_at is None
        assert s.get(MinorReport, report.id).status == "adult"
        with pytest.raises(DomainError):  # decided once
            minors.confirm_minor(minors.dpo_context(s, dpo, org, AT), report.id)
        assert audit.verify(s).ok
    assert _actions(engine, org) == ["privacy.minor.reported", "privacy.minor.suspended",
                                     "privacy.minor.adult_confirmed", "privacy.minor.reinstated"]


def test_a_confirmed_minor_is_erased(world):
    engine, org, _owner, dpo, kid = world
    report = _report(engine, dpo, org, kid)
    _step(engine, dpo, org, AT + timedelta(days=1), lambda c: minors.confirm_minor(c, report.id))
    with _op(engine) as s:
        assert s.get(User, kid.id) is None
        kept = s.get(MinorReport, report.id)
        assert kept.status == "erased" and kept.user_id is None  # the report stays, without the person
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "privacy.erasure")).first() is not None
        assert audit.verify(s).ok
    assert _actions(engine, org) == ["privacy.minor.reported", "privacy.minor.suspended",
                                     "privacy.minor.minor_confirmed"]


def test_no_answer_in_time_erases_the_person(world):
    engine, org, _owner, dpo, kid = world
    report = _report(engine, dpo, org, kid)
    with _op(engine) as s:  # on the due day there is still time
        assert minors.expire_unanswered(s, at=datetime(2026, 12, 15, 23, tzinfo=UTC)) == []
    with _op(engine) as s:
        assert minors.expire_unanswered(s, at=datetime(2026, 12, 16, 1, tzinfo=UTC)) == [report.id]
    with _op(engine) as s:
        assert s.get(User, kid.id) is None
        assert s.get(MinorReport, report.id).status == "erased"
        assert minors.expire_unanswered(s, at=datetime(2026, 12, 20, tzinfo=UTC)) == []
    assert _actions(engine, org)[-1] == "privacy.minor.unanswered"


def test_another_organizations_dpo_can_do_nothing(world):
    engine, org, _owner, dpo, kid = world
    owner_b = make_user(engine, name="Owner B")
    org_b = make_org(engine, owner_b)
    dpo_b = make_user(engine, name="Officer B")
    add_member(engine, owner_b, org_b, dpo_b, "dpo")
    with _op(engine) as s, pytest.raises(NotFound):  # not a member of org B: not found
        minors.report_minor(minors.dpo_context(s, dpo_b, org_b, AT), user_id=kid.id, reason="x")
    with _op(engine) as s, pytest.raises(PermissionDenied):  # org B's DPO is nobody in org A
        minors.report_minor(minors.dpo_context(s, dpo_b, org, AT), user_id=kid.id, reason="x")
    report = _report(engine, dpo, org, kid)
    with _op(engine) as s:
        ctx_b = minors.dpo_context(s, dpo_b, org_b, AT)
        assert minors.list_reports(ctx_b) == []
        with pytest.raises(NotFound):
            minors.confirm_minor(ctx_b, report.id)
        with pytest.raises(NotFound):
            minors.confirm_adult(ctx_b, report.id)
    with context(engine, dpo_b, org_b) as ctx:  # through the app's own session too
        assert minors.list_reports(ctx) == []
    with context(engine, owner_b, org_b) as ctx, pytest.raises(PermissionDenied):  # an owner is not the DPO
        minors.list_reports(ctx)
    with _op(engine) as s:
        assert s.get(User, kid.id).suspended_at is not None


def test_the_suspended_person_cannot_lift_the_suspension_themselves(pg_engine):
    """On PostgreSQL the app role may update its own account row, but not `suspended_at` (db.rls APP_ACCESS)."""
    engine = pg_engine
    owner = make_user(engine, name="Owner P")
    org = make_org(engine, owner)
    dpo, kid = make_user(engine, name="Officer P"), make_user(engine, name="Kid P")
    add_member(engine, owner, org, dpo, "dpo")
    add_member(engine, owner, org, kid, "editor")
    _report(engine, dpo, org, kid)
    with scoped_session(Scope(user_id=kid.id, email=kid.email, issuer=kid.issuer, subject=kid.subject), engine) as s:
        s.execute(text("UPDATE app_user SET name = 'Kid Renamed' WHERE id = :id"), {"id": kid.id})  # allowed
    with pytest.raises(Exception, match="permission denied"), \
            scoped_session(Scope(user_id=kid.id, email=kid.email, issuer=kid.issuer, subject=kid.subject), engine) as s:
        s.execute(text("UPDATE app_user SET suspended_at = NULL WHERE id = :id"), {"id": kid.id})
