"""Precursors: those bought from other installations (with the SEE their supplier reported, or default values),
and what each production process consumed, from its own installation's processes or purchased."""
from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.numbers import FACTOR, MASS_T, parse_fields
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
from core.reporting.processes import benchmark_route_error, clean_benchmark_route, code_taken
from core.validation import validate_country
from core.validation.text import check_changes
from db.reporting_models import ProcessInput, ProductionProcess, PurchasedPrecursor

DATA_SOURCES = ("actual", "default")


class PurchasedPrecursorData(BaseModel):
    code: str = Field(default="", max_length=20)
    goods_category: str = Field(default="", max_length=100)
    cn_code: str = ""
    supplier_installation: str = Field(default="", max_length=300)
    country: str = ""
    see_direct: float | str | None = None  # tCO2e/t; text as typed is parsed strictly by the service
    see_indirect: float | str | None = 0.0
    data_source: str = "default"
    justification: str = Field(default="", max_length=2000)  # why default values were used
    # benchmark route tag, e.g. C/D/E for a billet (BF/BOF, DRI/EAF, scrap/EAF): its Column B depends on it
    benchmark_route: str | None = None

    def values(self) -> dict[str, Any]:
        return dict(self.model_dump(), code=self.code.strip(), cn_code=clean_cn(self.cn_code) or "",
                    goods_category=reference().canonical_category(self.goods_category) or self.goods_category,
                    supplier_installation=self.supplier_installation.strip(), country=self.country.strip().upper(),
                    justification=self.justification.strip(),
                    benchmark_route=clean_benchmark_route(self.benchmark_route),
                    see_indirect=0.0 if self.see_indirect in (None, "") else self.see_indirect)


def _validate_precursor(ctx: Context, period_id: uuid.UUID, data: PurchasedPrecursorData,
                        current_id: uuid.UUID | None) -> None:
    ref = reference()
    check_changes(PurchasedPrecursor, dict(data))  # as typed, before any query (PostgreSQL refuses a NUL)
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    code = data.code.strip()
    if not CODE_PATTERN.fullmatch(code):
        errors["code"] = ("reporting.error_code_format", {"value": data.code})
    elif code_taken(ctx, period_id, code, except_id=current_id):
        errors["code"] = ("reporting.error_code_taken", {"value": code})
    if err := category_error(data.goods_category, ref):
        errors["goods_category"] = err
    if err := cn_error(data.cn_code, ref, None if "goods_category" in errors else data.goods_category):
        errors["cn_code"] = err
    if err := validate_country(data.country.strip()):
        errors["country"] = err
    if err := benchmark_route_error(data.benchmark_route):
        errors["benchmark_route"] = err
    parse_fields(data, {"see_direct": FACTOR, "see_indirect": FACTOR}, errors, required=("see_direct",))
    for name in ("see_direct", "see_indirect"):
        if name not in errors and getattr(data, name) is not None and not non_negative(getattr(data, name)):
            errors[name] = ("reporting.error_non_negative", {})
    if data.data_source not in DATA_SOURCES:
        errors["data_source"] = ("validation.choice", {})
    elif data.data_source == "actual" and not data.supplier_installation.strip():
        errors["supplier_installation"] = ("reporting.error_supplier_required", {})
    elif data.data_source == "default" and not data.justification.strip():
        # default values for precursors need a reason (Impl. Reg. (EU) 2023/1773 Art. 4(3); domain ref §2.4)
        errors["justification"] = ("reporting.error_justification_required", {})
    if errors:
        raise ValidationFailed(errors)


def list_purchased_precursors(ctx: Context, *, period_id: uuid.UUID) -> list[PurchasedPrecursor]:
    ctx.require(Permission.DATA_VIEW)
    return list(ctx.session.exec(select(PurchasedPrecursor).where(
        PurchasedPrecursor.org_id == ctx.tenant, PurchasedPrecursor.period_id == period_id)
        .order_by(PurchasedPrecursor.code)))


def add_purchased_precursor(ctx: Context, *, period_id: uuid.UUID,
                            data: PurchasedPrecursorData) -> PurchasedPrecursor:
    period = period_for_edit(ctx, period_id)
    _validate_precursor(ctx, period.id, data, None)
    return insert(ctx, PurchasedPrecursor(period_id=period.id, **data.values()),
                  action="precursor.created")


def update_purchased_precursor(ctx: Context, *, precursor_id: uuid.UUID, data: PurchasedPrecursorData,
                               expected_version: int) -> PurchasedPrecursor:
    ctx.require(Permission.DATA_EDIT)
    pp = get_scoped(ctx, PurchasedPrecursor, precursor_id)
    period_for_edit(ctx, pp.period_id)
    _validate_precursor(ctx, pp.period_id, data, pp.id)
    return versioned_update(ctx, pp, expected_version, data.values(), action="precursor.updated")


