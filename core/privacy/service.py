"""What the pages and the CLI call: who may export or erase whom, on the operator session.

A data protection officer (role `dpo`, permission privacy.manage) of an organization the person belongs to may
export or erase them; anyone may export their own data. The erasure itself runs on the operator session (the owner
connection on PostgreSQL): it reaches the person's rows in every organization and rewrites the audit log, which
the app role may only append to."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import Permission, can
from core.context import Context
from core.errors import DomainError
from core.privacy.erasure import Receipt, erase
from core.privacy.export import ExportResult, build_export
from core.privacy.subject import find_subject
from db.models import Membership, User


def person_by_email(session: Session, email: str) -> User:
    user = session.execute(select(User).where(func.lower(User.email) == (email or "").strip().lower())
                           ).scalars().first()
    if user is None:
        raise DomainError("privacy.error.no_subject", email=email)
    return user


def dpo_orgs(session: Session, actor: User) -> set[uuid.UUID]:
    rows = session.execute(select(Membership.org_id, Membership.role).where(
        Membership.user_id == actor.id, Membership.status == "active")).all()
    return {org for org, role in rows if can(role, Permission.PRIVACY_MANAGE)}


def require_dpo_for(session: Session, actor: User, subject_email: str) -> None:
    """The actor is a DPO of an organization the person belongs to (or of any, for a person in none)."""
    mine = dpo_orgs(session, actor)
    if not mine:
        raise DomainError("privacy.error.not_dpo")
    try:
        theirs = find_subject(session, subject_email).org_ids
    except DomainError:
        return  # nobody (left) to act on: erase() answers "already erased" or "not found"
    if theirs and not (theirs & mine):
        raise DomainError("privacy.error.not_dpo")


def _controller_scope(session: Session, actor: User, subject_email: str) -> set[uuid.UUID] | None:
    """For a third party known only from organizations' contact columns: the actor's organizations among them
    (each organization is the controller of its own records, so a DPO never reaches another's). None for a
    person with an account or a membership."""
    try:
        subject = find_subject(session, subject_email)
    except DomainError:
        return None
    if not subject.contact_only:
        return None
    mine = subject.org_ids & dpo_orgs(session, actor)
    if not mine:
        raise DomainError("privacy.error.not_dpo")
    return mine


def export_for(session: Session, *, subject_email: str, actor: User, at: datetime) -> ExportResult:
    if (actor.email or "").lower() == subject_email.strip().lower():
        return build_export(session, subject_email, actor_id=actor.id, at=at)
    require_dpo_for(session, actor, subject_email)
    scope = _controller_scope(session, actor, subject_email)
    if scope:
        from core.privacy.subject import subject_in_orgs

        return build_export(session, subject_email, actor_id=actor.id, at=at,
                            subject=subject_in_orgs(session, subject_email, scope))
    result = build_export(session, subject_email, actor_id=actor.id, at=at)
    _log_export(session, actor=actor, subject_email=subject_email, at=at)
    return result


def _log_export(session: Session, *, actor: User, subject_email: str, at: datetime) -> None:
    """A DPO's export of someone else's data goes into the access log of each organization of theirs the person
    belongs to (issue 15). A logging failure does not undo the export (savepoint)."""
    from core.privacy import access_log

    try:
        subject = find_subject(session, subject_email)
        if subject.user_id is None:
            return  # a third party without an account: nobody to show the entry to
        for org_id in sorted(dpo_orgs(session, actor) & subject.org_ids, key=str):
            with session.begin_nested():
                access_log.append(session, org_id=org_id, viewer_id=actor.id, viewer_role="dpo", action="export",
                                  resource="privacy_export", subjects=[subject.user_id], at=at)
    except Exception:  # noqa: BLE001
        access_log.log.warning("access log: could not record an export", exc_info=True)


def erase_for(session: Session, *, subject_email: str, actor: User, at: datetime, dry_run: bool = False,
              request_id: uuid.UUID | None = None) -> Receipt:
    require_dpo_for(session, actor, subject_email)
    scope = _controller_scope(session, actor, subject_email)
    return erase(session, subject_email, actor=actor, at=at, dry_run=dry_run, request_id=request_id,
                 org_id=scope or None)


def approve_erasure(ctx: Context, request_id: uuid.UUID) -> Receipt:
    """The DPO approves a started, verified erasure request: a person with an account is erased from the platform
    (core.privacy.erasure); a person without one, from this organization's records only (its controller's part,
    core.privacy.controller). The erasure runs on the operator session, then the request is completed."""
    from core.privacy import requests
    from core.privacy.controller import erase_third_party
    from core.privacy.subject import operator_session

    req = requests.get_request(ctx, request_id)
    if req.type != "erasure":
        raise DomainError("privacy.error.bad_transition", status=req.status, action="erase")
    if req.status != requests.IN_PROGRESS:
        raise DomainError("privacy.center.erase_needs_start")
    if req.verified_at is None:
        raise DomainError("privacy.error.not_verified")
    email, org_id, has_account = req.requester_email, req.org_id, req.requester_user_id is not None
    ctx.session.commit()  # end the read: the erasure commits on its own connection (SQLite allows one writer)
    with operator_session() as s:
        if has_account:
            actor = s.get(User, ctx.user.id)
            receipt = erase_for(s, subject_email=email, actor=actor, at=ctx.clock.now(), request_id=request_id)
        else:
            receipt = erase_third_party(s, email=email, org_id=org_id, actor_id=ctx.user.id, at=ctx.clock.now(),
                                        request_id=request_id)
    ctx.session.expire_all()  # the erasure may have pseudonymised the request itself
    requests.complete(ctx, request_id)
    return receipt
