"""Four-eyes approval: on by default, the person who submitted a period cannot approve it; the owner may switch it
off (permission-checked, audited)."""
import pytest
from sqlmodel import select

from core.approval import set_four_eyes_approval
from core.errors import ConcurrentChange, DomainError, PermissionDenied
from core.i18n import t
from core.organizations import get_organization
from core.reporting import (
    ProcessData,
    add_process,
    approve_period,
    get_period,
    request_changes,
    start_review,
    submit_period,
)
from db.models import AuditEvent
from tests.factories import add_member, context, make_org, make_period, make_user, second_owner

P1 = ProcessData(code="P1", name="BOF", goods_category="Crude steel", route="Basic oxygen steelmaking",
                 cn_code="72071114", activity_level=1000,
                 direct_emissions=1800)


def _period(engine, owner, org):
    period = make_period(engine, owner, org)
    with context(engine, owner, org) as ctx:
        add_process(ctx, period_id=period.id, data=P1)
    return period


def _submit(engine, person, org, period_id):
    with context(engine, person, org) as ctx:
        return submit_period(ctx, period_id=period_id, expected_version=get_period(ctx, period_id=period_id).version)


def _approve(engine, person, org, period_id):
    with context(engine, person, org) as ctx:
        return approve_period(ctx, period_id=period_id, expected_version=get_period(ctx, period_id=period_id).version)


def test_on_by_default_self_approval_refused_and_another_owner_approves(engine):
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    other = second_owner(engine, owner, org)
    with context(engine, owner, org) as ctx:
        assert get_organization(ctx).four_eyes_approval is True
    period = _period(engine, owner, org)
    p = _submit(engine, owner, org, period.id)
    assert p.submitted_by == owner.id
    with pytest.raises(DomainError) as exc:
        _approve(engine, owner, org, period.id)
    assert exc.value.key == "approval.error_four_eyes"
    with context(engine, owner, org) as ctx:
        assert get_period(ctx, period_id=period.id).status == "submitted"
    assert _approve(engine, other, org, period.id).status == "approved"


def test_the_submitter_is_who_handed_it_in_last(engine):
    """A reviewer taking the period into review does not make the submitter someone else; a resubmission does."""
    owner, editor, consultant = make_user(engine), make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    add_member(engine, owner, org, editor, "editor")
    add_member(engine, owner, org, consultant, "consultant")
    other = second_owner(engine, owner, org)
    period = _period(engine, owner, org)
    p = _submit(engine, editor, org, period.id)
    with context(engine, consultant, org) as ctx:
        p = start_review(ctx, period_id=period.id, expected_version=p.version)
        request_changes(ctx, period_id=period.id, expected_version=p.version)
    assert _submit(engine, owner, org, period.id).submitted_by == owner.id
    with pytest.raises(DomainError) as exc:
        _approve(engine, owner, org, period.id)
    assert exc.value.key == "approval.error_four_eyes"
    assert _approve(engine, other, org, period.id).status == "approved"


def test_an_only_member_is_told_to_invite_a_reviewer_on_the_members_page(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    period = _period(engine, owner, org)
    _submit(engine, owner, org, period.id)
    with pytest.raises(DomainError) as exc:
        _approve(engine, owner, org, period.id)
    assert exc.value.key == "approval.error_four_eyes_alone"
    for lang in ("en", "zh"):
        assert t("page.members", lang) in t(exc.value.key, lang)


def test_an_owner_with_no_second_approver_is_told_how_to_get_one(engine):
    owner, editor = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    add_member(engine, owner, org, editor, "editor")
    period = _period(engine, owner, org)
    _submit(engine, owner, org, period.id)
    with pytest.raises(DomainError) as exc:
        _approve(engine, owner, org, period.id)
    assert exc.value.key == "approval.error_four_eyes_no_approver"
    assert t("page.members", "en") in t(exc.value.key, "en")


def test_setting_off_allows_self_approval_and_only_the_owner_switches_it_audited(engine):
    owner, editor = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    add_member(engine, owner, org, editor, "editor")
    with context(engine, editor, org) as ctx, pytest.raises(PermissionDenied):
        set_four_eyes_approval(ctx, enabled=False, expected_version=get_organization(ctx).version)
    with context(engine, owner, org) as ctx:
        version = get_organization(ctx).version
        org_row = set_four_eyes_approval(ctx, enabled=False, expected_version=version)
        assert org_row.four_eyes_approval is False
    with context(engine, owner, org) as ctx, pytest.raises(ConcurrentChange):
        set_four_eyes_approval(ctx, enabled=True, expected_version=version)  # stale: refused
    with context(engine, owner, org) as ctx:
        (event,) = ctx.session.exec(select(AuditEvent).where(
            AuditEvent.org_id == org, AuditEvent.action == "organization.four_eyes_changed")).all()
    assert event.actor_id == owner.id
    assert (event.before["four_eyes_approval"], event.after["four_eyes_approval"]) == (True, False)
    period = _period(engine, owner, org)
    _submit(engine, owner, org, period.id)
    assert _approve(engine, owner, org, period.id).status == "approved"


def test_demo_seed_signs_off_by_two_people_and_holds_no_blocking_findings(engine):
    """The demo's approved period was submitted by the editor and approved by the owner; neither demo period has
    a blocking finding, so the draft can be submitted as the demo invites."""
    from core.clock import SystemClock
    from core.demo import seed_demo
    from core.demo.seed import DEMO_USERS
    from core.identity import LOCAL_ISSUER, resolve_login
    from core.organizations import memberships_of
    from core.reporting import list_periods
    from core.reporting.quality import period_findings
    from db.session import Scope, scoped_session

    assert seed_demo(engine, policy_version="1.0")
    people = {}
    for demo in DEMO_USERS[:2]:  # the owner and the editor, found as the local login finds them
        with scoped_session(Scope(), engine) as s:
            people[demo.role] = resolve_login(s, issuer=LOCAL_ISSUER, subject=demo.subject, email=demo.email,
                                              name=demo.name, clock=SystemClock())
    owner, editor = people["owner"], people["editor"]
    with scoped_session(Scope(user_id=owner.id, email=owner.email, issuer=owner.issuer, subject=owner.subject),
                        engine) as s:
        orgs = {org.name_en: org.id for org, _role in memberships_of(s, owner)}
    statuses = {}
    for name, org in orgs.items():
        with context(engine, owner, org) as ctx:
            assert ctx.role == "owner"
            for period in list_periods(ctx):
                statuses[name] = period.status
                assert [f.rule for f in period_findings(ctx, period_id=period.id) if f.severity == "blocking"] == []
                if period.status == "approved":
                    assert period.submitted_by == editor.id and period.status_changed_by == owner.id
    assert statuses == {"Demo Steel Co., Ltd.": "draft", "Demo Aluminium Co., Ltd.": "approved"}
