"""CSV exports: UTF-8 with a byte-order mark and CRLF lines, so that Excel opens them with the right characters,
and every text cell neutralised against formula injection (DESIGN.md, Tenancy and security).

A spreadsheet treats a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula (OWASP,
"CSV Injection"); such a text cell gets a leading `'`, which Excel shows as text. Numbers are written as numbers.
"""
from __future__ import annotations

import csv
import functools
import io
import itertools
import math
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
from core.exchange.numbers import EXPORT_MAX, require_exportable
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
_SAMPLE = 512


def _floats(column: tuple) -> list[str]:
    """`decimal_text` of floats: formatted in C in one pass, and only a cell that needs more (an exponent, inf, nan,
    a negative zero) formatted again by `decimal_text`."""
    joined = (f"%.{EXPORT_SIGNIFICANT_DIGITS}g\n" * len(column)) % column  # as format(v, ".15g"), in one call
    texts = joined.split("\n")
    texts.pop()
    if "e" in joined or "n" in joined or joined.startswith("-0\n") or "\n-0\n" in joined:
        return [t if "e" not in t and "n" not in t and t != "-0" else decimal_text(v)
                for t, v in zip(texts, column, strict=True)]
    return texts


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in _QUOTE_CHARS) else text


def _kind(column: tuple) -> type | None:
    """The one type of a column's values, or None when they are of several."""
    kinds = set(map(type, column))
    return next(iter(kinds)) if len(kinds) == 1 else None


def _column(column: tuple, kind: type | None) -> list[str] | tuple:
    """One column's cells (all of type `kind`, or None: mixed) as the csv module writes `cell` of each: converted,
    and quoted where needed."""
    if kind is str:
        sample = column[:_SAMPLE]
        repeated = len(set(sample)) * 4 < len(sample)
        distinct = set(column) if repeated else None
        values = distinct if repeated and len(distinct) * 4 < len(column) else column  # a repeated text: looked at once
        lines = "\n" + "\n".join(values)
        formula = any(p in lines for p in _FORMULA_AFTER_NEWLINE)
        flat = "".join(values)
        quotes = any(c in flat for c in _QUOTE_CHARS)
        if not formula and not quotes:
            return column
        if not quotes:  # a few cells to neutralise (an order reference "=PO-1"), nothing to quote: found in C
            out = list(column)
            for i in itertools.compress(range(len(out)), map(str.startswith, out, itertools.repeat(FORMULA_PREFIXES))):
                out[i] = "'" + out[i]
            return out
        if values is distinct:
            text = {v: _quote(neutralise(v)) for v in distinct}
            return list(map(text.__getitem__, column))
        return [_quote(neutralise(v)) for v in column]
    # numbers and dates: their text never holds a character the csv module quotes
    sample = column[:_SAMPLE]  # a column whose first values all differ is converted value by value
    if kind in _SAME_TEXT and len(set(sample)) * 4 < len(sample):
        distinct = set(column)
        if len(distinct) * 4 < len(column):  # few values, many times (dates, quarters)
            text = {v: cell(v) for v in distinct}
            return list(map(text.__getitem__, column))
    if kind is float:
        return _floats(column)
    if kind is Decimal and len(set(map(id, sample))) * 4 < len(sample):
        # the same price object on every row: converted once (by object, not value: 1.0 == 1.00 prints apart)
        ids = list(map(id, column))
        objects = dict(zip(ids, column, strict=True))
        if len(objects) * 4 < len(column):
            text = {k: str(v) for k, v in objects.items()}
            return list(map(text.__getitem__, ids))
    if kind is int or kind is Decimal:  # `cell` writes them with str, which runs in C
        return list(map(str, column))
    if kind is datetime:
        return list(map(datetime.isoformat, column))
    return [_quote(cell(v)) for v in column]


