"""Organizations (tenants) and their members."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session, func, select

from core.access import Permission, Role
from core.clock import Clock
from core.context import Context
from core.errors import DomainError, NotFound, ValidationFailed
from core.records import insert, versioned_update
from core.validation import validate_eori, validate_uscc
from core.validation.text import check_changes, text_problem
from db.models import Membership, Organization, User
from db.session import Scope, rescope

# Sectors of CBAM Annex I (Regulation (EU) 2023/956), plus the trades that serve them.
INDUSTRIES = ("iron_steel", "aluminium", "cement", "fertilisers", "hydrogen", "electricity", "trading",
              "consulting", "other")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # the whole value (fullmatch)


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

    def validate_fields(self) -> None:
        check_changes(Organization, dict(self))  # the text as typed (core/validation/text.py)
        errors = {}
        if not self.name_zh.strip() and not self.name_en.strip():
            errors["name_zh"] = ("validation.org_name_required", {})
        if err := validate_eori(self.eori):
            errors["eori"] = err
        if err := validate_uscc(self.uscc):
            errors["uscc"] = err
        if self.industry not in INDUSTRIES:
            errors["industry"] = ("validation.choice", {})
        if errors:
            raise ValidationFailed(errors)

    def values(self) -> dict:
        return {"name_zh": self.name_zh.strip(), "name_en": self.name_en.strip(),
                "eori": self.eori.strip().upper() or None, "uscc": self.uscc.strip().upper() or None,
                "address": self.address.strip(), "industry": self.industry,
                "signatory_name": self.signatory_name.strip(), "signatory_position": self.signatory_position.strip(),
                "signature_place": self.signature_place.strip()}


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
    return [MemberView(m.id, (u.email if u and u.email else m.invited_email), u.name if u else None, m.role,
                       m.status, m.version, m.created_at) for m, u in rows]


def invite_member(ctx: Context, *, email: str, role: str) -> Membership:
    ctx.require(Permission.MEMBERS_MANAGE)
    email = email.strip().lower()
    errors = {}
    if err := text_problem(email, field="email"):  # RFC 5321 length, no control characters
        errors["email"] = err
    elif not _EMAIL.fullmatch(email):
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
        status = "active" if existing.user_id else "invited"
        return versioned_update(ctx, existing, existing.version, {"role": role, "status": status},
                                action="member.reinvited")
    return insert(ctx, Membership(invited_email=email, role=role, status="invited"),
                  action="member.invited")


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
    return versioned_update(ctx, m, expected_version, {"status": "removed"}, action="member.removed")


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
    if not user.email:
        return []
    rows = session.exec(select(Organization, Membership).join(Membership, Membership.org_id == Organization.id)
                        .where(Membership.invited_email == user.email.lower(), Membership.status == "invited",
                               Membership.user_id.is_(None))).all()
    return list(rows)


def _scoped_to_invitation(session: Session, user: User, membership_id: uuid.UUID, clock: Clock
                          ) -> tuple[Context, Membership]:
    for org, m in invitations_of(session, user):
        if m.id == membership_id:
            rescope(session, Scope(user_id=user.id, org_id=org.id, email=user.email, issuer=user.issuer,
                                   subject=user.subject))
            return Context(session=session, user=user, org_id=org.id, role=Role(m.role), clock=clock), m
    raise NotFound("membership", membership_id)


def accept_invitation(session: Session, user: User, membership_id: uuid.UUID, *, clock: Clock) -> Context:
    ctx, m = _scoped_to_invitation(session, user, membership_id, clock)
    versioned_update(ctx, m, m.version, {"user_id": user.id, "status": "active"}, action="member.joined")
    return ctx


def decline_invitation(session: Session, user: User, membership_id: uuid.UUID, *, clock: Clock) -> None:
    ctx, m = _scoped_to_invitation(session, user, membership_id, clock)
    versioned_update(ctx, m, m.version, {"status": "removed"}, action="member.declined")


