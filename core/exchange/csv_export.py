"""CSV exports: UTF-8 with a byte-order mark and CRLF lines, so that Excel opens them with the right characters,
and every text cell neutralised against formula injection (DESIGN.md, Tenancy and security).

A spreadsheet treats a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula (OWASP,
"CSV Injection"); such a text cell gets a leading `'`, which Excel shows as text. Numbers are written as numbers.
"""
from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.access import Permission
from core.cbam import evaluate_data
from core.context import Context
from core.errors import NotFound
from core.exchange.frozen import Frozen, load_frozen
from core.exchange.numbers import require_exportable
from core.i18n import t
from core.numbers import decimal_text

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would read as a formula, made plain text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell(value: Any) -> str:
    kind = type(value)
    if kind is str:  # the common cases first, by exact type (a 200,000-row export calls this 3 million times)
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if kind is float:
        return decimal_text(value)
    if kind is int or kind is Decimal:  # numbers stay numbers (a negative number is not a formula)
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return decimal_text(value) if isinstance(value, float) else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


@dataclass(slots=True)
class CsvExport:
    filename: str
    content: bytes
    snapshot_hash: str
    rows: int


# Embedded emissions twice, named apart: without the default-value mark-up (what the registry report carries for a
# default-value line) and with it (the CBAM basis the certificates are counted from); equal for actual data.
COLUMNS = ("snapshot", "shipped_on", "quarter", "customer", "eori", "order_reference", "cn_code", "quantity",
           "basis", "process", "see_without_markup", "embedded_emissions_without_markup", "see_basis",
           "embedded_emissions", "certificates", "price_eur", "cost_eur")


def shipments_rows(frozen: Frozen, customer_id: uuid.UUID | None = None, lang: str = "en") -> list[list[Any]]:
    require_exportable(frozen.scenario)
    ev = evaluate_data(frozen.scenario)
    rows = []
    for s in frozen.shipments:
        if customer_id is not None and s.customer_id != customer_id:
            continue
        r = ev.imports[s.index]
        cust = frozen.customers.get(s.customer_id)
        rows.append([frozen.snapshot_hash, s.shipped_on, r.quarter, cust.name if cust else "",
                     cust.eori if cust else "", s.order_reference, r.cn_code, r.quantity,
                     t(f"entry.basis.{r.basis}", lang),  # "实际值", not "actual", on a Chinese export
                     s.line.get("process") or "", r.see_without_markup, r.embedded_emissions_without_markup,
                     r.see_basis, r.embedded_emissions, r.certificates, r.price_eur, r.cost_eur])
    return rows


def shipments_csv_of(frozen: Frozen, *, customer_id: uuid.UUID | None, lang: str) -> CsvExport:
    if customer_id is not None and customer_id not in frozen.customers:
        # another organization's customer, or one this version never shipped to: a refusal, not a KeyError
        raise NotFound("customer", customer_id)
    header = [t(f"csv.column.{c}", lang) for c in COLUMNS]
    rows = shipments_rows(frozen, customer_id, lang)
    who = frozen.customers[customer_id].eori if customer_id is not None else "all"
    name = f"shipments_{who}_{frozen.period.year}_v{frozen.period.version_no}.csv"
    require_exportable(rows, tiny=False)  # what the engine made of them too (a cost that overflowed)
    return CsvExport(name, csv_bytes(header, rows), frozen.snapshot_hash, len(rows))


def shipments_csv(ctx: Context, *, period_id: uuid.UUID, customer_id: uuid.UUID | None = None,
                  lang: str = "en") -> CsvExport:
    """The shipments of an approved period (one customer's, or all) with embedded emissions, certificates and
    cost, from its frozen snapshot."""
    ctx.require(Permission.DATA_VIEW)
    return shipments_csv_of(load_frozen(ctx, period_id), customer_id=customer_id, lang=lang)
