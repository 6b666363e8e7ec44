"""Reporting periods: one installation's reporting year, in versions (a frozen version is never changed)."""
from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import func, select

from core.access import Permission
from core.cbam import CbamError
from core.cbam.scenario import parse_parameters
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.records import get_scoped, insert, versioned_update
from core.reporting.common import DRAFT, period_for_edit
from db.models import Installation
from db.reporting_models import ReportingPeriod

# The CBAM reporting obligation starts with the transitional period on 1 October 2023 (Reg. (EU) 2023/956 Art. 32).
FIRST_YEAR, LAST_YEAR = 2023, 2100
PARAMETER_KEYS = ("cscf", "certificate_price_eur", "benchmarks")


def list_periods(ctx: Context, *, installation_id: uuid.UUID | None = None,
                 latest_only: bool = True) -> list[ReportingPeriod]:
    """The organization's periods, newest year first; by default only the latest version of each year."""
    ctx.require(Permission.DATA_VIEW)
    q = select(ReportingPeriod).where(ReportingPeriod.org_id == ctx.tenant)
    if installation_id is not None:
        q = q.where(ReportingPeriod.installation_id == installation_id)
    rows = list(ctx.session.exec(q.order_by(ReportingPeriod.year.desc(), ReportingPeriod.version_no.desc())))
    if not latest_only:
        return rows
    seen: set[tuple[uuid.UUID, int]] = set()
    latest = []
    for p in rows:
        if (p.installation_id, p.year) not in seen:
            seen.add((p.installation_id, p.year))
            latest.append(p)
    return latest


def get_period(ctx: Context, *, period_id: uuid.UUID) -> ReportingPeriod:
    ctx.require(Permission.DATA_VIEW)
    return get_scoped(ctx, ReportingPeriod, period_id)


def period_history(ctx: Context, *, period_id: uuid.UUID) -> list[ReportingPeriod]:
    """Every version of the period's installation and year, oldest first."""
    period = get_period(ctx, period_id=period_id)
    return list(ctx.session.exec(select(ReportingPeriod).where(
        ReportingPeriod.org_id == ctx.tenant, ReportingPeriod.installation_id == period.installation_id,
        ReportingPeriod.year == period.year).order_by(ReportingPeriod.version_no)))


def create_period(ctx: Context, *, installation_id: uuid.UUID, year: int) -> ReportingPeriod:
    ctx.require(Permission.DATA_EDIT)
    inst = get_scoped(ctx, Installation, installation_id)
    if inst.archived_at is not None:
        raise DomainError("installations.error_archived")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed({"year": ("reporting.error_year_range", {"first": FIRST_YEAR, "last": LAST_YEAR})})
    exists = ctx.session.exec(select(func.count()).select_from(ReportingPeriod).where(
        ReportingPeriod.org_id == ctx.tenant, ReportingPeriod.installation_id == inst.id,
        ReportingPeriod.year == year)).one()
    if exists:
        raise ValidationFailed({"year": ("reporting.error_period_exists", {"year": year, "installation": inst.name})})
    return insert(ctx, ReportingPeriod(installation_id=inst.id, year=year, version_no=1,
                                       status=DRAFT), action="period.created")


def update_period_parameters(ctx: Context, *, period_id: uuid.UUID, parameters: dict[str, Any],
                             expected_version: int) -> ReportingPeriod:
    """Overrides of the shipped reference data for this period (CSCF, certificate price, benchmarks), checked by the
    engine's own parser."""
    period = period_for_edit(ctx, period_id)
    unknown = sorted(set(parameters) - set(PARAMETER_KEYS))
    if unknown:
        raise ValidationFailed({"parameters": ("reporting.error_parameter_unknown", {"name": ", ".join(unknown)})})
    try:
        parse_parameters(parameters)
    except CbamError as e:
        raise ValidationFailed({str(getattr(e, "path", "parameters")): (e.key, {
            k: v for k, v in e.params.items() if k != "path"})}) from e
    return versioned_update(ctx, period, expected_version, {"parameters": dict(parameters)},
                            action="period.parameters_updated")