def delete_purchased_precursor(ctx: Context, *, precursor_id: uuid.UUID, expected_version: int) -> None:
    ctx.require(Permission.DATA_EDIT)
    pp = get_scoped(ctx, PurchasedPrecursor, precursor_id)
    period_for_edit(ctx, pp.period_id)
    used = ctx.session.exec(select(func.count()).select_from(ProcessInput).where(
        ProcessInput.org_id == ctx.tenant, ProcessInput.from_precursor_id == pp.id)).one()
    if used:
        raise DomainError("reporting.error_precursor_in_use", code=pp.code)
    delete(ctx, pp, expected_version, action="precursor.deleted")


class ProcessInputData(BaseModel):
    """Exactly one of `from_process_id` (own process) and `from_precursor_id` (purchased)."""

    from_process_id: uuid.UUID | None = None
    from_precursor_id: uuid.UUID | None = None
    mass: float | str | None = None  # t consumed; text as typed is parsed strictly by the service


def _feeds(ctx: Context, period_id: uuid.UUID) -> dict[uuid.UUID, set[uuid.UUID]]:
    """consumer process → the own processes it consumes."""
    edges: dict[uuid.UUID, set[uuid.UUID]] = {}
    rows = ctx.session.exec(select(ProcessInput.process_id, ProcessInput.from_process_id)
                            .join(ProductionProcess, ProductionProcess.id == ProcessInput.process_id)
                            .where(ProcessInput.org_id == ctx.tenant, ProductionProcess.period_id == period_id,
                                   ProcessInput.from_process_id.is_not(None)))
    for consumer, source in rows:
        edges.setdefault(consumer, set()).add(source)
    return edges


def _validate_input(ctx: Context, proc: ProductionProcess, data: ProcessInputData,
                    current_id: uuid.UUID | None) -> None:
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    if (data.from_process_id is None) == (data.from_precursor_id is None):
        errors["from"] = ("reporting.error_input_source", {})
    elif data.from_process_id is not None:
        src = ctx.session.get(ProductionProcess, data.from_process_id)
        if src is None or src.org_id != ctx.tenant or src.period_id != proc.period_id:
            errors["from"] = ("reporting.error_input_source", {})
        else:
            # a process may not consume, directly or through others, its own output (the engine refuses loops)
            edges = _feeds(ctx, proc.period_id)
            if current_id is not None:
                old = ctx.session.get(ProcessInput, current_id)
                if old is not None and old.from_process_id is not None:
                    edges.get(proc.id, set()).discard(old.from_process_id)
            stack, seen = [src.id], set()
            while stack:
                node = stack.pop()
                if node == proc.id:
                    errors["from"] = ("reporting.error_input_cycle", {"code": src.code})
                    break
                if node not in seen:
                    seen.add(node)
                    stack.extend(edges.get(node, ()))
    else:
        pp = ctx.session.get(PurchasedPrecursor, data.from_precursor_id)
        if pp is None or pp.org_id != ctx.tenant or pp.period_id != proc.period_id:
            errors["from"] = ("reporting.error_input_source", {})
    parse_fields(data, {"mass": MASS_T}, errors, required=("mass",))
    if "mass" not in errors and not positive(data.mass):
        errors["mass"] = ("reporting.error_positive", {})
    if errors:
        raise ValidationFailed(errors)


def list_process_inputs(ctx: Context, *, process_id: uuid.UUID) -> list[ProcessInput]:
    ctx.require(Permission.DATA_VIEW)
    return list(ctx.session.exec(select(ProcessInput).where(
        ProcessInput.org_id == ctx.tenant, ProcessInput.process_id == process_id).order_by(ProcessInput.created_at)))


def add_process_input(ctx: Context, *, process_id: uuid.UUID, data: ProcessInputData) -> ProcessInput:
    ctx.require(Permission.DATA_EDIT)
    proc = get_scoped(ctx, ProductionProcess, process_id)
    period_for_edit(ctx, proc.period_id)
    _validate_input(ctx, proc, data, None)
    return insert(ctx, ProcessInput(process_id=proc.id, **data.model_dump()),
                  action="process_input.created")


def update_process_input(ctx: Context, *, input_id: uuid.UUID, data: ProcessInputData,
                         expected_version: int) -> ProcessInput:
    ctx.require(Permission.DATA_EDIT)
    row = get_scoped(ctx, ProcessInput, input_id)
    proc = get_scoped(ctx, ProductionProcess, row.process_id)
    period_for_edit(ctx, proc.period_id)
    _validate_input(ctx, proc, data, row.id)
    return versioned_update(ctx, row, expected_version, data.model_dump(), action="process_input.updated")


def delete_process_input(ctx: Context, *, input_id: uuid.UUID, expected_version: int) -> None:
    ctx.require(Permission.DATA_EDIT)
    row = get_scoped(ctx, ProcessInput, input_id)
    proc = get_scoped(ctx, ProductionProcess, row.process_id)
    period_for_edit(ctx, proc.period_id)
    delete(ctx, row, expected_version, action="process_input.deleted")
