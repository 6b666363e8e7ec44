"""The retention engine against a frozen clock, across every boundary: AI interactions at 364/365/366 days,
security events and audit events at 2 and 5 years ± a day. The dry run's counts equal what the run then does; held
rows (a legal hold, an open rights request) are skipped and counted; the run log keeps the counts and the duration;
a second run changes nothing; the audit chain still verifies (against anchors written before the run); a failing
batch is rolled back whole, the rest goes on, and the failure is an alert."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from core import audit
from core.audit.anchors import write_anchors
from core.audit.service import ERASED, PSEUDONYM
from core.clock import FixedClock, SystemClock
from core.privacy.requests import LOCAL_TZ, local_day
from core.retention import holds as holds_service
from core.retention.engine import run
from core.retention.schedule import minus_years
from db.assistant_models import AssistantInteraction
from db.models import AuditEvent
from db.privacy_models import PrivacyRequest
from db.retention_models import RetentionRun, SecurityEvent
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import owner_engine

# The frozen "today" of the runs: ten days after the real one, so that what the factories create through the
# services (sign-ins, audit events, stamped with the real clock) is young, and only the rows planted at the boundary
# ages below are due.
TODAY = local_day(SystemClock().now()) + timedelta(days=10)


def noon(day: date) -> datetime:
    """Noon in China Standard Time on `day` (as UTC)."""
    return datetime.combine(day, time(12), LOCAL_TZ).astimezone(UTC)


def _op(engine):
    return scoped_session(Scope(), owner_engine(engine))


def ai(s, org, user, day: date, label: str) -> uuid.UUID:
    row = AssistantInteraction(org_id=org, user_id=user, question=label, answer="-", tools=[], created_by=user,
                               updated_by=user, created_at=noon(day), updated_at=noon(day))
    s.add(row)
    s.flush()
    return row.id


def sec(s, user, day: date) -> uuid.UUID:
    row = SecurityEvent(kind="sign_in", user_id=user, at=noon(day))
    s.add(row)
    s.flush()
    return row.id


def ev(s, org, user, day: date, label: str) -> int:
    return audit.record(s, actor_id=user, org_id=org, action="test.old", entity="thing", entity_id=label,
                        before=None, after={"label": label, "who": "Anna Li", "n": 3}, at=noon(day)).id


@pytest.fixture
def world(engine):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    member = make_user(engine, name="Member")
    add_member(engine, owner, org, member, "editor")
    ids = {}
    with _op(engine) as s:
        for n in (364, 365, 366):
            ids[f"ai{n}"] = ai(s, org, owner.id, TODAY - timedelta(days=n), f"ai{n}")
        two, five = minus_years(TODAY, 2), minus_years(TODAY, 5)
        for name, day in (("sec2y-1d", two + timedelta(days=1)), ("sec2y", two), ("sec2y+1d", two - timedelta(days=1))):
            ids[name] = sec(s, member.id, day)
        for name, day in (("ev5y-1d", five + timedelta(days=1)), ("ev5y", five), ("ev5y+1d", five - timedelta(days=1))):
            ids[name] = ev(s, org, owner.id, day, name)
    return engine, owner, org, member, ids


def _present(engine, model, ids) -> set:
    with _op(engine) as s:
        return set(s.exec(select(model.id).where(model.id.in_(ids))).all())


def test_each_period_ends_on_its_day_and_the_dry_run_foretells_the_run(world):
    engine, owner, org, member, ids = world
    with _op(engine) as s:
        assert write_anchors(s, at=noon(TODAY))[0].ok  # heads written outside the database before the run
    with _op(engine) as s:
        preview = run(s, today=TODAY, dry_run=True)
    with _op(engine) as s:
        done = run(s, today=TODAY)
    dry, real = preview.as_dict()["tables"], done.as_dict()["tables"]
    assert dry["assistant_interaction"] == real["assistant_interaction"] == {"deleted": 2, "pseudonymised": 0,
                                                                             "held": 0}
    assert dry["security_event"] == real["security_event"]
    assert real["security_event"]["deleted"] == 2
    assert dry["audit_event"] == real["audit_event"]
    assert real["audit_event"]["pseudonymised"] >= 2
    # the boundaries: 364 days kept, 365 and 366 gone; 2 years - 1 day kept, 2 years and 2 years + 1 day gone
    assert _present(engine, AssistantInteraction, [ids["ai364"], ids["ai365"], ids["ai366"]]) == {ids["ai364"]}
    assert _present(engine, SecurityEvent, [ids["sec2y-1d"], ids["sec2y"], ids["sec2y+1d"]]) == {ids["sec2y-1d"]}
    with _op(engine) as s:
        events = {e.entity_id: e for e in s.exec(select(AuditEvent).where(AuditEvent.action == "test.old")).all()}
        assert events["ev5y-1d"].after == {"label": "ev5y-1d", "who": "Anna Li", "n": 3}
        for name in ("ev5y", "ev5y+1d"):  # every value replaced by its commitment; the event itself stays
            after = events[name].after
            assert set(after) == {"label", "who", "n"}
            assert all(set(v) == {ERASED, PSEUDONYM} for v in after.values()), after
            assert "Anna Li" not in str(after)
        # the chains still verify, also against the anchors written before the run (`cbam audit verify`)
        result = audit.verify(s)
        assert result.ok, result
        # the run log: counts and duration
        logged = s.get(RetentionRun, done.run_id)
        assert logged.status == "ok" and not logged.dry_run and logged.duration_ms > 0
        assert logged.counts["tables"]["assistant_interaction"]["deleted"] == 2
        assert logged.counts["tables"]["security_event"]["deleted"] == 2
        assert s.get(RetentionRun, preview.run_id).dry_run
    # a second run: nothing left to do
    with _op(engine) as s:
        again = run(s, today=TODAY).as_dict()["tables"]
    assert all(c["deleted"] == 0 and c["pseudonymised"] == 0 for c in again.values()), again
    # a day earlier, the day-365 row would not have been due
    assert _present(engine, AssistantInteraction, [ids["ai364"]]) == {ids["ai364"]}


def test_a_day_before_nothing_is_due(world):
    engine, owner, org, member, ids = world
    with _op(engine) as s:
        result = run(s, today=TODAY - timedelta(days=1))
    tables = result.as_dict()["tables"]
    assert tables["assistant_interaction"]["deleted"] == 1  # the 366-day row is 365 days old the day before
    assert tables["security_event"]["deleted"] == 1
    assert _present(engine, AssistantInteraction, [ids["ai364"], ids["ai365"]]) == {ids["ai364"], ids["ai365"]}


def test_legal_holds_and_open_requests_skip_the_purge_and_count_as_held(world):
    engine, owner, org, member, ids = world
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    with context(engine, dpo, org, clock=FixedClock(noon(TODAY))) as ctx:
        hold = holds_service.set_hold(ctx, reason="Dispute D-7 with the customs authority")
    # the member has an open access request: their sign-ins stay
    with _op(engine) as s:
        s.add(PrivacyRequest(number="PR-H", org_id=org, requester_user_id=member.id, requester_email="m@example.com",
                             type="access", received_at=noon(TODAY), received_on=TODAY))
    with _op(engine) as s:
        preview = run(s, today=TODAY, dry_run=True).as_dict()["tables"]
    with _op(engine) as s:
        held = run(s, today=TODAY).as_dict()["tables"]
    assert held == preview
    assert held["assistant_interaction"] == {"deleted": 0, "pseudonymised": 0, "held": 2}
    assert held["security_event"] == {"deleted": 0, "pseudonymised": 0, "held": 2}
    assert held["audit_event"]["pseudonymised"] == 0 and held["audit_event"]["held"] >= 2
    assert len(_present(engine, AssistantInteraction, [ids["ai365"], ids["ai366"]])) == 2
    # the hold released and the request answered: the next run deletes
    with context(engine, dpo, org, clock=FixedClock(noon(TODAY))) as ctx:
        holds_service.release_hold(ctx, hold.id)
    with _op(engine) as s:
        s.execute(text("UPDATE privacy_request SET status = 'completed' WHERE number = 'PR-H'"))
    with _op(engine) as s:
        after = run(s, today=TODAY).as_dict()["tables"]
    assert after["assistant_interaction"]["deleted"] == 2 and after["security_event"]["deleted"] == 2
    with _op(engine) as s:
        actions = set(s.exec(select(AuditEvent.action).where(AuditEvent.org_id == org)).all())
    assert {"retention.hold_set", "retention.hold_released"} <= actions


def test_a_hold_on_one_person_holds_only_their_rows(world):
    engine, owner, org, member, ids = world
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    with context(engine, dpo, org, clock=FixedClock(noon(TODAY))) as ctx:
        holds_service.set_hold(ctx, reason="Litigation hold L-2", user_id=member.id,
                               expires_on=TODAY + timedelta(days=90))
    with _op(engine) as s:
        tables = run(s, today=TODAY).as_dict()["tables"]
    assert tables["security_event"] == {"deleted": 0, "pseudonymised": 0, "held": 2}  # the member's sign-ins
    assert tables["assistant_interaction"]["deleted"] == 2  # the owner's questions are not held


def _block_delete(engine, table: str, row_id) -> None:  # noqa: ANN001
    """A trigger that makes deleting one row fail (a real database error, on both databases)."""
    hexid = row_id.hex if engine.dialect.name == "sqlite" else str(row_id)
    with owner_engine(engine).begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(f"CREATE TRIGGER block_{table} BEFORE DELETE ON {table} WHEN old.id = '{hexid}' "
                              "BEGIN SELECT RAISE(ABORT, 'blocked by test'); END"))
        else:
            conn.execute(text(f"CREATE FUNCTION block_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                              f"IF old.id = '{hexid}' THEN RAISE EXCEPTION 'blocked by test'; END IF; "
                              "RETURN old; END $$"))
            conn.execute(text(f"CREATE TRIGGER block_{table} BEFORE DELETE ON {table} FOR EACH ROW "
                              f"EXECUTE FUNCTION block_{table}()"))


def test_a_failing_batch_is_rolled_back_whole_and_raises_an_alert(engine):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    with _op(engine) as s:
        rows = [ai(s, org, owner.id, TODAY - timedelta(days=400 + n), f"old{n}") for n in range(5)]
    rows.sort()  # the engine deletes in id order: batches of 2 are rows[0:2], rows[2:4], rows[4:5]
    _block_delete(engine, "assistant_interaction", rows[2])
    with _op(engine) as s:
        result = run(s, today=TODAY, batch_size=2)
    assert result.status == "failed"
    assert result.as_dict()["tables"]["assistant_interaction"]["deleted"] == 3
    (err,) = result.errors
    assert err["rule"] == "assistant_interaction" and err["batch"] == "2" and "blocked by test" in err["error"]
    # the failed batch kept both its rows (nothing half-committed); the other batches went
    assert _present(engine, AssistantInteraction, rows) == {rows[2], rows[3]}
    with _op(engine) as s:
        logged = s.get(RetentionRun, result.run_id)
        assert logged.status == "failed" and logged.errors == result.errors
        alert = s.exec(select(AuditEvent).where(AuditEvent.action == "retention.alert")).one()
        assert alert.entity_id == str(result.run_id) and alert.after["errors"] == 1
        assert audit.verify(s).ok


def test_the_dpo_view_previews_the_organization_and_lists_upcoming_deletions(world):
    from core.errors import PermissionDenied
    from core.retention import service

    engine, owner, org, member, ids = world
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    other = make_user(engine, name="Elsewhere")
    other_org = make_org(engine, other, name_en="Elsewhere Co")
    with _op(engine) as s:
        ai(s, other_org, other.id, TODAY - timedelta(days=500), "not ours")
    with context(engine, dpo, org, clock=FixedClock(noon(TODAY))) as ctx, _op(engine) as s:
        ov = service.overview(ctx, s)
    assert ov.preview.tables["assistant_interaction"].deleted == 2  # the other organization's row is not counted
    assert ov.preview.tables["security_event"].deleted == 2  # its members' sign-ins
    assert ov.preview.run_id is None  # a preview writes nothing
    assert (TODAY + timedelta(days=1), "assistant_interaction", 1) in ov.upcoming  # the 364-day question
    assert (TODAY + timedelta(days=1), "security_event", 1) in ov.upcoming
    assert (TODAY + timedelta(days=1), "audit_event", 1) in ov.upcoming
    with context(engine, member, org, clock=FixedClock(noon(TODAY))) as ctx, _op(engine) as s, \
            pytest.raises(PermissionDenied):
        service.overview(ctx, s)
