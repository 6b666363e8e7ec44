"""Production processes of a reporting period: goods, route, activity level, heat, waste gas and electricity."""
from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.numbers import EMISSIONS_T, ENERGY, FACTOR, MASS_T, parse_fields
from core.records import delete, get_scoped, insert, versioned_update
from core.reporting.common import (
    CODE_PATTERN,
    category_error,
    clean_cn,
    cn_error,
    non_negative,
    period_for_edit,
    positive,
    reference,
)
from core.validation.text import check_changes
from db.reporting_models import ProcessInput, ProductionProcess, PurchasedPrecursor, Shipment, SourceStream

# Heat, waste gas and electricity fields (template sheet D_Processes; units as in `cbam-scenario/1`).
ENERGY_FIELDS = ("heat_imported_tj", "heat_imported_ef", "heat_exported_tj", "heat_exported_ef",
                 "waste_gas_imported_tj", "waste_gas_exported_tj", "electricity_consumed_mwh", "electricity_ef",
                 "electricity_exported_mwh", "electricity_exported_ef")
# Emission factors stay empty (None) until entered: empty is not zero. A consumption above zero without its
# factor is data-quality rule DQ07 / DQ09 (blocking), never a silent 0.
FACTOR_FIELDS = ("heat_imported_ef", "heat_exported_ef", "electricity_ef", "electricity_exported_ef")
AMOUNT_FIELDS = tuple(f for f in ENERGY_FIELDS if f not in FACTOR_FIELDS)  # an empty amount is none: 0
NUMBER_FIELDS = {"activity_level": MASS_T, "direct_emissions": EMISSIONS_T} | {
    f: FACTOR if f in FACTOR_FIELDS else ENERGY for f in ENERGY_FIELDS}


class ProcessData(BaseModel):
    code: str = Field(default="", max_length=20)
    name: str = Field(default="", max_length=200)
    goods_category: str = Field(default="", max_length=100)
    route: str | None = Field(default=None, max_length=200)
    cn_code: str | None = None  # the main good: benchmarks and the Annex II test use it
    cn_codes: list[str] = Field(default_factory=list)  # every CN code the process produces
    # benchmark route tag (A)-(L) of 2025/2620 where the route name and charge do not settle it; empty: derived
    benchmark_route: str | None = None
    # numbers: as typed (text is parsed strictly by the service) or numbers; an emission factor starts empty
    activity_level: float | str | None = None  # t (MWh for electricity)
    direct_emissions: float | str | None = None  # tCO2e; None: the sum of the source streams
    qualifying_parameters: dict[str, Any] = Field(default_factory=dict)
    heat_imported_tj: float | str | None = 0.0
    heat_imported_ef: float | str | None = None  # tCO2/TJ
    heat_exported_tj: float | str | None = 0.0
    heat_exported_ef: float | str | None = None
    heat_ef_source: str = Field(default="", max_length=300)
    waste_gas_imported_tj: float | str | None = 0.0
    waste_gas_exported_tj: float | str | None = 0.0
    electricity_consumed_mwh: float | str | None = 0.0
    electricity_ef: float | str | None = None  # tCO2/MWh
    electricity_exported_mwh: float | str | None = 0.0
    electricity_exported_ef: float | str | None = None
    electricity_ef_source: str = Field(default="", max_length=300)

    def values(self) -> dict[str, Any]:
        main = clean_cn(self.cn_code)
        codes = [c for c in dict.fromkeys(clean_cn(c) for c in self.cn_codes) if c]
        if main and main not in codes:
            codes.insert(0, main)
        amounts = {f: 0.0 if getattr(self, f) in (None, "") else getattr(self, f) for f in AMOUNT_FIELDS}
        return dict(self.model_dump(), **amounts, code=self.code.strip(), name=self.name.strip(),
                    goods_category=reference().canonical_category(self.goods_category) or self.goods_category,
                    route=(self.route or "").strip() or None, cn_code=main, cn_codes=codes,
                    benchmark_route=clean_benchmark_route(self.benchmark_route))


BENCHMARK_ROUTES = tuple("ABCDEFGHJKL")  # route tags of Impl. Reg. (EU) 2025/2620 Annex (domain ref §3.2)


def clean_benchmark_route(value: str | None) -> str | None:
    return (value or "").strip().upper() or None


def benchmark_route_error(value: str | None) -> tuple[str, dict[str, object]] | None:
    route = clean_benchmark_route(value)
    return None if route is None or route in BENCHMARK_ROUTES else ("validation.choice", {})


def code_taken(ctx: Context, period_id: uuid.UUID, code: str, *, except_id: uuid.UUID | None = None) -> bool:
    """Process and purchased-precursor codes share one name space: the scenario's ids."""
    n = 0
    for model in (ProductionProcess, PurchasedPrecursor):
        q = select(func.count()).select_from(model).where(model.org_id == ctx.tenant, model.period_id == period_id,
                                                          func.lower(model.code) == code.lower())
        if except_id is not None:
            q = q.where(model.id != except_id)
        n += ctx.session.exec(q).one()
    return n > 0


