"""A period's data as a `cbam-scenario/1` object, the engine's results on it, and the canonical form that is
hashed when a period is frozen."""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import select

from core.access import Permission
from core.cbam import Evaluation, Term, evaluate_data
from core.context import Context
from core.errors import DomainError
from core.records import get_scoped
from core.reporting.carbon_price import scenario_carbon_prices
from core.reporting.common import APPROVED, reference
from core.reporting.shipments import LISTING_ORDER, quarter_of, quarter_of_date, year_of_date
from db.models import Installation
from db.reporting_models import (
    PeriodSnapshot,
    ProcessInput,
    ProductionProcess,
    PurchasedPrecursor,
    ReportingPeriod,
    Shipment,
    SourceStream,
)

FORMAT = "cbam-scenario/1"


def canonical_json(data: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _rows(ctx: Context, model, *conds, order=()) -> list:
    return list(ctx.session.exec(select(model).where(model.org_id == ctx.tenant, *conds).order_by(*order)))


def shipment_columns(ctx: Context, period_id: uuid.UUID) -> list[tuple]:
    """(id, customer id, process id, CN code, quantity, date, basis) of every shipment of the period, in the listing
    order that `imports[i]` and `shipments[i]` refer to. Plain columns, not ORM objects: a period can hold hundreds
    of thousands of shipments, and building an object per row costs ten times the query."""
    sh = Shipment
    return list(ctx.session.execute(
        sa_select(sh.id, sh.customer_id, sh.process_id, sh.cn_code, sh.quantity, sh.shipped_on, sh.basis)
        .where(sh.org_id == ctx.tenant, sh.period_id == period_id).order_by(*LISTING_ORDER)).all())


@dataclass(frozen=True, slots=True)
class ShipmentGroup:
    """The shipments of a period with the same customer, process, CN code, basis, quarter and year, summed."""

    customer_id: uuid.UUID
    process_id: uuid.UUID | None
    cn_code: str
    basis: str
    quarter: int
    year: int
    first_day: date
    quantity: float  # tonnes
    count: int
    largest: float = 0.0  # tonnes: the group's largest single shipment (plausibility rule DQ33)


def shipment_groups(ctx: Context, period_id: uuid.UUID) -> list[ShipmentGroup]:
    """The period's shipments summed in the database: what the engine prices and the quality rules check, without
    reading 200,000 rows into the application. The database sums per day, in the order of a covering index
    (ix_shipment_dashboard, no sort); the days then fold into quarters here (at most 366 per group)."""
    sh = Shipment
    rows = ctx.session.execute(
        sa_select(sh.customer_id, sh.process_id, sh.cn_code, sh.basis, sh.shipped_on, func.sum(sh.quantity),
                  func.count(), func.max(sh.quantity))
        .where(sh.org_id == ctx.tenant, sh.period_id == period_id)
        .group_by(sh.customer_id, sh.process_id, sh.cn_code, sh.basis, sh.shipped_on)).all()
    groups: dict[tuple, list] = {}
    for customer, process, cn, basis, day, quantity, count, largest in rows:
        key = (customer, process, cn, basis, quarter_of(day), day.year)
        g = groups.get(key)
        if g is None:
            groups[key] = [day, float(quantity), int(count), float(largest)]
        else:
            g[0] = min(g[0], day)
            g[1] += float(quantity)
            g[2] += int(count)
            g[3] = max(g[3], float(largest))
    out = [ShipmentGroup(c, p, cn, b, q, y, first, qty, n, big)
           for (c, p, cn, b, q, y), (first, qty, n, big) in groups.items()]
    return sorted(out, key=lambda g: (g.first_day, g.cn_code, g.basis, str(g.customer_id), str(g.process_id or "")))


def first_position(ctx: Context, period_id: uuid.UUID, group: ShipmentGroup, *, largest: bool = False) -> int:
    """Where the group's first shipment (`largest`: its largest one) stands in the period's listing order (the `i`
    of `shipments[i]`)."""
    sh = Shipment
    scope = (sh.org_id == ctx.tenant, sh.period_id == period_id)
    order = (sh.quantity.desc(), *LISTING_ORDER) if largest else LISTING_ORDER
    day, created, first = ctx.session.execute(
        sa_select(sh.shipped_on, sh.created_at, sh.id).where(
            *scope, sh.customer_id == group.customer_id, sh.cn_code == group.cn_code, sh.basis == group.basis,
            sh.process_id.is_(None) if group.process_id is None else sh.process_id == group.process_id,
            quarter_of_date(sh.shipped_on) == group.quarter, year_of_date(sh.shipped_on) == group.year)
        .order_by(*order).limit(1)).one()
    return ctx.session.execute(sa_select(func.count()).select_from(sh).where(*scope, or_(
        sh.shipped_on < day, and_(sh.shipped_on == day, or_(
            sh.created_at < created, and_(sh.created_at == created, sh.id < first)))))).scalar_one()


def _import_line(basis: str, cn_code: str, quantity: float, quarter: int, process_id: uuid.UUID | None,
                 code: dict[uuid.UUID, str], country: str) -> dict[str, Any]:
    """One line of the scenario's `imports`: actual values name the producing process, default values the origin."""
    line: dict[str, Any] = {"basis": basis, "cn_code": cn_code, "quantity": quantity, "quarter": quarter}
    if basis == "actual":
        line["process"] = code[process_id]
    else:
        line["country"] = country
    return line


def group_lines(groups: list[ShipmentGroup], code: dict[uuid.UUID, str], country: str) -> list[dict[str, Any]]:
    """The scenario's `imports`, one line per shipment group."""
    return [_import_line(g.basis, g.cn_code, g.quantity, g.quarter, g.process_id, code, country) for g in groups]


def import_lines(shipments: list[tuple], code: dict[uuid.UUID, str], country: str) -> list[dict[str, Any]]:
    """The scenario's `imports`, one line per shipment (columns as `shipment_columns` reads them)."""
    return [_import_line(basis, cn_code, quantity, quarter_of(day), process_id, code, country)
            for _id, _customer, process_id, cn_code, quantity, day, basis in shipments]


def scenario_of(ctx: Context, period: ReportingPeriod, *, pin_reference: bool = False,
                with_imports: bool = True) -> dict[str, Any]:
    """Build the scenario from the period's rows (no permission check: callers check). `with_imports=False` leaves
    the shipments out (the dashboards sum them in SQL and price one tonne per good)."""
    inst = get_scoped(ctx, Installation, period.installation_id)  # the period's own organization's, or NotFound
    procs = _rows(ctx, ProductionProcess, ProductionProcess.period_id == period.id, order=(ProductionProcess.code,))
    pps = _rows(ctx, PurchasedPrecursor, PurchasedPrecursor.period_id == period.id, order=(PurchasedPrecursor.code,))
    proc_ids = [p.id for p in procs]
    streams = _rows(ctx, SourceStream, SourceStream.process_id.in_(proc_ids),
                    order=(SourceStream.position, SourceStream.created_at, SourceStream.id))
    inputs = _rows(ctx, ProcessInput, ProcessInput.process_id.in_(proc_ids),
                   order=(ProcessInput.created_at, ProcessInput.id))
    code = {p.id: p.code for p in procs} | {pp.id: pp.code for pp in pps}
    processes = []
    for p in procs:
        d: dict[str, Any] = {
            "id": p.code, "goods_category": p.goods_category, "route": p.route, "cn_code": p.cn_code,
            "activity_level": p.activity_level, "direct_emissions": p.direct_emissions,
            "heat": {"imported_TJ": p.heat_imported_tj, "imported_ef": p.heat_imported_ef,
                     "exported_TJ": p.heat_exported_tj, "exported_ef": p.heat_exported_ef},
            "waste_gas": {"imported_TJ": p.waste_gas_imported_tj, "exported_TJ": p.waste_gas_exported_tj},
            "electricity": {"consumed_MWh": p.electricity_consumed_mwh, "ef": p.electricity_ef,
                            "exported_MWh": p.electricity_exported_mwh, "exported_ef": p.electricity_exported_ef},
            "inputs": [{"from": code[i.from_process_id or i.from_precursor_id], "mass": i.mass}
                       for i in inputs if i.process_id == p.id],
        }
        if p.benchmark_route:  # only when stated: the route name and the charge settle it otherwise
            d["benchmark_route"] = p.benchmark_route
        if p.qualifying_parameters:  # the charge (t scrap per t steel) settles an EAF's benchmark route
            d["qualifying_parameters"] = dict(p.qualifying_parameters)
        if p.direct_emissions is None:
            d["source_streams"] = [{"method": s.method, "name": s.name, **s.params}
                                   for s in streams if s.process_id == p.id]
        processes.append(d)
    imports = (import_lines(shipment_columns(ctx, period.id), code, inst.country) if with_imports else [])
    parameters = dict(period.parameters or {})
    carbon_prices = scenario_carbon_prices(ctx, period.id, {p.id: p.code for p in procs})
    if pin_reference:  # a frozen snapshot names the reference-data versions it was computed with
        versions = reference().versions
        parameters.setdefault("default_values_version", versions["default_values"])
        parameters.setdefault("benchmarks_version", versions["benchmarks"])
    return {
        "format": FORMAT,
        "name": f"{inst.name} {period.year} v{period.version_no}",
        "source": f"reporting period {period.id} version {period.version_no}",
        "reporting_year": period.year,
        "installation": {"name": inst.name, "country": inst.country},
        "processes": processes,
        "purchased_precursors": [
            {"id": pp.code, "goods_category": pp.goods_category, "cn_code": pp.cn_code, "country": pp.country,
             "see_direct": pp.see_direct, "see_indirect": pp.see_indirect, "data_source": pp.data_source,
             **({"benchmark_route": pp.benchmark_route} if pp.benchmark_route else {})}
            for pp in pps],
        "imports": imports,
        "parameters": parameters,
        **({"carbon_prices": carbon_prices} if carbon_prices else {}),  # Art. 9 (issue 13): only when entered
    }


def build_scenario(ctx: Context, *, period_id: uuid.UUID) -> dict[str, Any]:
    """The period as `cbam-scenario/1`: for an approved period, the frozen snapshot; otherwise its current data."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    if period.status == APPROVED:
        return json.loads(snapshot_of(ctx, period).content)
    return scenario_of(ctx, period)


def snapshot_of(ctx: Context, period: ReportingPeriod) -> PeriodSnapshot:
    snap = ctx.session.exec(select(PeriodSnapshot).where(PeriodSnapshot.org_id == ctx.tenant,
                                                         PeriodSnapshot.period_id == period.id)).first()
    if snap is None:
        raise DomainError("reporting.error_no_snapshot", year=period.year, version=period.version_no)
    return snap


@dataclass(slots=True)
class ProcessSee:
    code: str
    name: str
    goods_category: str
    cn_code: str | None
    see_direct: float  # tCO2e/t
    see_indirect: float
    see_total: float
    cbam_basis: float  # what the obligation counts per tonne
    terms: list[Term] = field(default_factory=list)  # "why this number"


@dataclass(slots=True)
class ShipmentCost:
    shipment_id: uuid.UUID
    customer_id: uuid.UUID
    cn_code: str
    quantity: float
    quarter: int
    basis: str
    embedded_emissions: float
    certificates: float | None  # None: a benchmark is missing (incomplete)
    cost_eur: Decimal | None  # None: no certificate price for that quarter yet, or incomplete
    terms: list[Term] = field(default_factory=list)


@dataclass(slots=True)
class LineCost:
    """The shipments of one good, basis, process (or origin) and quarter, summed: what the engine prices."""

    cn_code: str
    basis: str
    process: str | None  # actual values: the producing process; default values: None
    quarter: int
    quantity: float      # tonnes, summed
    count: int           # shipments summed into the line
    embedded_emissions: float
    certificates: float | None  # None: a benchmark is missing (incomplete)
    cost_eur: Decimal | None


@dataclass(slots=True)
class LiveResults:
    period_id: uuid.UUID
    version_no: int
    status: str
    snapshot_hash: str | None  # which frozen snapshot these numbers come from; None: the current draft
    processes: list[ProcessSee]
    shipments: list[ShipmentCost]  # one per shipment, only when asked for (`per_shipment=True`)
    total_certificates: float | None  # None: a benchmark is missing, the total is incomplete
    total_cost_eur: Decimal | None
    reference_versions: dict[str, str]
    flags: list[dict[str, Any]]
    evaluation: Evaluation | None = None  # the engine's own result, for the quality rules of the same render
    lines: list[LineCost] = field(default_factory=list)  # shipments summed per good, basis, process and quarter
    groups: list[ShipmentGroup] | None = None  # the draft's shipment groups, for the quality rules of the same render


def _summed(imports: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """Import lines with the same good, basis, process (or origin) and quarter summed into one: the obligation is
    linear in the quantity (Reg. (EU) 2023/956 Art. 22: certificates = embedded emissions), so the totals are those
    of the lines one by one, for a few evaluations instead of one per shipment."""
    sums: dict[tuple, dict[str, Any]] = {}
    counts: dict[tuple, int] = {}
    for line in imports:
        key = (line.get("basis"), line.get("cn_code"), line.get("process"), line.get("country"), line.get("quarter"))
        if key in sums:
            sums[key]["quantity"] += line["quantity"]
            counts[key] += 1
        else:
            sums[key] = dict(line)
            counts[key] = 1
    return list(sums.values()), list(counts.values())


def _group_counts(lines: list[dict[str, Any]], groups: list[ShipmentGroup]) -> list[int]:
    """Shipments per summed line, from the groups the lines were made of (in `_summed`'s order)."""
    counts: dict[tuple, int] = {}
    for line, g in zip(lines, groups, strict=True):
        key = (line.get("basis"), line.get("cn_code"), line.get("process"), line.get("country"), line.get("quarter"))
        counts[key] = counts.get(key, 0) + g.count
    return list(counts.values())


def live_results(ctx: Context, *, period_id: uuid.UUID, per_shipment: bool = False) -> LiveResults:
    """SEE per process and the cost of the period's shipments, computed by the engine, with the terms behind each
    number. The shipments are priced summed per good, basis, process and quarter (`lines`); `per_shipment=True`
    prices each shipment on its own as well (`shipments`), which for a large period is the slow part.

    Raises the engine's `CbamError` (a DomainError with a `cbam.` key) while the data is incomplete."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    snap = snapshot_of(ctx, period) if period.status == APPROVED else None
    procs = ctx.session.execute(sa_select(ProductionProcess.id, ProductionProcess.code, ProductionProcess.name).where(
        ProductionProcess.org_id == ctx.tenant, ProductionProcess.period_id == period.id)).all()
    code = {pid: c for pid, c, _name in procs}
    names = {c: name for _pid, c, name in procs}
    groups = None
    if snap:
        scenario = json.loads(snap.content)
    else:
        scenario = scenario_of(ctx, period, with_imports=False)
        groups = shipment_groups(ctx, period.id)
        scenario["imports"] = group_lines(groups, code, scenario["installation"]["country"])
    summed, counts = _summed(scenario["imports"])
    if groups is not None:  # a line of groups counts their shipments
        counts = _group_counts(scenario["imports"], groups)
    each = scenario["imports"]
    scenario["imports"] = summed
    ev = evaluate_data(scenario)
    lines = [LineCost(r.cn_code, r.basis, line.get("process"), r.quarter, r.quantity, n, r.embedded_emissions,
                      r.certificates, r.cost_eur) for line, r, n in zip(scenario["imports"], ev.imports, counts,
                                                                        strict=True)]
    processes = [ProcessSee(pid, names.get(pid, ""), r.goods_category, r.cn_code, r.see_direct, r.see_indirect,
                            r.see_total, r.cbam_basis, list(r.terms)) for pid, r in ev.processes.items()]
    costs: list[ShipmentCost] = []
    if per_shipment:
        shipments = shipment_columns(ctx, period.id)
        if not snap:
            each = import_lines(shipments, code, scenario["installation"]["country"])
        one_by_one = evaluate_data(scenario | {"imports": each})
        costs = [ShipmentCost(row[0], row[1], r.cn_code, r.quantity, r.quarter, r.basis, r.embedded_emissions,
                              r.certificates, r.cost_eur, list(r.terms))
                 for row, r in zip(shipments, one_by_one.imports, strict=True)]
    return LiveResults(period.id, period.version_no, period.status, snap.hash if snap else None, processes, costs,
                       ev.total_certificates, ev.total_cost_eur, ev.reference_versions, ev.flags, ev, lines, groups)
