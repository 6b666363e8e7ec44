"""Policy versions: the notice periods of the platform privacy policy (§12: 15 days; §11: 30 days for pricing or
data-policy changes) checked against a frozen clock, the old version served until the new one's effective instant,
and acceptance asked again only where the purposes change."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.clock import FixedClock
from core.consent import policies as pol
from core.errors import DomainError, PermissionDenied
from core.identity import complete_onboarding, needs_onboarding
from db.models import AuditEvent
from db.session import Scope, scoped_session
from tests.consent.helpers import T0, as_dpo, make_dpo, reviewed
from tests.factories import context, make_user
from tests.privacy.golden import owner_engine

BASELINE = "1.0"


@pytest.mark.parametrize(("kind", "days"), [(pol.PRIVACY_POLICY, 15), (pol.TERMS, 15), (pol.PRICING, 30),
                                            (pol.DATA_POLICY, 30)])
def test_notice_period_refuses_one_day_short_and_accepts_the_full_period(sqlite_engine, kind, days):
    _, org, dpo = make_dpo(sqlite_engine)
    vid = reviewed(sqlite_engine, dpo, org, kind=kind)
    with as_dpo(sqlite_engine, dpo, org) as (ctx, op), pytest.raises(DomainError) as refused:
        pol.schedule(ctx, op, vid, T0 + timedelta(days=days - 1))
    assert refused.value.key == "consent.error.notice_too_short" and refused.value.params["days"] == days
    with as_dpo(sqlite_engine, dpo, org) as (ctx, op), pytest.raises(DomainError):  # one second short
        pol.schedule(ctx, op, vid, T0 + timedelta(days=days, seconds=-1))
    with as_dpo(sqlite_engine, dpo, org) as (ctx, op):
        v = pol.schedule(ctx, op, vid, T0 + timedelta(days=days)).version
        assert v.status == pol.SCHEDULED and v.notice_at == T0


def test_notice_periods_name_the_policy():
    assert pol.NOTICE_DAYS == {"privacy_policy": 15, "terms": 15, "pricing": 30, "data_policy": 30}


def test_the_old_version_is_served_until_the_effective_instant(engine):
    _, org, dpo = make_dpo(engine)
    first = reviewed(engine, dpo, org, label="1.1")
    with as_dpo(engine, dpo, org) as (ctx, op):
        pol.schedule(ctx, op, first, T0 + timedelta(days=15))
    second = reviewed(engine, dpo, org, label="1.2", at=T0 + timedelta(days=1))
    effective = T0 + timedelta(days=40)
    with as_dpo(engine, dpo, org, T0 + timedelta(days=1)) as (ctx, op):
        pol.schedule(ctx, op, second, effective)
    person = make_user(engine)
    # read as the app role, scoped to a person: scheduled versions are visible to everyone
    with scoped_session(Scope(user_id=person.id), engine) as s:
        assert pol.current_policy(s, pol.PRIVACY_POLICY, T0) is None  # the shipped baseline
        assert pol.policy_notice(s, T0, BASELINE).label == BASELINE
        assert pol.current_policy(s, pol.PRIVACY_POLICY, T0 + timedelta(days=15)).label == "1.1"
        assert pol.current_policy(s, pol.PRIVACY_POLICY, effective - timedelta(microseconds=1)).label == "1.1"
        assert pol.upcoming_policy(s, pol.PRIVACY_POLICY, effective - timedelta(microseconds=1)).label == "1.2"
        assert pol.current_policy(s, pol.PRIVACY_POLICY, effective).label == "1.2"
        assert pol.policy_notice(s, effective, BASELINE).text("en") == "Policy 1.2 full text"
        assert pol.status_at(pol.current_policy(s, pol.PRIVACY_POLICY, effective), effective) == pol.PUBLISHED
        assert pol.current_policy(s, pol.PRICING, effective) is None  # kinds do not mix


def test_a_new_version_must_come_after_the_last_one_scheduled(sqlite_engine):
    _, org, dpo = make_dpo(sqlite_engine)
    first = reviewed(sqlite_engine, dpo, org, label="1.1")
    with as_dpo(sqlite_engine, dpo, org) as (ctx, op):
        pol.schedule(ctx, op, first, T0 + timedelta(days=20))
    second = reviewed(sqlite_engine, dpo, org, label="1.2")
    with as_dpo(sqlite_engine, dpo, org) as (ctx, op), pytest.raises(DomainError) as refused:
        pol.schedule(ctx, op, second, T0 + timedelta(days=20))
    assert refused.value.key == "consent.error.not_after_previous"


def test_reacceptance_is_asked_only_where_purposes_change(engine):
    _, org, dpo = make_dpo(engine)
    person = make_user(engine)  # accepted the shipped 1.0 at onboarding
    same = reviewed(engine, dpo, org, label="1.1")  # same purposes, clearer wording
    e1 = T0 + timedelta(days=15)
    with as_dpo(engine, dpo, org) as (ctx, op):
        assert pol.schedule(ctx, op, same, e1).version.changed_purposes is False
    changed = reviewed(engine, dpo, org, label="2.0", purposes=(*pol.BASELINE_PURPOSES, "analytics"))
    e2 = T0 + timedelta(days=30)
    with as_dpo(engine, dpo, org) as (ctx, op):
        assert pol.schedule(ctx, op, changed, e2).version.changed_purposes is True

    def needs(at):  # noqa: ANN001, ANN202
        with scoped_session(Scope(user_id=person.id), engine) as s:
            return needs_onboarding(s, s.get(type(person), person.id), BASELINE, at=at)

    assert needs(e1) is False  # 1.1 keeps the purposes: accepting 1.0 still counts
    assert needs(e2 - timedelta(microseconds=1)) is False  # 2.0 announced, not yet in force
    assert needs(e2) is True  # from its effective instant on, 2.0 is accepted again
    with scoped_session(Scope(user_id=person.id), engine) as s:
        notice = pol.policy_notice(s, e2, BASELINE)
        assert notice.label == "2.0"
        complete_onboarding(s, s.get(type(person), person.id), adult=True, accept_policy=True,
                            policy_version=notice.label, notice_version=notice.notice_version, clock=FixedClock(e2))
    assert needs(e2) is False


def test_a_person_who_joined_under_a_later_version_is_not_asked_again_without_a_purpose_change(sqlite_engine):
    _, org, dpo = make_dpo(sqlite_engine)
    vid = reviewed(sqlite_engine, dpo, org, label="1.1")
    e1 = T0 + timedelta(days=15)
    with as_dpo(sqlite_engine, dpo, org) as (ctx, op):
        pol.schedule(ctx, op, vid, e1)
    newcomer = make_user(sqlite_engine, onboard=False)
    with scoped_session(Scope(user_id=newcomer.id), sqlite_engine) as s:
        user = s.get(type(newcomer), newcomer.id)
        assert needs_onboarding(s, user, BASELINE, at=e1)
        complete_onboarding(s, user, adult=True, accept_policy=True, policy_version="1.1", clock=FixedClock(e1))
        assert not needs_onboarding(s, user, BASELINE, at=e1)
        assert not needs_onboarding(s, user, BASELINE, at=e1 + timedelta(days=400))


def test_only_the_dpo_drafts_reviews_and_schedules_and_each_step_is_audited(engine):
    owner, org, dpo = make_dpo(engine)
    with as_dpo(engine, owner, org) as (ctx, op), pytest.raises(PermissionDenied):
        pol.create_draft(ctx, op, pol.PolicyDraft(label="9.9", text_zh="文", text_en="text",
                                                  purposes=["service"]))
    vid = reviewed(engine, dpo, org)
    with as_dpo(engine, dpo, org) as (ctx, op), pytest.raises(DomainError) as refused:
        pol.submit_for_review(ctx, op, vid)  # already in review
    assert refused.value.key == "consent.error.wrong_status"
    with as_dpo(engine, dpo, org) as (ctx, op):
        pol.return_to_draft(ctx, op, vid)
        pol.submit_for_review(ctx, op, vid)
        pol.schedule(ctx, op, vid, T0 + timedelta(days=15))
        assert [v.label for v in pol.list_versions(ctx, op)] == ["1.1"]
    with as_dpo(engine, owner, org) as (ctx, op), pytest.raises(PermissionDenied):
        pol.list_versions(ctx, op)
    with scoped_session(Scope(), owner_engine(engine)) as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.entity_id == str(vid))
                         .order_by(AuditEvent.seq)).all()
    assert actions == ["policy.drafted", "policy.submitted_for_review", "policy.returned_to_draft",
                       "policy.submitted_for_review", "policy.scheduled"]


def test_drafts_are_invisible_to_the_app_role_on_postgres(pg_engine):
    _, org, dpo = make_dpo(pg_engine)
    reviewed(pg_engine, dpo, org, label="1.1")
    with context(pg_engine, dpo, org) as ctx:
        from db.consent_models import PolicyVersion

        assert ctx.session.exec(select(PolicyVersion)).all() == []  # in review: the operator's only
    with as_dpo(pg_engine, dpo, org) as (ctx, op):
        (v,) = pol.list_versions(ctx, op)
        pol.schedule(ctx, op, v.id, T0 + timedelta(days=15))
    with context(pg_engine, dpo, org) as ctx:
        assert [v.label for v in ctx.session.exec(select(PolicyVersion)).all()] == ["1.1"]


def test_a_draft_is_validated(sqlite_engine):
    from core.errors import ValidationFailed

    _, org, dpo = make_dpo(sqlite_engine)
    with as_dpo(sqlite_engine, dpo, org) as (ctx, op), pytest.raises(ValidationFailed) as refused:
        pol.create_draft(ctx, op, pol.PolicyDraft(label="1.0", text_zh="", text_en="x", purposes=["nope"]))
    assert set(refused.value.errors) == {"label", "text_zh", "purposes"}  # 1.0 is the shipped baseline's label


def test_a_customer_organizations_dpo_cannot_draft_the_platforms_policy(engine):
    """Policy versions are the platform operator's: a DPO of another organization is refused."""
    from core.errors import DomainError as _DomainError
    from tests.consent.helpers import as_dpo, make_dpo
    from tests.factories import add_member as _add
    from tests.factories import make_org as _org
    from tests.factories import make_user as _user

    make_dpo(engine)  # the operator's organization
    owner = _user(engine, name="Customer Owner")
    org = _org(engine, owner, name_en="Customer Steel")
    dpo = _user(engine, name="Customer Officer")
    _add(engine, owner, org, dpo, "dpo")
    with as_dpo(engine, dpo, org) as (ctx, op), pytest.raises(_DomainError) as e:
        pol.create_draft(ctx, op, pol.PolicyDraft(kind=pol.PRIVACY_POLICY, label="9.9", text_zh="x", text_en="x"))
    assert e.value.key == "privacy.error.not_operator"
