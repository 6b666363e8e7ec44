"""The 18+ flow: a member reported as possibly under 18 (the platform is not for them: privacy policy §10, "if we
become aware that we have collected data from a person under 18, we will take steps to delete such information
promptly"; PIPL Art 31 for under-14s; GDPR Art 8).

1. report: the DPO of an organization reports one of its members; the account is suspended at once
   (`app_user.suspended_at`: every permission is refused, `Context.require`; the app shows only a notice);
2. verification: the DPO asks the person to prove their age and records the outcome:
   - an adult: the suspension is lifted (unless another report is still open);
   - a minor: the person is erased through `core.privacy.erasure.erase` (receipt, ledger, pseudonymised log);
3. no answer within ANSWER_DAYS: `expire_unanswered` (run daily, `cbam privacy minors-expire`) erases them.

Every step is audited in the organization's chain. The steps run on the operator session: suspending writes
another person's account row and erasure rewrites the logs, neither of which the app role may do; so the
organization is checked here (a report, and the person reported, belong to the DPO's organization).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from core import audit
from core.access import Permission
from core.clock import FixedClock
from core.context import Context
from core.errors import DomainError, NotFound
from core.organizations import role_in
from core.records import get_scoped, insert
from db.access_models import MinorReport
from db.models import Membership, User

# Days the person (or their guardian) has to prove they are 18 or older before the account is erased: the policy
# promises deletion "promptly" (privacy policy §10); two weeks is the platform's reading of that promise.
ANSWER_DAYS = 14
SUSPENDED, ADULT, ERASED = "suspended", "adult", "erased"
STATUSES = (SUSPENDED, ADULT, ERASED)


def dpo_context(session: Session, actor: User, org_id: uuid.UUID, at: datetime) -> Context:
    """The DPO's context on the operator session (the role read fresh; the permission checked by each step)."""
    user = session.get(User, actor.id)
    if user is None:
        raise DomainError("privacy.error.not_dpo")
    return Context(session=session, user=user, org_id=org_id, role=role_in(session, user, org_id),
                   clock=FixedClock(at))


def list_reports(ctx: Context) -> list[MinorReport]:
    ctx.require(Permission.PRIVACY_MANAGE)
    return list(ctx.session.exec(select(MinorReport).where(MinorReport.org_id == ctx.tenant)
                                 .order_by(MinorReport.reported_at.desc())))


def reportable_members(ctx: Context) -> dict[uuid.UUID, str]:
    """The acting organization's active members with an account, but the DPO: account id → "name <e-mail>"."""
    ctx.require(Permission.PRIVACY_MANAGE)
    rows = ctx.session.exec(select(User.id, User.name, User.email).join(Membership, Membership.user_id == User.id)
                            .where(Membership.org_id == ctx.tenant, Membership.status == "active",
                                   User.id != ctx.user.id).order_by(User.name)).all()
    from core.privacy.access_log import record_access

    record_access(ctx, "members", [r[0] for r in rows])
    return {uid: f"{name or email} <{email}>" for uid, name, email in rows}


def _open_report_of(session: Session, user_id: uuid.UUID, org_id: uuid.UUID | None = None) -> MinorReport | None:
    q = select(MinorReport).where(MinorReport.user_id == user_id, MinorReport.status == SUSPENDED)
    if org_id is not None:
        q = q.where(MinorReport.org_id == org_id)
    return session.exec(q).first()


def _set_suspended(ctx: Context, user_id: uuid.UUID, at: datetime | None, action: str) -> None:
    before = ctx.session.exec(select(User.suspended_at).where(User.id == user_id)).first()
    ctx.session.execute(update(User).where(User.id == user_id).values(suspended_at=at))
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action=action, entity="person",
                 entity_id=user_id, before={"suspended_at": before}, after={"suspended_at": at},
                 at=ctx.clock.now())


