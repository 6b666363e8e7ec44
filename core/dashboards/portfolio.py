"""The portfolio: every organization the person is a member of, side by side (consultants, owners of several).

Each organization is read through its own session scoped to that organization (on PostgreSQL row-level security
applies as when the person acts in it), with the person's role there read fresh; organizations where the role may
not see reporting data show only their name and role.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine

from core.access import Permission, Role, can
from core.clock import Clock, SystemClock
from core.context import Context
from core.dashboards import aggregates as agg
from core.dashboards.emissions import completeness_table
from core.dashboards.evaluations import org_cached
from core.dashboards.results import select_results
from core.organizations import memberships_of
from core.reporting.common import APPROVED
from db.models import User
from db.session import Scope, scoped_session

# The annual CBAM declaration for imports of year Y, with the embedded emissions the installation's data supports,
# is due by 30 September of Y + 1 (Reg. (EU) 2023/956 Art. 6(1) as amended by Reg. (EU) 2025/2083; domain reference
# §3.1). A period not approved by then is overdue: its importers declare without the installation's verified data.
DECLARATION_MONTH, DECLARATION_DAY = 9, 30
# Regulation (EU) 2023/956 Art. 6(1) as amended by Regulation (EU) 2025/2083: the annual declaration is due by
# 30 September of the following year. The note names it as a catalog key, so it reads in the person's language.
DEADLINE_SOURCE = "dash.source.declaration_deadline"


def declaration_deadline(year: int) -> date:
    return date(year + 1, DECLARATION_MONTH, DECLARATION_DAY)


def is_overdue(year: int, status: str, today: date) -> bool:
    return status != APPROVED and today > declaration_deadline(year)


@dataclass(frozen=True)
class OrganizationSummary:
    org_id: uuid.UUID
    name_zh: str
    name_en: str
    role: Role
    visible: bool  # the role may see reporting data
    statuses: dict[str, int] = field(default_factory=dict)
    periods: int = 0
    overdue: int = 0
    certificates: float = 0.0
    cost_eur: Decimal = Decimal(0)
    unpriced_certificates: float = 0.0
    blocking: int = 0
    warnings: int = 0
    shipments: int = 0
    incomplete: int = 0  # shipment groups the engine cannot price (e.g. a missing benchmark): totals incomplete


def _summary(ctx: Context, org, today: date) -> OrganizationSummary:
    """Kept in the database too (one row per organization and role): the first portfolio look after a start reads
    each organization's data stamp and its kept summary, two queries, instead of computing every period."""
    return org_cached(ctx, "summary", (today, org.name_zh, org.name_en, ctx.role),
                      lambda: _compute_summary(ctx, org, today), keep=str(ctx.role))


def _compute_summary(ctx: Context, org, today: date) -> OrganizationSummary:
    sel = select_results(ctx, by_customer=False)
    statuses = agg.status_counts(ctx, [p.id for p in sel.periods])
    comp = completeness_table(ctx, sel)
    blocking = sum(r[7] for r in comp.rows)
    warnings = sum(r[8] for r in comp.rows)
    certs = sum(g.certificates or 0.0 for g in sel.groups)
    cost = sum((g.cost_eur for g in sel.groups if g.cost_eur is not None), Decimal(0))
    unpriced = sum(g.certificates for g in sel.groups if g.certificates is not None and g.cost_eur is None)
    return OrganizationSummary(
        org.id, org.name_zh, org.name_en, ctx.role, True, statuses, len(sel.periods),
        sum(is_overdue(p.year, p.status, today) for p in sel.periods), certs, cost, unpriced, blocking, warnings,
        sum(g.shipments for g in sel.groups), sum(g.certificates is None for g in sel.groups))


def portfolio_of(ctx: Context, *, progress: Callable[[int, int], None] | None = None) -> list[OrganizationSummary]:
    """The acting person's portfolio (the page opens it from any organization where they may see data).
    `progress(done, total)` is called after each organization: the first look after a start computes every
    period's results, which for 50 clients takes a while."""
    ctx.require(Permission.DATA_VIEW)
    return portfolio(ctx.user, engine=ctx.session.get_bind(), clock=ctx.clock, progress=progress)


def portfolio(user: User, *, engine: Engine | None = None, clock: Clock | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[OrganizationSummary]:
    """One summary per organization where the person has an active membership, each read in its own scope."""
    clock = clock or SystemClock()
    today = clock.now().date()
    person = Scope(user_id=user.id, email=user.email, issuer=user.issuer, subject=user.subject)
    with scoped_session(person, engine) as s:
        orgs = [(org, role) for org, role in memberships_of(s, user)]
    out = []
    for done, (org, role) in enumerate(orgs, start=1):  # the roles were read just now, in the person's own scope
        if not can(role, Permission.DATA_VIEW):
            out.append(OrganizationSummary(org.id, org.name_zh, org.name_en, role, False))
        else:
            scope = Scope(user_id=user.id, org_id=org.id, email=user.email, issuer=user.issuer, subject=user.subject)
            with scoped_session(scope, engine) as s:  # RLS: this organization's rows only
                out.append(_summary(Context(session=s, user=user, org_id=org.id, role=role, clock=clock), org, today))
        if progress:
            progress(done, len(orgs))
    return out

