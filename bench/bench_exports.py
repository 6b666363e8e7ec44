"""Exports on generated data of realistic size: one registry report for a customer's busy quarter (many
shipments over many CN codes), its XSD validation and code rules, and a shipments CSV of 200,000 rows.

    PYTHONPATH=. .venv/bin/python bench/bench_exports.py
"""
from __future__ import annotations

import csv
import io
import json
import random
import resource
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from core.cbam import load_reference
from core.exchange.csv_export import BOM, cell, csv_bytes
from core.exchange.registry import Line, Party, ReportData, Signatory, Site, build_qreport, check_report
from core.exchange.registry.schema import xsd_errors

EXAMPLE = Path(__file__).resolve().parents[1] / "core" / "demo" / "steel_2026.json"


def row_by_row(header, rows) -> bytes:
    """The writer before issue 18 (csv module over `cell`, row by row): the figure to compare with."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    rng = random.Random(5)
    scenario = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    ref = load_reference()
    cns = sorted(k for k in ref.default_values.by_country["CN"]
                 if len(k) == 8 and k.startswith("72") and ref.is_known_cn(k))[:60]
    n = 20_000
    lines = []
    for i in range(n):
        if i % 2:
            lines.append(Line("72083900", rng.uniform(5, 50), "actual", "P2", "CN", date(2026, 1 + i % 3, 10)))
        else:
            lines.append(Line(rng.choice(cns), rng.uniform(5, 50), "default", None, "CN", date(2026, 1 + i % 3, 10)))
    data = ReportData(scenario, 2026, 1, Party("DE123456789012345", "Rheinstahl Handel GmbH", "DE", "Duisburg"),
                      Site("INST0001", "Demo Steel Works", "CN", "Fuzhou"), lines,
                      Signatory("Jonas Weber", "CBAM officer", "Duisburg"), datetime(2026, 4, 2, tzinfo=UTC),
                      snapshot="ab" * 32)
    xml, t_build = timed(lambda: build_qreport(data))
    errs, t_xsd = timed(lambda: xsd_errors(xml))
    problems, t_all = timed(lambda: check_report(xml, [ln.shipped_on for ln in lines]))
    assert errs == [] and problems == [], (errs[:3], problems[:3])
    goods = xml.count(b"<ImportedGood>")
    print(f"registry XML: {n:,} shipments, {goods} CN codes, {len(xml) / 1e6:.2f} MB")
    print(f"  build {t_build:.2f} s · XSD validation {t_xsd:.2f} s · XSD + code rules {t_all:.2f} s")

    rows = [["ab" * 32, date(2026, 1 + i % 12, 1 + i % 28), 1 + i % 4, "Rheinstahl Handel GmbH", "DE123456789012345",
             f"=PO-{i}" if i % 1000 == 0 else f"PO-{i}", rng.choice(cns), rng.uniform(5, 50), "default", "",
             2.1, rng.uniform(10, 100), rng.uniform(1, 10), Decimal("75.36"), Decimal("123.45")]
            for i in range(200_000)]
    header = [f"c{i}" for i in range(15)]
    before, t_rows = timed(lambda: row_by_row(header, rows))
    content, t_csv = timed(lambda: csv_bytes(header, rows))
    assert content == before
    print(f"shipments CSV: 200,000 rows, {len(content) / 1e6:.1f} MB in {t_csv:.2f} s "
          f"(row by row, as before: {t_rows:.2f} s; same bytes)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