def report_minor(ctx: Context, *, user_id: uuid.UUID, reason: str) -> MinorReport:
    """Report a member of the acting organization as possibly under 18: the account is suspended at once."""
    ctx.require(Permission.PRIVACY_MANAGE)
    if user_id == ctx.user.id:
        raise DomainError("privacy.minor.error_self")
    member = ctx.session.exec(select(Membership.id).where(
        Membership.org_id == ctx.tenant, Membership.user_id == user_id, Membership.status == "active")).first()
    if member is None:
        raise NotFound("membership", user_id)  # not a member here: another organization's person is not found
    if _open_report_of(ctx.session, user_id, ctx.tenant) is not None:
        raise DomainError("privacy.minor.error_open")
    now = ctx.clock.now()
    report = insert(ctx, MinorReport(user_id=user_id, reason=(reason or "").strip()[:2000], reported_at=now,
                                     answer_due_on=(now + timedelta(days=ANSWER_DAYS)).date(), status=SUSPENDED),
                    action="privacy.minor.reported")
    _set_suspended(ctx, user_id, now, "privacy.minor.suspended")
    return report


def _decide(ctx: Context, report: MinorReport, status: str, action: str) -> MinorReport:
    before = {"status": report.status}
    report.status, report.decided_at = status, ctx.clock.now()
    report.updated_by, report.updated_at, report.version = ctx.user.id, ctx.clock.now(), report.version + 1
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action=action, entity="minorreport",
                 entity_id=report.id, before=before, after={"status": status}, at=ctx.clock.now())
    return report


def _open(ctx: Context, report_id: uuid.UUID) -> MinorReport:
    ctx.require(Permission.PRIVACY_MANAGE)
    report = get_scoped(ctx, MinorReport, report_id)
    if report.status != SUSPENDED:
        raise DomainError("privacy.minor.error_decided")
    return report


def confirm_adult(ctx: Context, report_id: uuid.UUID) -> MinorReport:
    """The person proved they are 18 or older: reinstated (unless another organization's report is open)."""
    report = _open(ctx, report_id)
    _decide(ctx, report, ADULT, "privacy.minor.adult_confirmed")
    if report.user_id is not None and _open_report_of(ctx.session, report.user_id) is None:
        _set_suspended(ctx, report.user_id, None, "privacy.minor.reinstated")
    return report


def confirm_minor(ctx: Context, report_id: uuid.UUID) -> MinorReport:
    """The person is under 18: erased (core.privacy.erasure), the report kept as proof (its person pseudonymised)."""
    report = _open(ctx, report_id)
    return _erase(ctx, report, "privacy.minor.minor_confirmed")


def _erase(ctx: Context, report: MinorReport, action: str) -> MinorReport:
    from core.privacy.erasure import erase

    person = ctx.session.get(User, report.user_id) if report.user_id else None
    _decide(ctx, report, ERASED, action)
    report_id = report.id
    if person is not None and person.email:
        erase(ctx.session, person.email, actor=ctx.user, at=ctx.clock.now())
    return ctx.session.get(MinorReport, report_id)


def expire_unanswered(session: Session, *, at: datetime, actor: User | None = None) -> list[uuid.UUID]:
    """Erase everyone whose report went unanswered past its due day (the operator's daily run)."""
    from core.access import Role
    from core.privacy.erasure import system_actor

    actor = actor or system_actor(session, at)
    due = session.exec(select(MinorReport).where(MinorReport.status == SUSPENDED,
                                                 MinorReport.answer_due_on < at.date())).all()
    done = []
    for report in due:
        ctx = Context(session=session, user=actor, org_id=report.org_id, role=Role.DPO, clock=FixedClock(at))
        report = session.get(MinorReport, report.id)
        if report is None or report.status != SUSPENDED:
            continue
        _erase(ctx, report, "privacy.minor.unanswered")
        done.append(report.id)
    return done


def is_suspended(user: User | None) -> bool:
    return user is not None and user.suspended_at is not None
