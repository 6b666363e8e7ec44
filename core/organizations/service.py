"""Organizations (tenants) and their members."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, func, select

from core.access import Permission, Role
from core.clock import Clock
from core.context import Context
from core.errors import DomainError, NotFound, ValidationFailed
from core.i18n import t
from core.mail import Delivery, mail_configured, queue_mail
from core.records import changed_meanwhile, insert, versioned_update
from core.settings import get_settings
from core.validation import validate_eori, validate_uscc
from core.validation.text import EMAIL, check_changes, text_problem
from db.invitation_models import InvitationToken
from db.models import Membership, Organization, User
from db.session import Scope, rescope

# Sectors of CBAM Annex I (Regulation (EU) 2023/956), plus the trades that serve them.
INDUSTRIES = ("iron_steel", "aluminium", "cement", "fertilisers", "hydrogen", "electricity", "trading",
              "consulting", "other")
_EMAIL = EMAIL  # core.validation.text: one shape for every stored address


class OrganizationData(BaseModel):
    name_zh: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    eori: str = Field(default="", max_length=17)
    uscc: str = Field(default="", max_length=18)
    address: str = Field(default="", max_length=500)
    industry: str = "other"
    # who signs the registry reports the organization prepares (the name is personal data)
    signatory_name: str = Field(default="", max_length=128)
    signatory_position: str = Field(default="", max_length=128)
    signature_place: str = Field(default="", max_length=128)
    # the operator's city and contact (the registry report's InstallationOperator, the communication template)
    city: str = Field(default="", max_length=35)
    contact_phone: str = Field(default="", max_length=35)
    contact_email: str = Field(default="", max_length=256)

    def validate_fields(self) -> None:
        check_changes(Organization, dict(self))  # the text as typed (core/validation/text.py)
        errors = {}
        if not self.name_zh.strip() and not self.name_en.strip():
            errors["name_zh"] = ("validation.org_name_required", {})
        if err := validate_eori(self.eori):
            errors["eori"] = err
        if err := validate_uscc(self.uscc):
            errors["uscc"] = err
        if self.contact_email.strip() and not _EMAIL.fullmatch(self.contact_email.strip()):
            errors["contact_email"] = ("validation.email_format", {})
        if self.industry not in INDUSTRIES:
            errors["industry"] = ("validation.choice", {})
        if errors:
            raise ValidationFailed(errors)

    def values(self) -> dict:
        return {"name_zh": self.name_zh.strip(), "name_en": self.name_en.strip(),
                "eori": self.eori.strip().upper() or None, "uscc": self.uscc.strip().upper() or None,
                "address": self.address.strip(), "industry": self.industry,
                "signatory_name": self.signatory_name.strip(), "signatory_position": self.signatory_position.strip(),
                "signature_place": self.signature_place.strip(), "city": self.city.strip(),
                "contact_phone": self.contact_phone.strip(), "contact_email": self.contact_email.strip()}


def create_organization(session: Session, user: User, data: OrganizationData, *, clock: Clock) -> Context:
    """Any onboarded person may create an organization; they become its owner. Returns the owner's context."""
    data.validate_fields()
    org_id = uuid.uuid4()
    rescope(session, Scope(user_id=user.id, org_id=org_id, email=user.email, issuer=user.issuer,
                           subject=user.subject))
    ctx = Context(session=session, user=user, org_id=org_id, role=Role.OWNER, clock=clock)
    insert(ctx, Organization(id=org_id, **data.values()), action="organization.created")
    insert(ctx, Membership(org_id=org_id, user_id=user.id, invited_email=(user.email or str(user.id)).lower(),
                           role=Role.OWNER, status="active"), action="member.added")
    return ctx


def get_organization(ctx: Context) -> Organization:
    ctx.require(Permission.ORG_VIEW)
    org = ctx.session.get(Organization, ctx.tenant)
    if org is None:
        raise NotFound("organization", ctx.tenant)
    return org


