"""The shipments CSV is written column by column (bench/bench_exports.py): its bytes must be exactly those of the
row-by-row writer it replaced (csv module over `cell`), whatever the values — commas, quotes, line breaks, a
leading formula character, unicode, floats with binary noise, -0.0, tiny and huge floats, None, Decimals that
compare equal but print differently, dates and datetimes, mixed columns."""
from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from core.exchange.csv_export import BOM, cell, csv_bytes


def row_by_row(header: list[str], rows: list[list]) -> bytes:
    """The writer before the column-by-column one: the oracle."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


TRICKY_TEXT = ["plain", "a,b", 'say "hi"', "=SUM(A1)", "+1", "-x", "@cmd", "\tTab", "\rCR", "line\nbreak",
               "中文，客户", "Négoce Métaux", "", " lead space", "'quoted", "a=b", "x\r\ny", '"', ","]
TRICKY_FLOATS = [3.3, 0.1 + 0.2, -0.0, 0.0, 1e-7, 1.5e-12, 1e21, 123456789012345678.0, -5.25, 2.1, 1 / 3, 7.0]


def test_fixed_bytes_of_tricky_values():
    header = ["=h", "b", "c", "d", "e", "f"]
    rows = [["=SUM(A1)", 3.3, None, Decimal("1.00"), date(2026, 3, 31), 'a,"b"'],
            ["中文", 0.1 + 0.2, None, Decimal("1.0"), date(2026, 1, 1), "x\ny"],
            ["-x", -0.0, None, Decimal("75.36"), date(2026, 12, 1), "@y"]]
    expected = (BOM + "'=h,b,c,d,e,f\r\n"
                "'=SUM(A1),3.3,,1.00,2026-03-31,\"a,\"\"b\"\"\"\r\n"
                "中文,0.3,,1.0,2026-01-01,\"x\ny\"\r\n"
                "'-x,0,,75.36,2026-12-01,'@y\r\n").encode("utf-8")
    assert csv_bytes(header, rows) == expected == row_by_row(header, rows)


def test_random_tables_match_the_row_by_row_writer():
    rng = random.Random(18)
    utc8 = timezone(timedelta(hours=8))
    for n in (1, 2, 7, 50, 3000):  # small tables and one where repeated values are converted once
        rows = []
        for i in range(n):
            moment = datetime(2026, 1, 1, 8, tzinfo=UTC) + timedelta(hours=i % 5)
            rows.append([
                rng.choice(TRICKY_TEXT),                                  # text, sometimes a formula
                f"PO-{i}",                                                # text, never a formula
                rng.choice(TRICKY_FLOATS) if i % 3 else rng.uniform(-1e6, 1e6),  # floats, noise and all
                rng.choice([1.5, 2.5, -0.0, 0.0]),                        # few floats, many times
                date(2026, 1 + i % 12, 1 + i % 28),                       # dates, repeated
                1 + i % 4,                                                # ints, repeated
                rng.randrange(-10**20, 10**20),                           # ints, distinct
                rng.choice([Decimal("1.0"), Decimal("1.00"), Decimal("-0.5"), Decimal("75.36")]),
                moment if i % 2 else moment.astimezone(utc8),            # equal datetimes, other offsets
                rng.choice([None, "x", 1, 2.5, True, False, Decimal("3"), date(2026, 5, 5), "=1"]),  # mixed
                None,                                                     # empty column
                rng.choice([True, False]),
            ])
        header = [f"c{k}" for k in range(len(rows[0]))]
        assert csv_bytes(header, rows) == row_by_row(header, rows), n


def test_rows_of_different_widths_and_single_columns():
    rows = [["a", 1.5], ["=b"], ["c", None, 3.3]]
    assert csv_bytes(["x", "y", "z"], rows) == row_by_row(["x", "y", "z"], rows)
    single = [[""], ["=x"], [None], ['"']]
    assert csv_bytes(["only"], single) == row_by_row(["only"], single)  # an empty single field is written ""
    assert csv_bytes(["h"], []) == row_by_row(["h"], [])


def test_the_column_check_never_passes_a_number_an_export_cannot_write():
    """`_surely_exportable` lets the shipments CSV skip the value-by-value walk; it may send a column to that walk
    needlessly, but must never pass a column the walk would refuse."""
    from core.exchange.csv_export import _surely_exportable
    from core.exchange.numbers import absurd_numbers

    rng = random.Random(7)
    pool = [1.5, -2.25, 0.0, -0.0, 1e12, -1e12, 1e12 + 1, 2e13, float("inf"), float("-inf"), float("nan"), 5e-324,
            7, -7, 10**12, 10**12 + 1, 10**400, Decimal("75.36"), Decimal("1e12"), Decimal("1.0000001e12"),
            Decimal("Infinity"), Decimal("NaN"), Decimal("sNaN"), Decimal("-1E+400"), None, "x", date(2026, 1, 1),
            True]
    for _ in range(3000):
        column = tuple(rng.choice(pool) for _ in range(rng.randint(0, 6)))
        if _surely_exportable(column):
            assert not list(absurd_numbers(column, tiny=False)), column
    # the columns a real export holds take the quick path
    assert _surely_exportable((1.5, 2.0, None, 1e12)) and _surely_exportable((Decimal("75.36"), None))
    assert _surely_exportable(("a", date(2026, 1, 1), None)) and _surely_exportable((1, 2, 3))
    assert not _surely_exportable((1.5, float("nan"))) and not _surely_exportable((Decimal("1e13"),))


def test_constant_and_plain_float_columns_write_the_same_bytes():
    """The writer's short cuts: a column of one value is a literal of the row format (a "%" in it must stay a
    percent sign), plain floats are formatted by `%.15g` (only where that is exactly `decimal_text`)."""
    from core.exchange.csv_export import csv_columns_bytes

    rng = random.Random(3)
    price = Decimal("75.36")
    n = 2000
    constants = ["100% =x", "a,b", "=SUM(A1)", "", "中文", "%s%d", 7, 2.5, -0.0, date(2026, 1, 1), None, True]
    floats = [
        [rng.uniform(1e-4, 1e-3) for _ in range(n)],           # just above the exponent's threshold
        [rng.uniform(9e13, 1e14 - 1) for _ in range(n)],       # just below 1e14
        [-rng.uniform(5, 50) for _ in range(n)],               # all negative
        [rng.uniform(-5, 5) for _ in range(n)],                # both signs (converted value by value)
        [rng.uniform(5, 50) if i != n // 2 else 5e-5 for i in range(n)],  # one small value among plain ones
        [rng.uniform(5, 50) if i != n // 2 else 1e15 for i in range(n)],  # one huge value
        [rng.uniform(5, 50) if i != n // 2 else float("nan") for i in range(n)],
        [rng.uniform(5, 50) if i != n // 2 else -0.0 for i in range(n)],
        [0.1 + 0.2 + i for i in range(n)],                     # binary noise
        [99999999999999.99] + [rng.uniform(5, 50) for _ in range(n - 1)],  # rounds up to 1e14 at 15 digits
    ]
    decimals = [
        [price] * n,                                           # one object: converted once
        [Decimal("1.0")] * (n // 2) + [Decimal("1.00")] * (n // 2),  # equal values that print apart
        [Decimal(i) / 100 for i in range(n)],
    ]
    columns = [tuple([c] * n) for c in constants] + [tuple(f) for f in floats] + [tuple(d) for d in decimals]
    header = [f"h{k}%" for k in range(len(columns))]
    rows = [list(r) for r in zip(*columns, strict=True)]
    assert csv_columns_bytes(header, columns) == row_by_row(header, rows)
    # a row of constants only (no value to format)
    assert csv_columns_bytes(["a", "b"], [("x%",) * 3, (5,) * 3]) == row_by_row(["a", "b"], [["x%", 5]] * 3)
