"""Export: the bilingual data-entry workbook of one reporting period, pre-filled with its current data.

Written with openpyxl in write-only mode (streams rows, so a period with 200,000 shipments exports in bounded
memory). Text cells are always stored as text, so a value such as "=HYPERLINK(...)" is never a formula.
"""
from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import select

from core.access import Permission
from core.context import Context
from core.exchange.workbook import layout as L
from core.exchange.workbook.reader import basis_label
from core.i18n import t
from core.records import get_scoped
from core.reporting.common import reference
from core.reporting.customers import EU_MEMBER_STATES
from core.reporting.precursors import DATA_SOURCES
from core.reporting.source_streams import METHOD_FIELDS
from core.validation.identifiers import COUNTRIES
from db.models import Installation, Organization
from db.reporting_models import (
    Customer,
    ProcessInput,
    ProductionProcess,
    PurchasedPrecursor,
    ReportingPeriod,
    Shipment,
    SourceStream,
)

_HEAD = PatternFill("solid", fgColor="DDEBF7")
_KEYS = Font(color="808080", size=8)
_BOLD = Font(bold=True)


def header(column: L.Column, lang: str) -> str:
    label = t(f"exchange.workbook.col.{column.key}", lang)
    return f"{label} ({column.unit})" if column.unit and column.kind != L.DATE else label


def note(column: L.Column) -> str:
    parts = [t(f"exchange.workbook.note.{column.key}", "zh"), t(f"exchange.workbook.note.{column.key}", "en")]
    if column.unit:
        parts.append(t("exchange.workbook.unit", "zh", unit=column.unit) + " / "
                     + t("exchange.workbook.unit", "en", unit=column.unit))
    return "\n".join(parts)


def _cell(ws, value: Any, **style: Any) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot be stored in a workbook
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        c.data_type = "s"  # never a formula, whatever the text starts with
    for k, v in style.items():
        setattr(c, k, v)
    return c


def _lists(codes: list[str], customers: list[str], processes: list[str]) -> dict[str, list[str]]:
    ref = reference()
    routes = sorted({r for c in ref.categories.values() for r in c.production_routes})
    units = {f: u.split(" | ") for fields in METHOD_FIELDS.values() for f, u in fields}
    return {
        "categories": sorted(ref.categories), "routes": routes, "methods": list(METHOD_FIELDS),
        "countries": sorted(COUNTRIES), "eu_countries": sorted(EU_MEMBER_STATES), "data_sources": [basis_label(c) for c in DATA_SOURCES],
        "cn_codes": sorted(ref.cn_categories), "activity_units": units["activity_unit"],
        "ncv_units": units["ncv_unit"], "ef_units": sorted(set(units["ef_unit"]) | {"tCO2/t", "tCO2/1000Nm3"}),
        "carbon_units": units["carbon_content_unit"], "gases": units["gas"], "codes": codes,
        "customers": customers, "processes": processes,
    }


def _validation(sheet: L.Sheet, col_no: int, column: L.Column, ranges: dict[str, str]) -> DataValidation | None:
    if column.choices is None:
        return None
    letter = get_column_letter(col_no)
    # lists of the organization's own records are suggestions (new rows may add codes); reference lists are strict
    strict = column.choices not in ("codes", "customers", "processes")
    dv = DataValidation(type="list", formula1=ranges[column.choices], allow_blank=True, showErrorMessage=strict,
                        errorTitle="CBAM", error=t("exchange.workbook.choose_from_list", "zh") + " / "
                        + t("exchange.workbook.choose_from_list", "en"))
    dv.add(f"{letter}{L.FIRST_ROW}:{letter}{L.FIRST_ROW + L.MAX_ROWS - 1}")
    return dv


