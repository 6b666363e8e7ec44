"""What a new organization should do next, as a checklist derived from its data."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import func, select

from core.access import Permission, can
from core.context import Context
from db.models import Installation, Membership, Organization


@dataclass(frozen=True)
class Step:
    key: str
    done: bool
    page: str | None  # the page that does it, if the role may open it


def next_steps(ctx: Context) -> list[Step]:
    org = ctx.session.get(Organization, ctx.tenant)
    installations = ctx.session.exec(select(func.count()).select_from(Installation).where(
        Installation.org_id == ctx.tenant, Installation.archived_at.is_(None))).one()
    members = ctx.session.exec(select(func.count()).select_from(Membership).where(
        Membership.org_id == ctx.tenant, Membership.status != "removed")).one()
    profile_done = bool(org and (org.name_zh or org.name_en) and org.address and (org.uscc or org.eori))

    def target(page: str, perm: Permission) -> str | None:
        return page if can(ctx.role, perm) else None

    return [
        Step("profile", profile_done, target("organization", Permission.ORG_EDIT)),
        Step("installation", installations > 0, target("installations", Permission.INSTALLATION_EDIT)),
        Step("members", members > 1, target("members", Permission.MEMBERS_MANAGE)),
    ]