def update_organization(ctx: Context, data: OrganizationData, *, expected_version: int) -> Organization:
    ctx.require(Permission.ORG_EDIT)
    data.validate_fields()
    return versioned_update(ctx, get_organization(ctx), expected_version, data.values(),
                            action="organization.updated")


@dataclass
class MemberView:
    id: uuid.UUID
    email: str
    name: str | None
    role: str
    status: str
    version: int
    since: datetime


def list_members(ctx: Context) -> list[MemberView]:
    ctx.require(Permission.MEMBERS_VIEW)
    rows = ctx.session.exec(
        select(Membership, User).join(User, Membership.user_id == User.id, isouter=True)
        .where(Membership.org_id == ctx.tenant, Membership.status != "removed").order_by(Membership.created_at)
    ).all()
    from core.privacy.access_log import record_access

    record_access(ctx, "members", [u.id for _m, u in rows if u is not None])  # the access log (issue 15)
    return [MemberView(m.id, (u.email if u and u.email else m.invited_email), u.name if u else None, m.role,
                       m.status, m.version, m.created_at) for m, u in rows]


# How long an invitation link stays valid (a week: long enough for a holiday, short enough for a leaked link).
INVITATION_VALID_FOR = timedelta(days=7)


@dataclass
class Invitation:
    """What `invite` made: the membership (status invited), the one-time link, and the mail's delivery (None:
    no SMTP configured; the inviter passes the link on)."""

    membership: Membership
    token: str
    link: str
    expires_at: datetime
    delivery: Delivery | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def invitation_link(token: str) -> str:
    return f"{get_settings().app_url.rstrip('/')}/?invite={token}"


def invite(ctx: Context, *, email: str, role: str) -> Invitation:
    """Invite a person by e-mail: a membership in status invited and a one-time link, e-mailed after commit when
    SMTP is configured. A removed member invited again must accept again (a new link); nobody is reactivated."""
    ctx.require(Permission.MEMBERS_MANAGE)
    errors = {}
    # the text as typed first (RFC 5321 length, no control characters): strip() would drop a trailing U+0085
    if err := text_problem(email, field="email"):
        errors["email"] = err
    email = email.strip().lower()
    if "email" not in errors and not _EMAIL.fullmatch(email):
        errors["email"] = ("validation.email_format", {})
    if role not in {r.value for r in Role}:
        errors["role"] = ("validation.choice", {})
    if errors:
        raise ValidationFailed(errors)
    existing = ctx.session.exec(select(Membership).where(
        Membership.org_id == ctx.tenant, Membership.invited_email == email)).first()
    if existing is not None:
        if existing.status != "removed":
            raise ValidationFailed({"email": ("members.error_already_member", {"email": email})})
        membership = versioned_update(ctx, existing, existing.version,
                                      {"role": role, "status": "invited", "user_id": None},
                                      action="member.reinvited")
    else:
        membership = insert(ctx, Membership(invited_email=email, role=role, status="invited"),
                            action="member.invited")
    return _new_link(ctx, membership)


def renew_invitation(ctx: Context, membership_id: uuid.UUID, *, expected_version: int) -> Invitation:
    """A new link for a pending invitation (the old one expired or got lost); the old link stops working."""
    ctx.require(Permission.MEMBERS_MANAGE)
    m = _member(ctx, membership_id)
    if m.status != "invited":
        raise DomainError("invitation.error_not_pending")
    if m.version != expected_version:
        raise changed_meanwhile(ctx.session, m)
    return _new_link(ctx, m)


def _new_link(ctx: Context, membership: Membership) -> Invitation:
    _close_open_links(ctx, membership.id, outcome="replaced")
    token = secrets.token_urlsafe(32)
    expires_at = ctx.clock.now() + INVITATION_VALID_FOR
    email = membership.invited_email
    insert(ctx, InvitationToken(membership_id=membership.id, token_hash=token_hash(token), email=email,
                                expires_at=expires_at), action="invitation.link_created")
    link = invitation_link(token)
    delivery = _mail_invitation(ctx, email=email, role=membership.role, link=link, expires_at=expires_at)
    return Invitation(membership, token, link, expires_at, delivery)


