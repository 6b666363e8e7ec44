"""E-mails on the review workflow's transitions. Queued in the transaction, sent after it commits (core.mail):
a mail failure never rolls the transition back."""
from __future__ import annotations

import uuid

from sqlmodel import select

from core.access import Permission, Role, can
from core.context import Context
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from core.mail import Delivery, mail_configured, queue_mail
from core.settings import get_settings
from db.models import Installation, Membership, Organization, User
from db.reporting_models import ReportingPeriod

EVENTS = ("submitted", "changes_requested", "approved")
_APPROVERS = tuple(r.value for r in Role if can(r, Permission.PERIOD_APPROVE))


def _language(user: User) -> str:
    return user.language if user.language in LANGUAGES else DEFAULT_LANGUAGE


def _recipients(ctx: Context, period: ReportingPeriod, event: str) -> list[User]:
    if event == "submitted":  # those who may approve it, apart from whoever handed it in
        return list(ctx.session.exec(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.org_id == ctx.tenant, Membership.status == "active", Membership.role.in_(_APPROVERS),
            User.id != ctx.user.id)))
    if period.submitted_by is None or period.submitted_by == ctx.user.id:
        return []
    submitter = ctx.session.exec(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.org_id == ctx.tenant, Membership.status == "active", User.id == period.submitted_by)).first()
    return [submitter] if submitter else []


def notify_period(ctx: Context, period: ReportingPeriod, event: str) -> list[Delivery]:
    """Queue the e-mails a transition causes; [] when SMTP is not configured."""
    if event not in EVENTS:
        raise ValueError(event)
    if not mail_configured():
        return []
    org = ctx.session.get(Organization, ctx.tenant)
    installation = ctx.session.get(Installation, period.installation_id)
    actor = ctx.user.name or ctx.user.email or ""
    link = get_settings().app_url.rstrip("/") + "/"
    deliveries = []
    seen: set[uuid.UUID] = set()
    for user in _recipients(ctx, period, event):
        if not user.email or user.id in seen:
            continue
        seen.add(user.id)
        lang = _language(user)
        org_name = (org.name_en or org.name_zh) if lang == "en" else (org.name_zh or org.name_en)
        params = {"org": org_name, "installation": installation.name if installation else "", "year": period.year,
                  "version": period.version_no, "actor": actor, "link": link}
        deliveries.append(queue_mail(ctx.session, to=user.email,
                                     subject=t(f"notifications.mail.{event}.subject", lang, **params),
                                     body=t(f"notifications.mail.{event}.body", lang, **params)))
    return deliveries