def _line(values: list[Any]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([cell(v) for v in values])
    return out.getvalue()


def csv_rows_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """The plain writer, row by row through the csv module (rows of different widths; the reference the column
    writer is tested against)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _constant_text(column: tuple, kind: type | None) -> str | None:
    """The text of every cell of a column that holds one value throughout (a snapshot hash, a customer, a price),
    else None."""
    sample = column[:_SAMPLE]
    if kind is Decimal:  # by object: equal Decimals may print apart (1.0, 1.00)
        if len(set(map(id, sample))) == 1 and len(set(map(id, column))) == 1:
            return _quote(cell(column[0]))
        return None
    if kind not in (*_SAME_TEXT, str, type(None)):  # mixed types (None), or values whose equal ones print apart
        return None
    if len(set(sample)) == 1 and len(set(column)) == 1:
        return _quote(cell(column[0]))
    return None


def _plain_floats(column: tuple, kind: type | None) -> bool:
    """Floats that `%.15g` writes exactly as `decimal_text` does, with no exponent: finite, none zero (no "-0"),
    all of 1e-4 <= |v| < 1e14 (told for all-positive or all-negative columns; others are converted by `_column`)."""
    if kind is not float:
        return False
    sample = column[:_SAMPLE]
    if len(set(sample)) * 4 < len(sample):  # few values, many times: converted once each by `_column`
        return False
    if not math.isfinite(sum(column)):  # nan or inf when any value is
        return False
    low, high = min(column), max(column)
    return 1e-4 <= low and high < 1e14 or -1e14 < low and high <= -1e-4


def csv_columns_bytes(header: list[str], columns: list[tuple]) -> bytes:
    """A table given column by column (each a tuple of one column's values, all of one length), as the csv module
    writes `cell` of each value: the same bytes as `csv_rows_bytes` of its rows.

    Written by one string formatting in C: a column holding one value throughout is a literal of the row format,
    plain floats are formatted by it (`%.15g`), and every other column is converted and quoted column by column."""
    if len(set(map(len, columns))) > 1:
        raise ValueError("columns of different lengths")
    if len(columns) < 2 or not columns[0]:  # an empty single field is written "" by the csv module; no rows
        return csv_rows_bytes(header, list(zip(*columns, strict=True)))
    row, items = [], []
    for column in columns:
        kind = _kind(column)  # one pass over the column's types, for all three
        constant = _constant_text(column, kind)
        if constant is not None:
            row.append(constant.replace("%", "%%"))
        elif _plain_floats(column, kind):
            row.append(f"%.{EXPORT_SIGNIFICANT_DIGITS}g")
            items.append(column)
        else:
            row.append("%s")
            items.append(_column(column, kind))
    n, k = len(columns[0]), len(items)
    values = [None] * (n * k)  # row by row: the k values of row 0, then of row 1, ...
    for i, item in enumerate(items):
        values[i::k] = item
    body = ((",".join(row) + "\r\n") * n) % tuple(values)
    # encoded apart from the byte-order mark: an ASCII body then encodes as one copy
    return b"".join((BOM.encode("utf-8"), _line(header).encode("utf-8"), body.encode("utf-8")))


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    if rows and len(set(map(len, rows))) == 1 and len(rows[0]) > 1:
        # rows of one width: read into columns (itemgetter, not zip(*rows): that makes an iterator per row, and
        # the garbage collector sweeps them all)
        return csv_columns_bytes(header, [tuple(map(operator.itemgetter(i), rows)) for i in range(len(rows[0]))])
    return csv_rows_bytes(header, rows)


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


def shipments_columns(frozen: Frozen, customer_id: uuid.UUID | None = None, lang: str = "en") -> list[tuple]:
    """The export's table, column by column (in the order of COLUMNS), read from the snapshot and the engine's
    result by attribute in C."""
    require_exportable(frozen.scenario)
    ev = evaluate_data(frozen.scenario)
    ships = [s for s in frozen.shipments if customer_id is None or s.customer_id == customer_id]
    results = list(map(ev.imports.__getitem__, map(operator.attrgetter("index"), ships)))
    names = {cid: (c.name, c.eori) for cid, c in frozen.customers.items()}
    who = list(map(names.get, map(operator.attrgetter("customer_id"), ships), itertools.repeat(("", ""))))
    basis = {b: t(f"entry.basis.{b}", lang) for b in {r.basis for r in results}}  # "实际值", not "actual", in Chinese

    def of(items: list, name: str) -> tuple:
        return tuple(map(operator.attrgetter(name), items))

    return [(frozen.snapshot_hash,) * len(ships), of(ships, "shipped_on"), of(results, "quarter"),
            tuple(map(operator.itemgetter(0), who)), tuple(map(operator.itemgetter(1), who)),
            of(ships, "order_reference"), of(results, "cn_code"), of(results, "quantity"),
            tuple(map(basis.__getitem__, of(results, "basis"))),
            tuple(s.line.get("process") or "" for s in ships),
            of(results, "see_without_markup"), of(results, "embedded_emissions_without_markup"),
            of(results, "see_basis"), of(results, "embedded_emissions"), of(results, "certificates"),
            of(results, "price_eur"), of(results, "cost_eur")]


def _surely_exportable(column: tuple) -> bool:
    """True when a column holds no number an export cannot write, told in C (False: it may, so look value by value,
    which names the first such field)."""
    kinds = set(map(type, column)) - {str, date, datetime, type(None)}
    if not kinds:
        return True
    if not kinds <= {float, int, Decimal}:
        return False
    numbers = tuple(filter(functools.partial(operator.is_not, None), column))
    try:
        total = sum(map(abs, numbers))  # inf or nan when any value is
        return math.isfinite(total) and max(map(abs, numbers)) <= EXPORT_MAX
    except (ArithmeticError, TypeError):  # a signalling NaN, an int beyond float, floats mixed with Decimals
        return False


def shipments_csv_of(frozen: Frozen, *, customer_id: uuid.UUID | None, lang: str) -> CsvExport:
    if customer_id is not None and customer_id not in frozen.customers:
        # another organization's customer, or one this version never shipped to: a refusal, not a KeyError
        raise NotFound("customer", customer_id)
    header = [t(f"csv.column.{c}", lang) for c in COLUMNS]
    columns = shipments_columns(frozen, customer_id, lang)
    who = frozen.customers[customer_id].eori if customer_id is not None else "all"
    name = f"shipments_{who}_{frozen.period.year}_v{frozen.period.version_no}.csv"
    for column in columns:  # what the engine made of them too (a cost that overflowed), named by row and column
        if not _surely_exportable(column):
            require_exportable([list(row) for row in zip(*columns, strict=True)], tiny=False)
            break
    return CsvExport(name, csv_columns_bytes(header, columns), frozen.snapshot_hash, len(columns[0]))


def shipments_csv(ctx: Context, *, period_id: uuid.UUID, customer_id: uuid.UUID | None = None,
                  lang: str = "en") -> CsvExport:
    """The shipments of an approved period (one customer's, or all) with embedded emissions, certificates and
    cost, from its frozen snapshot."""
    ctx.require(Permission.DATA_VIEW)
    return shipments_csv_of(load_frozen(ctx, period_id), customer_id=customer_id, lang=lang)