def invite_member(ctx: Context, *, email: str, role: str) -> Membership:
    """`invite`, for callers that need only the membership."""
    return invite(ctx, email=email, role=role).membership


def _mail_invitation(ctx: Context, *, email: str, role: str, link: str, expires_at: datetime) -> Delivery | None:
    if not mail_configured():
        return None
    org = ctx.session.get(Organization, ctx.tenant)
    inviter = ctx.user.name or ctx.user.email or ""
    # the invitee has no account (or none we may read) yet: both languages, Chinese first
    parts = []
    for lang in ("zh", "en"):
        parts.append(t("invitation.mail_body", lang, org=_org_name(org, lang), role=t(f"role.{role}", lang),
                       inviter=inviter, link=link, expires=expires_at.strftime("%Y-%m-%d %H:%M UTC")))
    subject = t("invitation.mail_subject", "zh", org=_org_name(org, "zh"))
    return queue_mail(ctx.session, to=email, subject=subject, body="\n\n----------\n\n".join(parts))


def _org_name(org: Organization | None, lang: str) -> str:
    if org is None:
        return ""
    return (org.name_en or org.name_zh) if lang == "en" else (org.name_zh or org.name_en)


def _close_open_links(ctx: Context, membership_id: uuid.UUID, *, outcome: str) -> None:
    for old in ctx.session.exec(select(InvitationToken).where(
            InvitationToken.org_id == ctx.tenant, InvitationToken.membership_id == membership_id,
            InvitationToken.used_at.is_(None), InvitationToken.outcome == "")).all():
        versioned_update(ctx, old, old.version, {"outcome": outcome}, action=f"invitation.link_{outcome}")


def _member(ctx: Context, membership_id: uuid.UUID) -> Membership:
    m = ctx.session.exec(select(Membership).where(Membership.id == membership_id,
                                                  Membership.org_id == ctx.tenant)).first()
    if m is None or m.status == "removed":
        raise NotFound("membership", membership_id)
    return m


def _other_active_owners(ctx: Context, membership_id: uuid.UUID) -> int:
    return ctx.session.exec(select(func.count()).select_from(Membership).where(
        Membership.org_id == ctx.tenant, Membership.role == Role.OWNER, Membership.status == "active",
        Membership.id != membership_id)).one()


def change_role(ctx: Context, membership_id: uuid.UUID, *, role: str, expected_version: int) -> Membership:
    ctx.require(Permission.MEMBERS_MANAGE)
    if role not in {r.value for r in Role}:
        raise ValidationFailed({"role": ("validation.choice", {})})
    m = _member(ctx, membership_id)
    if m.role == Role.OWNER and role != Role.OWNER and _other_active_owners(ctx, m.id) == 0:
        raise DomainError("members.error_last_owner")
    return versioned_update(ctx, m, expected_version, {"role": role}, action="member.role_changed")


def remove_member(ctx: Context, membership_id: uuid.UUID, *, expected_version: int) -> Membership:
    ctx.require(Permission.MEMBERS_MANAGE)
    m = _member(ctx, membership_id)
    if m.role == Role.OWNER and _other_active_owners(ctx, m.id) == 0:
        raise DomainError("members.error_last_owner")
    removed = versioned_update(ctx, m, expected_version, {"status": "removed"}, action="member.removed")
    _close_open_links(ctx, m.id, outcome="revoked")  # a removed person's pending link stops working
    return removed


def role_in(session: Session, user: User, org_id: uuid.UUID) -> Role | None:
    """The person's current role in the organization, read fresh: a removed member loses access at once."""
    m = session.exec(select(Membership.role).where(
        Membership.org_id == org_id, Membership.user_id == user.id, Membership.status == "active")).first()
    return Role(m) if m else None


