"""In-app notifications: computed from the workflow state each time (nothing stored, nothing to mark read), so
they disappear as soon as the work is done."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from core.access import Permission, can
from core.context import Context
from db.models import Installation, Membership, Organization, User
from db.reporting_models import ReportingPeriod, ReviewComment

# the workflow's states (core.reporting.common), spelled here: reporting imports this package for its e-mails
_AWAITING_REVIEW = ("submitted", "in_review")
_CHANGES_REQUESTED = "changes_requested"
_DRAFT = "draft"
_APPROVED = "approved"


@dataclass(frozen=True)
class Notification:
    """One line on Home: a message key with its parameters, and the page where the work is done."""

    key: str
    params: dict = field(default_factory=dict)
    page: str | None = None


def notifications_for(ctx: Context) -> list[Notification]:
    """What waits for the acting person in the acting organization, by what their role may do."""
    out: list[Notification] = []
    if can(ctx.role, Permission.PRIVACY_MANAGE):  # the data protection officer: the privacy work
        out += _privacy_work(ctx)
    if not can(ctx.role, Permission.DATA_VIEW):  # e.g. the data protection officer: no workflow to follow
        return out
    me = ctx.user.id
    if can(ctx.role, Permission.PERIOD_APPROVE) or can(ctx.role, Permission.PERIOD_REVIEW):
        # periods someone else handed in (one's own cannot be approved under four-eyes approval)
        waiting = ctx.session.exec(select(func.count()).select_from(ReportingPeriod).where(
            ReportingPeriod.org_id == ctx.tenant, ReportingPeriod.status.in_(_AWAITING_REVIEW),
            (ReportingPeriod.submitted_by.is_(None)) | (ReportingPeriod.submitted_by != me))).one()
        if waiting:
            out.append(Notification("notifications.awaiting_review", {"count": waiting}, "reporting"))
    if can(ctx.role, Permission.PERIOD_SUBMIT):
        # editors hear of every period sent back; someone who also approves (an owner), of their own only
        mine = (True if not can(ctx.role, Permission.PERIOD_APPROVE)
                else (ReportingPeriod.submitted_by == me) | (ReportingPeriod.status_changed_by == me))
        rows = ctx.session.exec(select(ReportingPeriod, Installation.name).join(
            Installation, Installation.id == ReportingPeriod.installation_id).where(
            ReportingPeriod.org_id == ctx.tenant, mine,
            (ReportingPeriod.status == _CHANGES_REQUESTED)
            | ((ReportingPeriod.status == _DRAFT) & (ReportingPeriod.version_no > 1)
               & (ReportingPeriod.submitted_by.is_(None))))
            .order_by(ReportingPeriod.year, Installation.name)).all()
        for period, installation in rows:
            key = ("notifications.changes_requested" if period.status == _CHANGES_REQUESTED
                   else "notifications.reopened")
            out.append(Notification(key, {"installation": installation, "year": period.year,
                                          "version": period.version_no}, "reporting"))
    # open review comments on the periods the person handed in: addressed to them in all but name
    open_comments = ctx.session.exec(select(func.count()).select_from(ReviewComment).join(
        ReportingPeriod, ReportingPeriod.id == ReviewComment.period_id).where(
        ReviewComment.org_id == ctx.tenant, ReviewComment.resolved.is_(False),
        ReportingPeriod.submitted_by == me, ReportingPeriod.status != _APPROVED)).one()
    if open_comments:
        out.append(Notification("notifications.open_comments", {"count": open_comments}, "reporting"))
    if can(ctx.role, Permission.DATA_EDIT) and not can(ctx.role, Permission.PERIOD_APPROVE):
        out += _blocking_in_drafts(ctx)  # an editor: what stops their drafts from being handed in
    return out


def _blocking_in_drafts(ctx: Context) -> list[Notification]:
    """The blocking data-quality findings of each editable period (the same findings the Reporting page lists)."""
    from core.quality.rules import BLOCKING
    from core.reporting.quality import findings_of_period

    out = []
    rows = ctx.session.exec(select(ReportingPeriod, Installation.name).join(
        Installation, Installation.id == ReportingPeriod.installation_id).where(
        ReportingPeriod.org_id == ctx.tenant, ReportingPeriod.status.in_((_DRAFT, _CHANGES_REQUESTED)))
        .order_by(ReportingPeriod.year, Installation.name)).all()
    for period, installation in rows:
        blocking = sum(1 for f in findings_of_period(ctx, period, with_evidence=False) if f.severity == BLOCKING)
        if blocking:
            out.append(Notification("notifications.blocking_findings", {"count": blocking, "installation": installation,
                                                                        "year": period.year}, "reporting"))
    return out


def _privacy_work(ctx: Context) -> list[Notification]:
    """Open rights requests in the organization's queue, and those due within five days or overdue."""
    from core.privacy import requests

    rows = requests.list_requests(ctx)
    today = requests.local_day(ctx.clock.now())
    open_ = [r for r in rows if r.status in requests.OPEN]
    out = []
    if open_:
        out.append(Notification("notifications.privacy_open", {"count": len(open_)}, "privacy_center"))
    overdue = sum(1 for r in open_ if requests.days_left(r, today) < 0)
    soon = sum(1 for r in open_ if 0 <= requests.days_left(r, today) < requests.RED_BELOW)
    if overdue:
        out.append(Notification("notifications.privacy_overdue", {"count": overdue}, "privacy_center"))
    if soon:
        out.append(Notification("notifications.privacy_due_soon", {"count": soon, "days": requests.RED_BELOW},
                                "privacy_center"))
    return out


def invitation_notifications(session: Session, user: User) -> list[Notification]:
    """Open invitations to the person's (verified) address; accepting takes the link from the e-mail."""
    if not user.email:
        return []
    rows = session.exec(select(Organization, Membership.role).join(Membership, Membership.org_id == Organization.id)
                        .where(Membership.invited_email == user.email.lower(), Membership.status == "invited",
                               Membership.user_id.is_(None))).all()
    return [Notification("notifications.invited", {"org_zh": org.name_zh or org.name_en,
                                                   "org_en": org.name_en or org.name_zh, "role": role})
            for org, role in rows]
