"""A period's data as a `cbam-scenario/1` object, the engine's results on it, and the canonical form that is
hashed when a period is frozen."""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import select

from core.access import Permission
from core.cbam import Evaluation, Term, evaluate_data
from core.context import Context
from core.errors import DomainError
from core.records import get_scoped
from core.reporting.common import APPROVED, reference
from core.reporting.shipments import quarter_of
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


def scenario_of(ctx: Context, period: ReportingPeriod, *, pin_reference: bool = False) -> dict[str, Any]:
    """Build the scenario from the period's rows (no permission check: callers check)."""
    inst = ctx.session.get(Installation, period.installation_id)
    assert inst is not None
    procs = _rows(ctx, ProductionProcess, ProductionProcess.period_id == period.id, order=(ProductionProcess.code,))
    pps = _rows(ctx, PurchasedPrecursor, PurchasedPrecursor.period_id == period.id, order=(PurchasedPrecursor.code,))
    proc_ids = [p.id for p in procs]
    streams = _rows(ctx, SourceStream, SourceStream.process_id.in_(proc_ids),
                    order=(SourceStream.position, SourceStream.created_at, SourceStream.id))
    inputs = _rows(ctx, ProcessInput, ProcessInput.process_id.in_(proc_ids),
                   order=(ProcessInput.created_at, ProcessInput.id))
    shipments = _rows(ctx, Shipment, Shipment.period_id == period.id,
                      order=(Shipment.shipped_on, Shipment.created_at, Shipment.id))
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
        if p.direct_emissions is None:
            d["source_streams"] = [{"method": s.method, "name": s.name, **s.params}
                                   for s in streams if s.process_id == p.id]
        processes.append(d)
    imports = []
    for s in shipments:
        line: dict[str, Any] = {"basis": s.basis, "cn_code": s.cn_code, "quantity": s.quantity,
                                "quarter": quarter_of(s.shipped_on)}
        if s.basis == "actual":
            line["process"] = code[s.process_id]
        else:
            line["country"] = inst.country
        imports.append(line)
    parameters = dict(period.parameters or {})
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
             "see_direct": pp.see_direct, "see_indirect": pp.see_indirect, "data_source": pp.data_source}
            for pp in pps],
        "imports": imports,
        "parameters": parameters,
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
    certificates: float
    cost_eur: Decimal | None  # None: no certificate price for that quarter yet
    terms: list[Term] = field(default_factory=list)


@dataclass(slots=True)
class LiveResults:
    period_id: uuid.UUID
    version_no: int
    status: str
    snapshot_hash: str | None  # which frozen snapshot these numbers come from; None: the current draft
    processes: list[ProcessSee]
    shipments: list[ShipmentCost]
    total_certificates: float
    total_cost_eur: Decimal | None
    reference_versions: dict[str, str]
    flags: list[dict[str, Any]]
    evaluation: Evaluation | None = None  # the engine's own result, for the quality rules of the same render


def live_results(ctx: Context, *, period_id: uuid.UUID) -> LiveResults:
    """SEE per process and the cost of each shipment, computed by the engine, with the terms behind each number.

    Raises the engine's `CbamError` (a DomainError with a `cbam.` key) while the data is incomplete."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    snap = snapshot_of(ctx, period) if period.status == APPROVED else None
    scenario = json.loads(snap.content) if snap else scenario_of(ctx, period)
    ev = evaluate_data(scenario)
    names = {p.code: p.name for p in _rows(ctx, ProductionProcess, ProductionProcess.period_id == period.id)}
    processes = [ProcessSee(pid, names.get(pid, ""), r.goods_category, r.cn_code, r.see_direct, r.see_indirect,
                            r.see_total, r.cbam_basis, list(r.terms)) for pid, r in ev.processes.items()]
    shipments = _rows(ctx, Shipment, Shipment.period_id == period.id,
                      order=(Shipment.shipped_on, Shipment.created_at, Shipment.id))
    costs = [ShipmentCost(s.id, s.customer_id, r.cn_code, r.quantity, r.quarter, r.basis, r.embedded_emissions,
                          r.certificates, r.cost_eur, list(r.terms)) for s, r in zip(shipments, ev.imports, strict=True)]
    return LiveResults(period.id, period.version_no, period.status, snap.hash if snap else None, processes, costs,
                       ev.total_certificates, ev.total_cost_eur, ev.reference_versions, ev.flags, ev)