def memberships_of(session: Session, user: User) -> list[tuple[Organization, Role]]:
    rows = session.exec(select(Organization, Membership.role).join(Membership, Membership.org_id == Organization.id)
                        .where(Membership.user_id == user.id, Membership.status == "active")
                        .order_by(Membership.created_at)).all()  # the first organization joined comes first
    return [(org, Role(role)) for org, role in rows]


def invitations_of(session: Session, user: User) -> list[tuple[Organization, Membership]]:
    """Open invitations to the person's stored e-mail address, to tell them about; accepting one takes its link.
    The stored address only ever comes from a verified claim (see `core.identity.resolve_login`)."""
    if not user.email:
        return []
    rows = session.exec(select(Organization, Membership).join(Membership, Membership.org_id == Organization.id)
                        .where(Membership.invited_email == user.email.lower(), Membership.status == "invited",
                               Membership.user_id.is_(None))).all()
    return list(rows)


@dataclass
class InvitationView:
    """What a person who opened an invitation link sees before accepting."""

    org_id: uuid.UUID
    org_name_zh: str
    org_name_en: str
    role: str
    email: str
    expires_at: datetime


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def _by_token(session: Session, user: User, token: str, clock: Clock
              ) -> tuple[InvitationToken, Membership, Organization]:
    """The open invitation behind a link, or a refusal. The person is not a member yet: on PostgreSQL the token's
    hash in the transaction's scope is what lets them read this one invitation."""
    token = str(token or "")  # anything but the link's token (a membership id, say) matches nothing
    if not token.strip():
        raise DomainError("invitation.error_invalid")
    digest = token_hash(token)
    rescope(session, Scope(user_id=user.id, email=user.email, issuer=user.issuer, subject=user.subject,
                           invite_hash=digest))
    link = session.exec(select(InvitationToken).where(InvitationToken.token_hash == digest)).first()
    if link is None or link.outcome in ("replaced", "revoked"):
        raise DomainError("invitation.error_invalid")
    if link.used_at is not None or link.outcome:
        raise DomainError("invitation.error_used")
    if _aware(link.expires_at) <= clock.now():
        raise DomainError("invitation.error_expired")
    membership = session.get(Membership, link.membership_id)
    org = session.get(Organization, link.org_id)
    if membership is None or org is None or membership.status != "invited":
        raise DomainError("invitation.error_invalid")
    return link, membership, org


def open_invitation(session: Session, user: User, token: str, *, clock: Clock) -> InvitationView:
    link, m, org = _by_token(session, user, token, clock)
    return InvitationView(org.id, org.name_zh, org.name_en, m.role, m.invited_email, _aware(link.expires_at))


def _settle(session: Session, user: User, token: str, clock: Clock, *, accept: bool) -> Context:
    link, m, org = _by_token(session, user, token, clock)
    rescope(session, Scope(user_id=user.id, org_id=org.id, email=user.email, issuer=user.issuer,
                           subject=user.subject))
    ctx = Context(session=session, user=user, org_id=org.id, role=Role(m.role), clock=clock)
    if accept and role_in(session, user, org.id) is not None:
        raise DomainError("invitation.error_already_member")
    outcome = "accepted" if accept else "declined"
    versioned_update(ctx, link, link.version, {"used_at": clock.now(), "used_by": user.id, "outcome": outcome},
                     action=f"invitation.{outcome}")
    if accept:
        versioned_update(ctx, m, m.version, {"user_id": user.id, "status": "active"}, action="member.joined")
    else:
        versioned_update(ctx, m, m.version, {"status": "removed"}, action="member.declined")
    return ctx


def accept_invitation(session: Session, user: User, token: str, *, clock: Clock) -> Context:
    """Join the organization an invitation link invites to, with its role. The link works once, within its
    validity; whoever holds it (they received it at the invited address) may accept."""
    return _settle(session, user, token, clock, accept=True)


def decline_invitation(session: Session, user: User, token: str, *, clock: Clock) -> None:
    _settle(session, user, token, clock, accept=False)