def _validate(ctx: Context, period_id: uuid.UUID, data: ProcessData, current: ProductionProcess | None) -> None:
    check_changes(ProductionProcess, dict(data))  # as typed, before any query (PostgreSQL refuses a NUL)
    ref = reference()
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    code = data.code.strip()
    if not CODE_PATTERN.fullmatch(code):
        errors["code"] = ("reporting.error_code_format", {"value": data.code})
    elif code_taken(ctx, period_id, code, except_id=current.id if current else None):
        errors["code"] = ("reporting.error_code_taken", {"value": code})
    if err := category_error(data.goods_category, ref):
        errors["goods_category"] = err
    category = None if "goods_category" in errors else data.goods_category
    if data.cn_code and (err := cn_error(data.cn_code, ref, category)):
        errors["cn_code"] = err
    for n, cn in enumerate(data.cn_codes):
        if err := cn_error(cn, ref, category):
            errors[f"cn_codes[{n}]"] = err
    if (err := benchmark_route_error(data.benchmark_route)):
        errors["benchmark_route"] = err
    if isinstance(data.direct_emissions, str) and not data.direct_emissions.strip():
        # given as a figure but left empty (None, not "", means "the sum of the source streams")
        errors["direct_emissions"] = ("validation.required", {})
    parse_fields(data, NUMBER_FIELDS, errors, required=("activity_level",))
    if "activity_level" not in errors and not positive(data.activity_level):
        errors["activity_level"] = ("reporting.error_positive", {})
    if data.direct_emissions is not None:
        if not non_negative(data.direct_emissions):
            errors["direct_emissions"] = ("reporting.error_non_negative", {})
        elif current is not None and _stream_count(ctx, current.id):
            errors["direct_emissions"] = ("reporting.error_direct_and_streams", {})
    for name in ENERGY_FIELDS:
        if name not in errors and getattr(data, name) is not None and not non_negative(getattr(data, name)):
            errors[name] = ("reporting.error_non_negative", {})
    if category:
        allowed = set(ref.categories[ref.canonical_category(category)].qualifying_parameters)
        for key in data.qualifying_parameters:
            if key not in allowed:
                errors[f"qualifying_parameters.{key}"] = ("reporting.error_qualifying_parameter", {"name": key})
    if errors:
        raise ValidationFailed(errors)


def _stream_count(ctx: Context, process_id: uuid.UUID) -> int:
    return ctx.session.exec(select(func.count()).select_from(SourceStream).where(
        SourceStream.org_id == ctx.tenant, SourceStream.process_id == process_id)).one()


def list_processes(ctx: Context, *, period_id: uuid.UUID) -> list[ProductionProcess]:
    ctx.require(Permission.DATA_VIEW)
    return list(ctx.session.exec(select(ProductionProcess).where(
        ProductionProcess.org_id == ctx.tenant, ProductionProcess.period_id == period_id)
        .order_by(ProductionProcess.code)))


def get_process(ctx: Context, *, process_id: uuid.UUID) -> ProductionProcess:
    ctx.require(Permission.DATA_VIEW)
    return get_scoped(ctx, ProductionProcess, process_id)


def add_process(ctx: Context, *, period_id: uuid.UUID, data: ProcessData) -> ProductionProcess:
    period = period_for_edit(ctx, period_id)
    _validate(ctx, period.id, data, None)
    return insert(ctx, ProductionProcess(period_id=period.id, **data.values()),
                  action="process.created")


def update_process(ctx: Context, *, process_id: uuid.UUID, data: ProcessData,
                   expected_version: int) -> ProductionProcess:
    ctx.require(Permission.DATA_EDIT)
    proc = get_scoped(ctx, ProductionProcess, process_id)
    period_for_edit(ctx, proc.period_id)
    _validate(ctx, proc.period_id, data, proc)
    return versioned_update(ctx, proc, expected_version, data.values(), action="process.updated")


def delete_process(ctx: Context, *, process_id: uuid.UUID, expected_version: int) -> None:
    """Delete a process with its source streams and the inputs it consumed; refused while another process consumes
    it or a shipment names it."""
    ctx.require(Permission.DATA_EDIT)
    proc = get_scoped(ctx, ProductionProcess, process_id)
    period_for_edit(ctx, proc.period_id)
    used = ctx.session.exec(select(func.count()).select_from(ProcessInput).where(
        ProcessInput.org_id == ctx.tenant, ProcessInput.from_process_id == proc.id)).one()
    shipped = ctx.session.exec(select(func.count()).select_from(Shipment).where(
        Shipment.org_id == ctx.tenant, Shipment.process_id == proc.id)).one()
    if used or shipped:
        raise DomainError("reporting.error_process_in_use", code=proc.code)
    if proc.version != expected_version:  # checked before the children go, so a stale delete removes nothing
        delete(ctx, proc, expected_version, action="process.deleted")
    for stream in ctx.session.exec(select(SourceStream).where(
            SourceStream.org_id == ctx.tenant, SourceStream.process_id == proc.id)).all():
        delete(ctx, stream, stream.version, action="source_stream.deleted")
    for row in ctx.session.exec(select(ProcessInput).where(
            ProcessInput.org_id == ctx.tenant, ProcessInput.process_id == proc.id)).all():
        delete(ctx, row, row.version, action="process_input.deleted")
    from core.reporting.carbon_price import delete_for_process  # its Art. 9 entry goes with it (issue 13)

    delete_for_process(ctx, proc.id)
    delete(ctx, proc, expected_version, action="process.deleted")
