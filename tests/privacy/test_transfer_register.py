"""The cross-border transfer register: distinct people per calendar year against the PIPL thresholds (CAC
Provisions 2024 Art 5, 7, 8), the crossing day and the standard contract's 10-working-day filing deadline (weekends
skipped; Chinese public holidays not modelled), the log kept per tenant on PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import ProgrammingError

from core.clock import FixedClock
from core.errors import PermissionDenied
from core.privacy.registers import transfers as tr
from db.processor_models import DataTransfer
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import owner_engine


@pytest.mark.parametrize(("people", "sensitive", "expected"), [
    (0, 0, tr.EXEMPT),
    (99_999, 0, tr.EXEMPT),
    (100_000, 0, tr.CONTRACT),         # "10万人以上" includes 100,000
    (999_999, 0, tr.CONTRACT),         # "不满100万人"
    (1_000_000, 0, tr.ASSESSMENT),     # "100万人以上" includes 1,000,000
    (1_000_001, 0, tr.ASSESSMENT),
    (5, 1, tr.CONTRACT),               # any sensitive personal information: no exemption
    (5, 9_999, tr.CONTRACT),           # "不满1万人敏感个人信息"
    (5, 10_000, tr.ASSESSMENT),        # "1万人以上敏感个人信息"
    (99_999, 9_999, tr.CONTRACT),
])
def test_the_band_of_each_threshold(people, sensitive, expected):
    assert tr.band(people, sensitive) == expected


@pytest.mark.parametrize(("start", "deadline"), [
    (date(2026, 3, 2), date(2026, 3, 16)),   # Monday → Monday two weeks on
    (date(2026, 3, 6), date(2026, 3, 20)),   # Friday → Friday two weeks on
    (date(2026, 3, 7), date(2026, 3, 20)),   # Saturday: the first working day counted is Monday 9 March
    (date(2026, 3, 8), date(2026, 3, 20)),   # Sunday likewise
    (date(2026, 12, 24), date(2027, 1, 7)),  # over the year's end
])
def test_ten_working_days_skip_weekends(start, deadline):
    got = tr.add_working_days(start, tr.FILING_WORKING_DAYS)
    assert got == deadline
    days = [start + timedelta(days=i) for i in range(1, (got - start).days + 1)]
    assert sum(d.weekday() < 5 for d in days) == 10 and got.weekday() < 5


def test_crossing_days_and_deadlines_at_each_threshold():
    # person n (1-based) first transferred on day n // 100_000 after 1 January: the 100,000th person on 2 January
    start = date(2026, 1, 1)
    firsts = [start + timedelta(days=n // 100_000) for n in range(1, 1_000_002)]
    (c100k, c1m) = tr.crossings(firsts[:1_000_000], [])
    assert (c100k.threshold, c100k.crossed_on, c100k.band) == ("people_100k", date(2026, 1, 2), tr.CONTRACT)
    assert c100k.deadline == date(2026, 1, 16)  # Friday 2 January + 10 working days
    assert (c1m.threshold, c1m.crossed_on, c1m.band, c1m.deadline) == ("people_1m", date(2026, 1, 11),
                                                                       tr.ASSESSMENT, None)
    assert [c.threshold for c in tr.crossings(firsts[:999_999], [])] == ["people_100k"]
    assert [c.threshold for c in tr.crossings(firsts[:99_999], [])] == []
    assert [c.threshold for c in tr.crossings(firsts[:100_000], [])] == ["people_100k"]
    sens = [date(2026, 2, 2)] * 9_999
    assert [c.threshold for c in tr.crossings([], sens)] == ["sensitive_1"]
    (s1, s10k) = tr.crossings([], [*sens, date(2026, 2, 9)])
    assert s1.deadline == date(2026, 2, 16) and (s10k.crossed_on, s10k.band) == (date(2026, 2, 9), tr.ASSESSMENT)


def _bulk(engine, org, n, *, day, sensitive=False, offset=0):  # noqa: ANN001
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=4)
    rows = [{"id": uuid.uuid4(), "org_id": org, "user_id": None, "person_digest": f"p{offset + i:09d}",
             "recipient": "example-model", "processor_key": None, "channel": "assistant", "sensitive": sensitive,
             "at": at, "transferred_on": day} for i in range(n)]
    with owner_engine(engine).begin() as conn:
        conn.execute(insert(DataTransfer.__table__), rows)


def test_the_register_counts_distinct_people_this_year_from_the_log(sqlite_engine):
    engine = sqlite_engine
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    _bulk(engine, org, 5, day=date(2025, 12, 31), offset=500_000)   # last year: not counted
    _bulk(engine, org, 99_998, day=date(2026, 2, 2))
    _bulk(engine, org, 1_000, day=date(2026, 2, 3))                  # the same people again: counted once
    with scoped_session(Scope(), engine) as s:
        person = make_user(engine, name="Asker")
        tr.record_transfer(s, org_id=org, user_id=person.id, recipient="example-model",
                           at=datetime(2026, 3, 5, 20, 0, tzinfo=UTC))  # 6 March in China Standard Time
        s.commit()
        r = tr.transfer_register(s, today=date(2026, 3, 9))
    assert (r.year, r.people, r.sensitive_people, r.band, r.crossings, r.deadline) == (
        2026, 99_999, 0, tr.EXEMPT, [], None)
    with scoped_session(Scope(), engine) as s:
        tr.record_transfer(s, org_id=org, user_id=person.id, recipient="example-model",  # again: still one person
                           at=datetime(2026, 3, 9, 1, 0, tzinfo=UTC))
        s.commit()
        assert tr.transfer_register(s, today=date(2026, 3, 9)).people == 99_999
    _bulk(engine, org, 1, day=date(2026, 3, 6), offset=900_000)      # the 100,000th person, on Friday 6 March
    with scoped_session(Scope(), engine) as s:
        r = tr.transfer_register(s, today=date(2026, 3, 9))
        assert tr.transfer_register(s, today=date(2026, 3, 9), year=2025).people == 5
    assert (r.people, r.band) == (100_000, tr.CONTRACT)
    (c,) = r.crossings
    assert (c.crossed_on, c.deadline, r.deadline) == (date(2026, 3, 6), date(2026, 3, 20), date(2026, 3, 20))
    assert r.by_recipient == {"example-model": 100_000}
    assert r.as_dict()["deadline"] == "2026-03-20"
    _bulk(engine, org, 9_999, day=date(2026, 3, 10), sensitive=True, offset=700_000)
    with scoped_session(Scope(), engine) as s:
        r = tr.transfer_register(s, today=date(2026, 3, 10))
    assert (r.people, r.sensitive_people, r.band) == (109_999, 9_999, tr.CONTRACT)
    _bulk(engine, org, 1, day=date(2026, 3, 11), sensitive=True, offset=800_000)
    with scoped_session(Scope(), engine) as s:
        r = tr.transfer_register(s, today=date(2026, 3, 11))
    assert (r.sensitive_people, r.band) == (10_000, tr.ASSESSMENT)
    assert [x.threshold for x in r.crossings] == ["people_100k", "sensitive_1", "sensitive_10k"]


def test_the_register_is_the_dpos_and_the_pipo_threshold_is_shown(engine):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    with context(engine, owner, org, clock=clock) as ctx, scoped_session(Scope(), owner_engine(engine)) as op, \
            pytest.raises(PermissionDenied):
        tr.register_for(ctx, op)
    with context(engine, dpo, org, clock=clock) as ctx, scoped_session(Scope(), owner_engine(engine)) as op:
        r = tr.register_for(ctx, op)
    assert r.people == 0 and r.band == tr.EXEMPT and r.processed_people >= 2 and not r.pipo_required


def test_the_log_is_per_organization_and_never_changed_by_the_app(pg_engine):
    engine = pg_engine
    a_owner, b_owner = make_user(engine, name="A"), make_user(engine, name="B")
    a, b = make_org(engine, a_owner), make_org(engine, b_owner)
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with context(engine, a_owner, a) as ctx:
        row = tr.record_transfer(ctx.session, org_id=a, user_id=a_owner.id, recipient="m", at=at)
    with context(engine, b_owner, b) as ctx:
        assert ctx.session.get(DataTransfer, row.id) is None  # another tenant's row is invisible
        with pytest.raises(ProgrammingError):  # and cannot be written into another organization
            with ctx.session.begin_nested():
                tr.record_transfer(ctx.session, org_id=a, user_id=b_owner.id, recipient="m", at=at)
    with context(engine, a_owner, a) as ctx:
        with pytest.raises(ProgrammingError, match="permission denied"):
            with ctx.session.begin_nested():
                ctx.session.execute(text("UPDATE data_transfer SET recipient = 'x'"))
        with pytest.raises(ProgrammingError, match="permission denied"):
            with ctx.session.begin_nested():
                ctx.session.execute(text("DELETE FROM data_transfer"))
