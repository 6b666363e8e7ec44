"""Chart data as CSV for download: UTF-8 with a byte-order mark (so Excel reads Chinese correctly), and every cell
that a spreadsheet would run as a formula neutralised (OWASP "CSV injection": a leading = + - @ tab or CR)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from core.numbers import decimal_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Numbers stay numbers (a negative number is not a formula); text starting like a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return decimal_text(value)  # 3.3, never 3.3000000000000003
    if isinstance(value, int | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(h) for h in header])
    for row in rows:
        w.writerow([neutralise(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
