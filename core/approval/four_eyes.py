"""Four-eyes approval: an organization setting (on by default) that whoever submitted a reporting period cannot
approve it. Only the owner may switch it; the switch is audited."""
from __future__ import annotations

from sqlmodel import func, select

from core.access import ROLES, Permission, can
from core.context import Context
from core.errors import DomainError, NotFound
from core.records import versioned_update
from db.models import Membership, Organization
from db.reporting_models import ReportingPeriod

# the roles that may approve: a second person in one of them is what four-eyes approval needs
APPROVER_ROLES = tuple(role.value for role in ROLES if can(role, Permission.PERIOD_APPROVE))


def _organization(ctx: Context) -> Organization:
    org = ctx.session.get(Organization, ctx.tenant)
    if org is None:
        raise NotFound("organization", ctx.tenant)
    return org


def set_four_eyes_approval(ctx: Context, *, enabled: bool, expected_version: int) -> Organization:
    """Switch four-eyes approval on or off for the acting organization."""
    ctx.require(Permission.ORG_EDIT)
    org = _organization(ctx)
    return versioned_update(ctx, org, expected_version, {"four_eyes_approval": bool(enabled)},
                            action="organization.four_eyes_changed")


def check_four_eyes(ctx: Context, period: ReportingPeriod) -> None:
    """Refuse the approval when four-eyes approval is on and the acting person submitted the period. When nobody
    else could approve it, say how to get a second person in (the Members page)."""
    if period.submitted_by is None or period.submitted_by != ctx.user.id:
        return
    if not _organization(ctx).four_eyes_approval:
        return
    others = ctx.session.exec(select(func.count()).select_from(Membership).where(
        Membership.org_id == ctx.tenant, Membership.status == "active", Membership.role.in_(APPROVER_ROLES),
        Membership.user_id != ctx.user.id)).one()
    members = ctx.session.exec(select(func.count()).select_from(Membership).where(
        Membership.org_id == ctx.tenant, Membership.status == "active", Membership.user_id != ctx.user.id)).one()
    if others:
        raise DomainError("approval.error_four_eyes", approvers=others)
    raise DomainError("approval.error_four_eyes_alone" if not members else "approval.error_four_eyes_no_approver")
