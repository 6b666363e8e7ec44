"""CSV exports: UTF-8 with a byte-order mark and CRLF lines, so that Excel opens them with the right characters,
and every text cell neutralised against formula injection (DESIGN.md, Tenancy and security).

A spreadsheet treats a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula (OWASP,
"CSV Injection"); such a text cell gets a leading `'`, which Excel shows as text. Numbers are written as numbers.
"""
from __future__ import annotations

import csv
import io
import itertools
import operator
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
from core.numbers import EXPORT_SIGNIFICANT_DIGITS, decimal_text

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


# Column by column (a 200,000-row export: a few passes in C instead of 3 million calls of `cell`), with exactly the
# text `cell` makes of each value.
_FORMULA_AFTER_NEWLINE = tuple("\n" + p for p in FORMULA_PREFIXES)
_QUOTE_CHARS = (",", '"', "\r", "\n")  # what the csv module quotes (delimiter, quote, line ends), `"` doubled
# types whose equal values have the same text (not Decimal: 1.0 == 1.00; not datetime: equal across time zones)
_SAME_TEXT = {int, float, date}


def _floats(column) -> list[str]:
    """`decimal_text` of floats: formatted in C, and only a cell that needs more (an exponent, inf, nan, a negative
    zero) formatted again by `decimal_text`."""
    texts = list(map(format, column, itertools.repeat(f".{EXPORT_SIGNIFICANT_DIGITS}g")))
    joined = "\n".join(texts)
    if "e" in joined or "n" in joined or "-0" in texts:
        return [t if "e" not in t and "n" not in t and t != "-0" else decimal_text(v)
                for t, v in zip(texts, column, strict=True)]
    return texts


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in _QUOTE_CHARS) else text


def _column(column: tuple) -> list[str] | tuple:
    """One column's cells as the csv module writes `cell` of each: converted, and quoted where needed."""
    kinds = set(map(type, column))
    kind = next(iter(kinds)) if len(kinds) == 1 else None
    if kind is str:
        distinct = set(column)
        formula = any(p in "\n" + "\n".join(distinct) for p in _FORMULA_AFTER_NEWLINE)
        quotes = any(c in "".join(distinct) for c in _QUOTE_CHARS)
        if not formula and not quotes:
            return column
        if not quotes:  # a few cells to neutralise (an order reference "=PO-1"), nothing to quote
            return ["'" + v if v.startswith(FORMULA_PREFIXES) else v for v in column]
        if len(distinct) * 4 < len(column):
            text = {v: _quote(neutralise(v)) for v in distinct}
            return list(map(text.__getitem__, column))
        return [_quote(neutralise(v)) for v in column]
    # numbers and dates: their text never holds a character the csv module quotes
    if kind in _SAME_TEXT:
        distinct = set(column)
        if len(distinct) * 4 < len(column):  # few values, many times (dates, quarters, a price)
            text = {v: cell(v) for v in distinct}
            return list(map(text.__getitem__, column))
        if kind is float:
            return _floats(column)
    if kind is int or kind is Decimal:  # `cell` writes them with str, which runs in C
        return list(map(str, column))
    if kind is datetime:
        return list(map(datetime.isoformat, column))
    return [_quote(cell(v)) for v in column]


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    if len(set(map(len, rows))) == 1 and len(rows[0]) > 1:
        # rows of one width: converted and quoted column by column (as the csv module quotes), joined in C
        # (itemgetter, not zip(*rows): that makes an iterator per row, and the garbage collector sweeps them all)
        columns = [_column(tuple(map(operator.itemgetter(i), rows))) for i in range(len(rows[0]))]
        out.write("\r\n".join(map(",".join, zip(*columns, strict=True))))
        out.write("\r\n")
    else:
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
