"""The dashboards' SQL: everything is grouped in the database (GROUP BY), so a page never loads the rows of a
large table. Every query is filtered by the acting organization (and, on PostgreSQL, by row-level security)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, union_all

from core.context import Context
from core.dashboards.filters import Filters
from core.reporting.shipments import quarter_of_date
from db.carbon_price_models import CarbonPriceEntry
from db.models import Installation
from db.reporting_models import (
    Customer,
    PeriodSnapshot,
    ProcessInput,
    ProductionProcess,
    PurchasedPrecursor,
    ReportingPeriod,
    ReviewComment,
    Shipment,
    SourceStream,
)


@dataclass(frozen=True, slots=True)
class PeriodRow:
    id: uuid.UUID
    installation_id: uuid.UUID
    year: int
    version_no: int
    status: str
    snapshot_hash: str | None
    version: int  # the row's optimistic-lock version: moves with every status or parameter change


@dataclass(frozen=True, slots=True)
class ShipmentGroup:
    """Shipments summed per period, customer, good, basis, process and quarter."""

    period_id: uuid.UUID
    customer_id: uuid.UUID | None  # None when not grouped by customer
    cn_code: str
    basis: str
    process_id: uuid.UUID | None
    quarter: int
    quantity: float  # t
    count: int


def latest_periods(ctx: Context, flt: Filters | None = None) -> list[PeriodRow]:
    """The latest version of each installation's reporting year (earlier versions are history)."""
    flt = flt or Filters()
    p = ReportingPeriod
    latest = (select(p.installation_id, p.year, func.max(p.version_no).label("v"))
              .where(p.org_id == ctx.tenant).group_by(p.installation_id, p.year).subquery())
    q = (select(p.id, p.installation_id, p.year, p.version_no, p.status, p.snapshot_hash, p.version)
         .join(latest, (latest.c.installation_id == p.installation_id) & (latest.c.year == p.year)
               & (latest.c.v == p.version_no))
         .where(p.org_id == ctx.tenant))
    if flt.installation:
        q = q.where(p.installation_id == flt.installation)
    if flt.year:
        q = q.where(p.year == flt.year)
    return [PeriodRow(*r) for r in ctx.session.execute(q.order_by(p.year.desc(), p.installation_id))]


def shipment_groups(ctx: Context, period_ids: list[uuid.UUID], flt: Filters | None = None, *,
                    by_customer: bool = True) -> list[ShipmentGroup]:
    """Quantities per period × (customer) × CN code × basis × process × quarter, summed in the database."""
    flt = flt or Filters()
    if not period_ids:
        return []
    s = Shipment
    quarter = quarter_of_date(s.shipped_on).label("quarter")
    customer = s.customer_id if by_customer else literal(None).label("customer_id")
    keys = [s.period_id, *([s.customer_id] if by_customer else []), s.cn_code, s.basis, s.process_id, quarter]
    q = (select(s.period_id, customer, s.cn_code, s.basis, s.process_id, quarter, func.sum(s.quantity), func.count())
         .where(s.org_id == ctx.tenant, s.period_id.in_(period_ids)))
    if flt.customer:
        q = q.where(s.customer_id == flt.customer)
    if flt.good:
        q = q.where(s.cn_code == flt.good)
    if flt.quarter:
        q = q.where(quarter_of_date(s.shipped_on) == flt.quarter)
    rows = [ShipmentGroup(pid, cid, cn, basis, proc, int(qu), float(qty or 0.0), int(n))
            for pid, cid, cn, basis, proc, qu, qty, n in ctx.session.execute(q.group_by(*keys))]
    return sorted(rows, key=lambda g: (str(g.period_id), str(g.customer_id), g.cn_code, g.basis, str(g.process_id),
                                       g.quarter))


