"""What stops a purge (privacy.md D5): a legal hold the organization's DPO sets (on the whole organization, or on one
person in it, with a reason and an optional expiry), and any open rights request (core.privacy.requests OPEN): while
a request is being answered, the rows it is about stay. Held rows are skipped and counted as held."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from core import audit
from core.access import Permission
from core.context import Context
from core.errors import DomainError, NotFound
from core.privacy.requests import OPEN, local_day
from db.models import Membership
from db.privacy_models import PrivacyRequest
from db.retention_models import RetentionHold


@dataclass
class Holds:
    orgs: set[uuid.UUID] = field(default_factory=set)                  # the whole organization is held
    people: set[uuid.UUID] = field(default_factory=set)                # a person's rows everywhere (open request)
    org_people: set[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=set)  # a person's rows in one organization
    held_people: set[uuid.UUID] = field(default_factory=set)           # anyone under a hold of any kind
    deletion_held: set[uuid.UUID] = field(default_factory=set)         # organizations whose deletion waits

    def row(self, org_id: uuid.UUID | None, user_id: uuid.UUID | None) -> bool:
        """Is a row of `org_id` about `user_id` held?"""
        if org_id is not None and org_id in self.orgs:
            return True
        if user_id is None:
            return False
        if user_id in self.people:
            return True
        if org_id is None:
            return user_id in self.held_people
        return (org_id, user_id) in self.org_people


def is_active(hold: RetentionHold, today: date) -> bool:
    return hold.released_at is None and (hold.expires_on is None or hold.expires_on >= today)


def active_holds(session: Session, today: date) -> Holds:
    h = Holds()
    for hold in session.exec(select(RetentionHold).where(RetentionHold.released_at.is_(None))).all():
        if not is_active(hold, today):
            continue
        h.deletion_held.add(hold.org_id)
        if hold.user_id is None:
            h.orgs.add(hold.org_id)
        else:
            h.org_people.add((hold.org_id, hold.user_id))
            h.held_people.add(hold.user_id)
    for org_id, user_id in session.exec(select(PrivacyRequest.org_id, PrivacyRequest.requester_user_id)
                                        .where(PrivacyRequest.status.in_(OPEN))).all():
        if user_id is not None:
            h.people.add(user_id)
            h.held_people.add(user_id)
        if org_id is not None:
            h.deletion_held.add(org_id)
    if h.people:  # an open request by a member holds the deletion of the organizations they belong to
        h.deletion_held |= set(session.exec(select(Membership.org_id).where(
            Membership.user_id.in_(h.people), Membership.status != "removed")).all())
    return h


def _facts(hold: RetentionHold) -> dict:
    return {"user_id": hold.user_id, "reason": hold.reason, "expires_on": hold.expires_on,
            "released_at": hold.released_at, "version": hold.version}


def list_holds(ctx: Context) -> list[RetentionHold]:
    ctx.require(Permission.PRIVACY_MANAGE)
    return list(ctx.session.exec(select(RetentionHold).where(RetentionHold.org_id == ctx.tenant)
                                 .order_by(RetentionHold.released_at.is_not(None), RetentionHold.set_at.desc())))


def set_hold(ctx: Context, *, reason: str, user_id: uuid.UUID | None = None,
             expires_on: date | None = None) -> RetentionHold:
    """A legal hold on the organization (or on one member's rows in it); audited."""
    ctx.require(Permission.PRIVACY_MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("retention.error.reason_required")
    now = ctx.clock.now()
    if expires_on is not None and expires_on < local_day(now):
        raise DomainError("retention.error.expiry_past")
    if user_id is not None and ctx.session.exec(select(Membership.id).where(
            Membership.org_id == ctx.tenant, Membership.user_id == user_id)).first() is None:
        raise NotFound("user", user_id)
    hold = RetentionHold(org_id=ctx.tenant, user_id=user_id, reason=reason[:500], expires_on=expires_on,
                         set_by=ctx.user.id, set_at=now)
    ctx.session.add(hold)
    ctx.session.flush()
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action="retention.hold_set",
                 entity="retentionhold", entity_id=hold.id, before=None, after=_facts(hold), at=now)
    return hold


def release_hold(ctx: Context, hold_id: uuid.UUID) -> RetentionHold:
    ctx.require(Permission.PRIVACY_MANAGE)
    hold = ctx.session.exec(select(RetentionHold).where(RetentionHold.id == hold_id,
                                                        RetentionHold.org_id == ctx.tenant)).first()
    if hold is None:
        raise NotFound("retentionhold", hold_id)
    if hold.released_at is not None:
        raise DomainError("retention.error.hold_released")
    before, now = _facts(hold), ctx.clock.now()
    hold.released_at, hold.released_by, hold.version = now, ctx.user.id, hold.version + 1
    ctx.session.add(hold)
    ctx.session.flush()
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action="retention.hold_released",
                 entity="retentionhold", entity_id=hold.id, before=before, after=_facts(hold), at=now)
    return hold


__all__ = ["Holds", "active_holds", "is_active", "list_holds", "release_hold", "set_hold"]