def _data_sheet(wb: Workbook, sheet: L.Sheet, rows: Iterable[list[Any]], ranges: dict[str, str]) -> None:
    ws = wb.create_sheet(sheet.title)
    ws.freeze_panes = f"B{L.FIRST_ROW}"
    for n, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
        if dv := _validation(sheet, n, column, ranges):
            ws.data_validations.append(dv)
    ws.row_dimensions[L.KEY_ROW].hidden = True
    zh = []
    for column in sheet.columns:
        c = _cell(ws, header(column, "zh"), font=_BOLD, fill=_HEAD, alignment=Alignment(wrap_text=True))
        c.comment = Comment(note(column), "CBAM", width=320, height=160)
        zh.append(c)
    ws.append(zh)
    ws.append([_cell(ws, header(c, "en"), font=_BOLD, fill=_HEAD, alignment=Alignment(wrap_text=True))
               for c in sheet.columns])
    ws.append([_cell(ws, c.key, font=_KEYS) for c in sheet.columns])
    for row in rows:
        ws.append([_value(ws, v) for v in row])


def _value(ws, v: Any) -> Any:
    """Plain values are appended as they are (fast); only text openpyxl would take for a formula, or with control
    characters, needs a cell of its own."""
    if isinstance(v, str) and (v.startswith("=") or ILLEGAL_CHARACTERS_RE.search(v)):
        return _cell(ws, v)
    return v


def _basis(code: str | None) -> str | None:
    return basis_label(code) if code in DATA_SOURCES else code


def _num(v: float | None) -> float | None:
    return None if v is None else float(v)


