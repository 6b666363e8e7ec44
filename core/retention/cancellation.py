"""An organization's cancellation: the owner cancels (owner-only, permission org.cancel), every owner gets a notice
with a reminder to export the data, reminders follow 7 days and 1 day before the deletion (sent by the retention
run), the data is deleted 30 days after the cancellation (core.retention.engine), and the owners receive a deletion
certificate. The owner can withdraw the cancellation at any time before the deletion."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import Session, select

from core import audit
from core.access import Permission, Role
from core.context import Context
from core.errors import DomainError
from core.i18n import t
from core.mail import queue_mail
from core.mail.outbox import Delivery
from core.organizations.names import organization_name
from core.privacy.requests import local_day
from core.retention.schedule import CANCELLATION_DAYS
from db.models import Membership, Organization, User
from db.retention_models import OrganizationCancellation

SEPARATOR = "\n\n----------\n\n"


def _facts(c: OrganizationCancellation) -> dict:
    return {"requested_at": c.requested_at, "delete_on": c.delete_on, "withdrawn_at": c.withdrawn_at,
            "deleted_at": c.deleted_at, "version": c.version}


def pending(session: Session, org_id: uuid.UUID) -> OrganizationCancellation | None:
    """The organization's cancellation that is neither withdrawn nor carried out."""
    return session.exec(select(OrganizationCancellation).where(
        OrganizationCancellation.org_id == org_id, OrganizationCancellation.withdrawn_at.is_(None),
        OrganizationCancellation.deleted_at.is_(None))).first()


def current(ctx: Context) -> OrganizationCancellation | None:
    ctx.require(Permission.ORG_VIEW)
    return pending(ctx.session, ctx.tenant)


def owners(session: Session, org_id: uuid.UUID) -> list[User]:
    """The organization's active owners who have an e-mail address."""
    rows = session.exec(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.org_id == org_id, Membership.role == Role.OWNER.value, Membership.status == "active")).all()
    return [u for u in rows if u.email]


def mail_owners(session: Session, org_id: uuid.UUID, kind: str, **params: object) -> list[Delivery]:
    """Queue `retention.mail.<kind>` to every owner, in their language (both, Chinese first, when unknown)."""
    org = session.get(Organization, org_id)
    sent: list[Delivery] = []
    for owner in owners(session, org_id):
        langs = (owner.language,) if owner.language in ("zh", "en") else ("zh", "en")
        def text(part: str, lang: str) -> str:
            return t(f"retention.mail.{kind}_{part}", lang, org=organization_name(org, lang) if org else "",
                     **{k: _text(v, lang) for k, v in params.items()})

        body = SEPARATOR.join(text("body", lang) for lang in langs)
        subject = text("subject", langs[0])
        sent.append(queue_mail(session, to=owner.email, subject=subject, body=body))

    return sent


def _text(value: object, lang: str) -> str:
    if callable(value):
        return str(value(lang))
    return value.isoformat() if isinstance(value, date) else str(value)


def request_cancellation(ctx: Context) -> OrganizationCancellation:
    """The owner cancels: the data is deleted CANCELLATION_DAYS after today (China Standard Time); a notice with
    the export reminder goes to every owner after the commit."""
    ctx.require(Permission.ORG_CANCEL)
    if pending(ctx.session, ctx.tenant) is not None:
        raise DomainError("retention.error.already_cancelled")
    now = ctx.clock.now()
    c = OrganizationCancellation(org_id=ctx.tenant, requested_by=ctx.user.id, requested_at=now,
                                 delete_on=local_day(now) + timedelta(days=CANCELLATION_DAYS), reminders=[])
    ctx.session.add(c)
    ctx.session.flush()
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action="organization.cancelled",
                 entity="organizationcancellation", entity_id=c.id, before=None, after=_facts(c), at=now)
    mail_owners(ctx.session, ctx.tenant, "notice", delete_on=c.delete_on, days=CANCELLATION_DAYS)
    return c


def withdraw_cancellation(ctx: Context) -> OrganizationCancellation:
    """The owner keeps the organization after all (only before the deletion)."""
    ctx.require(Permission.ORG_CANCEL)
    c = pending(ctx.session, ctx.tenant)
    if c is None:
        raise DomainError("retention.error.not_cancelled")
    before, now = _facts(c), ctx.clock.now()
    c.withdrawn_at, c.version = now, c.version + 1
    ctx.session.add(c)
    ctx.session.flush()
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action="organization.cancellation_withdrawn",
                 entity="organizationcancellation", entity_id=c.id, before=before, after=_facts(c), at=now)
    mail_owners(ctx.session, ctx.tenant, "withdrawn")
    return c
