"""Rights requests on a frozen clock: due = received + 30 days counted from the day after receipt; day 29, 30, 31;
pause and resume; an extension only with a reason; a refusal only with a reason; every transition audited; the
register as CSV; objections honoured by the governed path."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from core import audit
from core.clock import FixedClock
from core.errors import DomainError
from core.privacy import objections, requests
from db.models import AuditEvent
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user

# 1 March 2026, 10:00 in Shanghai (02:00 UTC): received on 1 March, day 1 is 2 March, day 30 is 31 March
RECEIVED = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def day(n: int) -> FixedClock:
    return FixedClock(RECEIVED + timedelta(days=n))


@pytest.fixture
def setup(engine):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    person = make_user(engine, name="Requester")
    add_member(engine, owner, org, person, "viewer")
    with scoped_session(Scope(user_id=person.id, org_id=org, email=person.email), engine) as s:
        req = requests.create_request(s, user=person, org_id=org, type="access", details="a copy please",
                                      at=RECEIVED)
    return engine, org, dpo, person, req


def _left(engine, dpo, org, req_id, n: int) -> int:
    with context(engine, dpo, org, clock=day(n)) as ctx:
        (r,) = [r for r in requests.list_requests(ctx) if r.id == req_id]
        return requests.days_left(r, requests.local_day(ctx.clock.now()))


def test_due_date_counts_thirty_days_from_the_day_after_receipt(setup):
    engine, org, dpo, _person, req = setup
    assert req.received_on == date(2026, 3, 1) and requests.due_on(req) == date(2026, 3, 31)
    assert req.number.startswith("PR-20260301-")
    assert [_left(engine, dpo, org, req.id, n) for n in (29, 30, 31)] == [1, 0, -1]
    with context(engine, dpo, org, clock=day(30)) as ctx:
        assert requests.list_requests(ctx, overdue=True) == []
    with context(engine, dpo, org, clock=day(31)) as ctx:
        assert [r.id for r in requests.list_requests(ctx, overdue=True)] == [req.id]
    assert [requests.colour(n) for n in (10, 9, 5, 4, -1)] == ["green", "orange", "orange", "red", "red"]


def test_pause_stops_the_clock_and_resume_adds_the_days_paused(setup):
    engine, org, dpo, _person, req = setup
    with context(engine, dpo, org, clock=day(10)) as ctx:
        requests.pause(ctx, req.id)
    assert _left(engine, dpo, org, req.id, 10) == 20
    assert _left(engine, dpo, org, req.id, 15) == 20  # standing still while paused
    with context(engine, dpo, org, clock=day(15)) as ctx:
        r = requests.resume(ctx, req.id)
    assert r.paused_days == 5 and requests.due_on(r) == date(2026, 4, 5)
    assert [_left(engine, dpo, org, req.id, n) for n in (34, 35, 36)] == [1, 0, -1]


def test_extension_and_refusal_need_a_reason_and_every_transition_is_audited(setup):
    engine, org, dpo, person, req = setup
    with context(engine, dpo, org, clock=day(3)) as ctx:
        requests.assign(ctx, req.id, dpo.id)
        requests.start(ctx, req.id)
        with pytest.raises(DomainError) as err:
            requests.extend(ctx, req.id, "  ")
        assert err.value.key == "privacy.error.reason_required"
        r = requests.extend(ctx, req.id, "Many organizations to search")
        assert requests.due_on(r) == date(2026, 5, 30)
        requests.add_note(ctx, req.id, "asked IT for the backups")
        with pytest.raises(DomainError):
            requests.refuse(ctx, req.id, "")
        requests.refuse(ctx, req.id, "Manifestly unfounded")
        with pytest.raises(DomainError) as err:
            requests.complete(ctx, req.id)
        assert err.value.key == "privacy.error.bad_transition"
        actions = [e.action for e in ctx.session.exec(select(AuditEvent).where(
            AuditEvent.entity_id == str(req.id), AuditEvent.org_id == org).order_by(AuditEvent.at, AuditEvent.id))]
        register = list(csv.reader(io.StringIO(requests.register_csv(ctx, "en").decode("utf-8-sig"))))
        assert audit.verify_organization(ctx).ok
    assert actions == ["privacy.request.assigned", "privacy.request.started", "privacy.request.extended",
                       "privacy.request.noted", "privacy.request.refused"]
    assert register[0][0] == "number" and register[1][0] == req.number and register[1][2] == "Refused"
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        (mine,) = requests.my_requests(s, person)
        assert mine.extension_reason == "Many organizations to search"  # the notice the person sees


def test_only_a_dpo_works_the_queue(setup):
    engine, org, _dpo, person, req = setup
    with context(engine, person, org) as ctx, pytest.raises(DomainError) as err:
        requests.list_requests(ctx)
    assert err.value.key == "error.permission_denied"


def test_an_objecting_person_is_skipped_by_the_governed_path(setup):
    engine, _org, _dpo, person, _req = setup
    other = make_user(engine, name="Someone else")
    events = [(person.id, {"page": "home"}), (other.id, {"page": "home"})]
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        assert len(objections.analytics_events(s, events)) == 2  # baseline: nobody objects
        assert not objections.objects_to(s, person.id, "analytics")
        objections.set_objections(s, person, {"analytics": True, "ai_improvement": True}, at=RECEIVED)
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        assert objections.objects_to(s, person.id, "analytics") and objections.objects_to(s, person.id,
                                                                                         "ai_improvement")
        assert not objections.objects_to(s, person.id, "marketing")
        assert [p for p, _ in objections.analytics_events(s, events)] == [other.id]
        assert objections.without_objectors(s, [person.id], "ai_improvement") == []
        with pytest.raises(DomainError):
            objections.objects_to(s, person.id, "profiling")