def _qualifying(params: dict[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in params.items())


def _readme(wb: Workbook, info: list[tuple[str, str]]) -> None:
    ws = wb.create_sheet(L.README_TITLE)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110
    ws.append([_cell(ws, t("exchange.workbook.readme.title", "zh") + " / " + t("exchange.workbook.readme.title", "en"),
                     font=Font(bold=True, size=14))])
    for label, value in info:
        ws.append([_cell(ws, label, font=_BOLD), _cell(ws, value)])
    ws.append([])
    for n in range(1, 8):
        for lang in ("zh", "en"):
            ws.append([_cell(ws, f"{n}." if lang == "zh" else ""),
                       _cell(ws, t(f"exchange.workbook.readme.step{n}", lang), alignment=Alignment(wrap_text=True))])
    ws.append([])
    for sheet in L.TAB_ORDER:
        ws.append([_cell(ws, sheet.title, font=_BOLD),
                   _cell(ws, t(f"exchange.workbook.sheet.{sheet.key}", "zh") + " / "
                         + t(f"exchange.workbook.sheet.{sheet.key}", "en"))])


def export_workbook(ctx: Context, *, period_id: uuid.UUID) -> bytes:
    """The period's data-entry workbook (.xlsx bytes), pre-filled so that download → edit → upload works. It is
    a tool for entering data, so it needs edit rights (the data import page is DATA_EDIT too)."""
    ctx.require(Permission.DATA_EDIT)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    inst = ctx.session.get(Installation, period.installation_id)
    org = ctx.session.get(Organization, ctx.tenant)

    def rows(model, *conds, order=()):
        return list(ctx.session.exec(select(model).where(model.org_id == ctx.tenant, *conds).order_by(*order)))

    procs = rows(ProductionProcess, ProductionProcess.period_id == period.id, order=(ProductionProcess.code,))
    pps = rows(PurchasedPrecursor, PurchasedPrecursor.period_id == period.id, order=(PurchasedPrecursor.code,))
    ids = [p.id for p in procs]
    code = {p.id: p.code for p in procs} | {pp.id: pp.code for pp in pps}
    streams = rows(SourceStream, SourceStream.process_id.in_(ids),
                   order=(SourceStream.process_id, SourceStream.position, SourceStream.created_at))
    inputs = rows(ProcessInput, ProcessInput.process_id.in_(ids), order=(ProcessInput.created_at, ProcessInput.id))
    customers = rows(Customer, order=(Customer.name,))
    eori = {c.id: c.eori for c in customers}
    shipments = rows(Shipment, Shipment.period_id == period.id,
                     order=(Shipment.order_reference, Shipment.shipped_on, Shipment.created_at, Shipment.id))

    wb = Workbook(write_only=True)
    lists = _lists(sorted(code.values()), [c.eori for c in customers], [p.code for p in procs])
    ls = wb.create_sheet(L.LISTS_TITLE)
    names = list(lists)
    height = max(len(v) for v in lists.values())
    ls.append([_cell(ls, n) for n in names])
    for i in range(height):
        ls.append([_cell(ls, lists[n][i]) if i < len(lists[n]) else None for n in names])
    ls.sheet_state = "hidden"
    ranges = {n: f"'{L.LISTS_TITLE}'!${get_column_letter(k)}$2:${get_column_letter(k)}${max(len(lists[n]), 1) + 1}"
              for k, n in enumerate(names, start=1)}
    # the organization's own processes and customers: the sheets' own key columns, so new rows join the lists
    for key, sheet, col in (("processes", L.PROCESSES, "A"), ("customers", L.CUSTOMERS, "A")):
        ranges[key] = f"'{sheet.title}'!${col}${L.FIRST_ROW}:${col}${L.FIRST_ROW + L.MAX_ROWS - 1}"

    _readme(wb, [
        ("Format", L.FORMAT),
        (t("exchange.workbook.info.organization", "zh") + " / " + t("exchange.workbook.info.organization", "en"),
         (org.name_zh or org.name_en or "") if org else ""),
        (t("exchange.workbook.info.installation", "zh") + " / " + t("exchange.workbook.info.installation", "en"),
         inst.name if inst else ""),
        (t("exchange.workbook.info.period", "zh") + " / " + t("exchange.workbook.info.period", "en"),
         f"{period.year} v{period.version_no} ({period.status})"),
        (t("exchange.workbook.info.exported", "zh") + " / " + t("exchange.workbook.info.exported", "en"),
         ctx.clock.now().strftime("%Y-%m-%d %H:%M UTC")),
    ])
    _data_sheet(wb, L.PROCESSES, ([
        p.code, p.name, p.goods_category, p.route, p.cn_code,
        " ".join(c for c in (p.cn_codes or []) if c != p.cn_code), _num(p.activity_level), _num(p.direct_emissions),
        _qualifying(p.qualifying_parameters or {}), p.heat_imported_tj, p.heat_imported_ef, p.heat_exported_tj,
        p.heat_exported_ef, p.heat_ef_source, p.waste_gas_imported_tj, p.waste_gas_exported_tj,
        p.electricity_consumed_mwh, p.electricity_ef, p.electricity_exported_mwh, p.electricity_exported_ef,
        p.electricity_ef_source] for p in procs), ranges)
    _data_sheet(wb, L.SOURCE_STREAMS, ([code[s.process_id], s.name, s.method,
                                        *((s.params or {}).get(k) for k in L.STREAM_PARAMS)] for s in streams), ranges)
    _data_sheet(wb, L.PROCESS_INPUTS, ([code[i.process_id], code[i.from_process_id or i.from_precursor_id], i.mass]
                                       for i in inputs), ranges)
    _data_sheet(wb, L.PRECURSORS, ([pp.code, pp.goods_category, pp.cn_code, pp.country, pp.supplier_installation,
                                    pp.see_direct, pp.see_indirect, _basis(pp.data_source), pp.justification] for pp in pps),
                ranges)
    _data_sheet(wb, L.CUSTOMERS, ([c.eori, c.name, c.country, c.contact_name, c.contact_email] for c in customers),
                ranges)

    def shipment_rows() -> Iterable[list[Any]]:
        line, last = 0, None
        for s in shipments:
            line = line + 1 if s.order_reference == last else 1
            last = s.order_reference
            yield [s.order_reference, line, eori.get(s.customer_id, ""), code.get(s.process_id) if s.process_id else None,
                   s.cn_code, s.quantity, s.shipped_on, _basis(s.basis)]
    _data_sheet(wb, L.SHIPMENTS, shipment_rows(), ranges)
    # the read-me first, the hidden lists last
    wb._sheets = [wb[L.README_TITLE], *(wb[s.title] for s in L.TAB_ORDER), wb[L.LISTS_TITLE]]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