def data_stamps(ctx: Context, period_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple]:
    """Per period, a cheap fingerprint of everything the engine reads (row counts and the latest change of
    processes, source streams, precursors, process inputs and shipments): when it moves, cached results are stale.
    One UNION ALL query, grouped in the database."""
    if not period_ids:
        return {}
    org = ctx.tenant
    pp, ss, pr, pi, sh = ProductionProcess, SourceStream, PurchasedPrecursor, ProcessInput, Shipment
    parts = [
        select(literal("process").label("k"), pp.period_id.label("pid"), func.count().label("n"),
               func.max(pp.updated_at).label("at"))
        .where(pp.org_id == org, pp.period_id.in_(period_ids)).group_by(pp.period_id),
        select(literal("stream"), pp.period_id, func.count(), func.max(ss.updated_at))
        .join(pp, pp.id == ss.process_id)
        .where(ss.org_id == org, pp.org_id == org, pp.period_id.in_(period_ids)).group_by(pp.period_id),
        select(literal("input"), pp.period_id, func.count(), func.max(pi.updated_at))
        .join(pp, pp.id == pi.process_id)
        .where(pi.org_id == org, pp.org_id == org, pp.period_id.in_(period_ids)).group_by(pp.period_id),
        select(literal("precursor"), pr.period_id, func.count(), func.max(pr.updated_at))
        .where(pr.org_id == org, pr.period_id.in_(period_ids)).group_by(pr.period_id),
        select(literal("shipment"), sh.period_id, func.count(), func.max(sh.updated_at))
        .where(sh.org_id == org, sh.period_id.in_(period_ids)).group_by(sh.period_id),
        # the Art. 9 carbon-price entries (issue 13) change the certificates too
        select(literal("carbon_price"), CarbonPriceEntry.period_id, func.count(), func.max(CarbonPriceEntry.updated_at))
        .where(CarbonPriceEntry.org_id == org, CarbonPriceEntry.period_id.in_(period_ids))
        .group_by(CarbonPriceEntry.period_id),
    ]
    out: dict[uuid.UUID, list] = {pid: [] for pid in period_ids}
    for kind, pid, n, at in ctx.session.execute(union_all(*parts)):
        out[_as_uuid(pid)].append((kind, int(n), _stamp(at)))
    return {pid: tuple(sorted(v)) for pid, v in out.items()}


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _stamp(at) -> str:
    if isinstance(at, datetime):
        return at.replace(tzinfo=None).isoformat()
    return str(at)


def status_counts(ctx: Context, period_ids: list[uuid.UUID]) -> dict[str, int]:
    """Periods per workflow status, counted in the database."""
    if not period_ids:
        return {}
    p = ReportingPeriod
    q = select(p.status, func.count()).where(p.org_id == ctx.tenant, p.id.in_(period_ids)).group_by(p.status)
    return {status: int(n) for status, n in ctx.session.execute(q)}


def open_comments(ctx: Context, period_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Unresolved review comments per period."""
    if not period_ids:
        return {}
    c = ReviewComment
    q = (select(c.period_id, func.count()).where(c.org_id == ctx.tenant, c.period_id.in_(period_ids),
                                                 c.resolved.is_(False)).group_by(c.period_id))
    return {_as_uuid(pid): int(n) for pid, n in ctx.session.execute(q)}


def installation_names(ctx: Context) -> dict[uuid.UUID, tuple[str, str]]:
    """id → (name, country) of the organization's installations."""
    i = Installation
    return {r[0]: (r[1], r[2]) for r in ctx.session.execute(
        select(i.id, i.name, i.country).where(i.org_id == ctx.tenant).order_by(i.name))}


def customer_names(ctx: Context) -> dict[uuid.UUID, str]:
    c = Customer
    return {r[0]: r[1] for r in ctx.session.execute(
        select(c.id, c.name).where(c.org_id == ctx.tenant).order_by(c.name))}


def process_codes(ctx: Context, period_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Process id → its code in the scenario ("P1"), for the periods."""
    if not period_ids:
        return {}
    pp = ProductionProcess
    return {r[0]: r[1] for r in ctx.session.execute(
        select(pp.id, pp.code).where(pp.org_id == ctx.tenant, pp.period_id.in_(period_ids)))}


def goods_in_use(ctx: Context, period_ids: list[uuid.UUID]) -> list[str]:
    """The CN codes shipped in the periods (the good filter's options)."""
    if not period_ids:
        return []
    s = Shipment
    return [r[0] for r in ctx.session.execute(
        select(s.cn_code).where(s.org_id == ctx.tenant, s.period_id.in_(period_ids)).group_by(s.cn_code)
        .order_by(s.cn_code))]


def period_years(ctx: Context) -> list[int]:
    p = ReportingPeriod
    return [r[0] for r in ctx.session.execute(
        select(p.year).where(p.org_id == ctx.tenant).group_by(p.year).order_by(p.year.desc()))]


# Every table whose rows the dashboards read: a change to any moves the organization's data stamp.
STAMPED = (Installation, Customer, ReportingPeriod, ProductionProcess, SourceStream, ProcessInput, PurchasedPrecursor,
           Shipment, ReviewComment, PeriodSnapshot, CarbonPriceEntry)


def org_stamp(ctx: Context) -> tuple:
    """The organization's data version: per table, row count, latest change and the sum of row versions (an update
    bumps its row's version even when the clock stands still; a delete lowers the count). One query."""
    parts = [select(literal(m.__tablename__).label("t"), func.count().label("n"),
                    func.max(m.updated_at).label("at"), func.coalesce(func.sum(m.version), 0).label("v"))
             .where(m.org_id == ctx.tenant) for m in STAMPED]
    return tuple(sorted((t, int(n), _stamp(at), int(v)) for t, n, at, v in ctx.session.execute(union_all(*parts))))
