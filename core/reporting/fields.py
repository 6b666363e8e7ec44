"""Field paths → the entry page and row they concern.

Data-quality findings and the engine's errors name a field as in the scenario (`processes[1].electricity.ef`,
`purchased_precursors[0].see_direct`, `imports[3].quantity`); review comments may also name rows by their
identifier (`processes.P1.activity_level`). `locate_field` turns either into a page, a row id and the field's
name on that page, so a finding can link to the place where it is fixed."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.records import get_scoped
from core.reporting.shipments import LISTING_ORDER
from db.reporting_models import ProductionProcess, PurchasedPrecursor, ReportingPeriod, Shipment, SourceStream

_HEAD = re.compile(r"^(?P<coll>[a-z_]+)(?:\[(?P<index>\d+)\]|\.(?P<code>[A-Za-z0-9_-]{1,20}))(?:\.(?P<rest>.+))?$")
_STREAM = re.compile(r"^source_streams\[(?P<index>\d+)\](?:\.(?P<field>.+))?$")
_INPUT = re.compile(r"^inputs\[(?P<index>\d+)\](?:\.(?P<field>.+))?$")
# scenario field names → the entry pages' field names (the table columns of db/reporting_models.py)
_SHIPMENT_FIELDS = {"date": "shipped_on", "process": "process_id", "customer": "customer_id"}


@dataclass(frozen=True, slots=True)
class FieldTarget:
    page: str  # "processes" | "precursors" | "shipments" | "customers"
    row_id: uuid.UUID | None  # the process, precursor or shipment; None when the row is not found
    field: str  # the field on that page ("electricity_ef", "see_direct", "shipped_on"); "" for the row
    stream_id: uuid.UUID | None = None  # a source stream of the process
    input_index: int | None = None  # a process input (0-based, in listing order)
    position: int | None = None  # a shipment's place in the period's listing (for paging)


def _flat(field: str | None) -> str:
    """`electricity.consumed_MWh` → `electricity_consumed_mwh` (the column names)."""
    return (field or "").replace(".", "_").lower()


def _nth(ctx: Context, model, period_id: uuid.UUID, index: str | None, code: str | None):
    q = select(model).where(model.org_id == ctx.tenant, model.period_id == period_id)
    if code is not None:
        return ctx.session.exec(q.where(func.lower(model.code) == code.lower())).first()
    return ctx.session.exec(q.order_by(model.code).offset(int(index)).limit(1)).first()


def locate_field(ctx: Context, *, period_id: uuid.UUID, path: str) -> FieldTarget | None:
    """The page and row a field path concerns; None for a path that names no entry page (parameters, …)."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    m = _HEAD.match(path.strip())
    if m is None:
        return None
    coll, index, code, rest = m["coll"], m["index"], m["code"], m["rest"] or ""
    if coll == "processes":
        proc = _nth(ctx, ProductionProcess, period.id, index, code)
        if proc is None:
            return FieldTarget("processes", None, "")
        if s := _STREAM.match(rest):
            stream = ctx.session.exec(select(SourceStream).where(
                SourceStream.org_id == ctx.tenant, SourceStream.process_id == proc.id)
                .order_by(SourceStream.position, SourceStream.created_at, SourceStream.id)
                .offset(int(s["index"])).limit(1)).first()
            return FieldTarget("processes", proc.id, s["field"] or "", stream_id=stream.id if stream else None)
        if i := _INPUT.match(rest):
            return FieldTarget("processes", proc.id, _flat(i["field"]) or "", input_index=int(i["index"]))
        return FieldTarget("processes", proc.id, _flat(rest))
    if coll == "purchased_precursors":
        pp = _nth(ctx, PurchasedPrecursor, period.id, index, code)
        return FieldTarget("precursors", pp.id if pp else None, _flat(rest))
    if coll in ("imports", "shipments") and index is not None:
        row = ctx.session.exec(select(Shipment).where(Shipment.org_id == ctx.tenant, Shipment.period_id == period.id)
                               .order_by(*LISTING_ORDER).offset(int(index)).limit(1)).first()
        field = _SHIPMENT_FIELDS.get(rest, _flat(rest))
        if row is None:
            return FieldTarget("shipments", None, field)
        return FieldTarget("shipments", row.id, field, position=int(index))
    if coll == "customers":
        return FieldTarget("customers", None, _flat(rest))
    return None


# the scenario's names of a process's fields (core/reporting/scenario.py), by the entry page's column name
_PROCESS_FIELDS = {_flat(n): n for n in (
    "goods_category", "route", "benchmark_route", "cn_code", "activity_level", "direct_emissions", "heat.imported_TJ",
    "heat.imported_ef", "heat.exported_TJ", "heat.exported_ef", "waste_gas.imported_TJ", "waste_gas.exported_TJ",
    "electricity.consumed_MWh", "electricity.ef", "electricity.exported_MWh", "electricity.exported_ef")}
_SHIPMENT_NAMES = {column: name for name, column in _SHIPMENT_FIELDS.items()}
_COLLECTIONS = {"processes": "processes", "precursors": "purchased_precursors", "shipments": "imports"}


def field_path(page: str, index: int, field: str = "", *, stream_index: int | None = None,
               input_index: int | None = None) -> str:
    """The path a finding would use for a field of an entry page's row (the reverse of `locate_field`): the row's
    place in the scenario (processes and precursors by code, shipments in listing order) and the field's scenario
    name. `field_path("processes", 1, "electricity_ef") == "processes[1].electricity.ef"`."""
    head = f"{_COLLECTIONS[page]}[{index}]"
    if page == "processes" and stream_index is not None:
        head = f"{head}.source_streams[{stream_index}]"
    elif page == "processes" and input_index is not None:
        head = f"{head}.inputs[{input_index}]"
    elif page == "processes":
        field = _PROCESS_FIELDS.get(field, field)
    elif page == "shipments":
        field = _SHIPMENT_NAMES.get(field, field)
    return f"{head}.{field}" if field else head


def shipment_positions(ctx: Context, *, period_id: uuid.UUID, shipments: list[Shipment]) -> dict[uuid.UUID, int]:
    """Each shipment's place in the period's whole listing (the `i` of `imports[i]`), for a filtered page whose rows
    are not contiguous: one counting query per row, read from the listing index."""
    ctx.require(Permission.DATA_VIEW)
    sh = Shipment
    out = {}
    for s in shipments:
        out[s.id] = ctx.session.exec(select(func.count()).select_from(sh).where(
            sh.org_id == ctx.tenant, sh.period_id == period_id,
            (sh.shipped_on < s.shipped_on) | ((sh.shipped_on == s.shipped_on) & (
                (sh.created_at < s.created_at) | ((sh.created_at == s.created_at) & (sh.id < s.id)))))).one()
    return out
