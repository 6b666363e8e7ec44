"""Readers and writers for the two official tables an administrator can replace: default values and
Column B benchmarks. Used by `scripts/build_reference_data.py` for the shipped version and by
`cbam reference load-defaults/load-benchmarks` for a newer one, so both produce the same normalised files.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from core.cbam.errors import ReferenceDataError

OTHER_COUNTRIES = "OTHER"  # key of the "Other countries and territories" table (2025/2621 Annex I)

# Sector names as the default-value table spells them → the short codes the normalised files use.
SECTOR_CODES = {
    "cement": "cement",
    "fertilisers": "fertilisers",
    "fertilizers": "fertilisers",
    "aluminium": "aluminium",
    "iron and steel": "iron_steel",
    "iron & steel": "iron_steel",
    "hydrogen": "hydrogen",
    "electricity": "electricity",
}

DEFAULT_VALUE_FIELDS = ["country", "cn_code", "variant", "sector", "direct", "indirect", "total", "route"]
BENCHMARK_FIELDS = ["cn_code", "column_b", "route", "period", "sector"]


@dataclass(frozen=True, slots=True)
class DefaultValueRow:
    country: str  # ISO-2, or OTHER_COUNTRIES
    cn_code: str  # 4, 6, 8 (or 10, TARIC) digits
    variant: str  # e.g. "White clinker" where one code has several rows; else ""
    sector: str
    direct: float | None
    indirect: float | None
    total: float | None  # None: no value, the "Other countries" table applies
    route: str  # benchmark route tag the row names, "C" for "(C)"; "" if none


@dataclass(frozen=True, slots=True)
class BenchmarkRow:
    cn_code: str
    column_b: float
    route: str  # "A".."L" or ""
    period: str  # "1" (production 2026–27), "2" (2028–30) or ""
    sector: str


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # the Commission-derived default-value file is Windows-1252


def parse_number(text: str, *, where: str) -> float | None:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t in ("", "-", "–", "N/A", "n.a."):
        return None
    if "," in t and "." not in t:
        t = t.replace(",", ".")  # decimal comma (benchmark file)
    try:
        x = float(t)
    except ValueError:
        raise ReferenceDataError("cbam.error.reference_file_invalid", file=where, reason=f"not a number: {text!r}") from None
    if not math.isfinite(x):
        raise ReferenceDataError("cbam.error.reference_file_invalid", file=where, reason=f"not finite: {text!r}")
    return x


def _route_tag(text: str) -> str:
    m = re.search(r"\(([A-L])\)", text or "")
    return m.group(1) if m else ""


def _find_col(header: list[str], *needles: str, exclude: tuple[str, ...] = ()) -> int | None:
    for i, h in enumerate(header):
        low = h.lower()
        if all(n in low for n in needles) and not any(x in low for x in exclude):
            return i
    return None


def parse_default_values(path: Path, country_to_iso: dict[str, str]) -> tuple[list[DefaultValueRow], list[str]]:
    """Rows of a default-value table (country; sector; CN; description; direct; indirect; total; … route).

    Columns are found by their headers, so the July 2026 layout without mark-up columns reads too. Returns
    the rows and a list of anomalies (rows that were dropped, with the reason).
    """
    where = path.name
    rows = list(csv.reader(io.StringIO(_read_text(path)), delimiter=";"))
    if not rows:
        raise ReferenceDataError("cbam.error.reference_file_invalid", file=where, reason="empty file")
    header = rows[0]
    c_country = _find_col(header, "country")
    c_sector = _find_col(header, "sector")
    c_cn = _find_col(header, "cn")
    c_desc = _find_col(header, "description")
    c_dir = _find_col(header, "direct", exclude=("indirect", "mark-up"))
    c_ind = _find_col(header, "indirect", exclude=("mark-up",))
    c_tot = _find_col(header, "total", exclude=("mark-up",))
    c_route = _find_col(header, "route")
    needed = {"country": c_country, "CN code": c_cn, "direct": c_dir, "total": c_tot}
    missing = [k for k, v in needed.items() if v is None]
    if missing:
        raise ReferenceDataError("cbam.error.reference_file_invalid", file=where, reason=f"missing columns: {missing}")
    anomalies: list[str] = []
    unknown: set[str] = set()
    parsed: list[tuple[str, str, str, str, float | None, float | None, float | None, str]] = []
    for n, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) < len(header):
            r = r + [""] * (len(header) - len(r))
        name = r[c_country].strip()
        iso = country_to_iso.get(name.lower())
        if iso is None:
            unknown.add(name)
            continue
        cn = re.sub(r"\D", "", r[c_cn])
        if len(cn) not in (4, 6, 8, 10):
            anomalies.append(f"line {n}: CN code {r[c_cn]!r} skipped")
            continue
        direct = parse_number(r[c_dir], where=f"{where}:{n}")
        indirect = parse_number(r[c_ind], where=f"{where}:{n}") if c_ind is not None else None
        total = parse_number(r[c_tot], where=f"{where}:{n}")
        if total is None and any(c.strip() for c in r[c_tot + 1:(c_route if c_route is not None else len(r))]):
            # A value sits in the mark-up columns with no total: the row is shifted (seen once, Albania 25232100).
            anomalies.append(f"line {n}: {name} {cn} misaligned (values only in later columns); treated as empty")
            direct = indirect = None
        sector = SECTOR_CODES.get(r[c_sector].strip().lower(), r[c_sector].strip().lower()) if c_sector is not None else ""
        desc = r[c_desc].strip() if c_desc is not None else ""
        route = _route_tag(r[c_route]) if c_route is not None else ""
        parsed.append((iso, cn, desc, sector, direct, indirect, total, route))
    if unknown:
        raise ReferenceDataError("cbam.error.reference_unknown_countries", file=where, countries=", ".join(sorted(unknown)))
    # A description is kept as the variant only where one country lists the same code more than once.
    seen: dict[tuple[str, str], int] = {}
    for p in parsed:
        seen[(p[0], p[1])] = seen.get((p[0], p[1]), 0) + 1
    out = [
        DefaultValueRow(iso, cn, desc if seen[(iso, cn)] > 1 else "", sector, d, i, t, route)
        for iso, cn, desc, sector, d, i, t, route in parsed
    ]
    return out, anomalies


def parse_benchmarks(path: Path) -> list[BenchmarkRow]:
    """Column B benchmarks: `CN code;Column B` with values like `1,460 (F)(1)`; sector rows have no value."""
    where = path.name
    rows = list(csv.reader(io.StringIO(_read_text(path)), delimiter=";"))
    out: list[BenchmarkRow] = []
    sector = ""
    for n, r in enumerate(rows[1:], start=2):
        if len(r) < 2:
            r = r + [""] * (2 - len(r))
        code, value = r[0].strip(), r[1].strip()
        if code and not code.isdigit():
            sector = SECTOR_CODES.get(code.lower(), code.lower())
            continue
        if not code or not value:
            continue
        m = re.fullmatch(r"([0-9.,]+)\s*((?:\([A-L0-9]\))*)", value)
        if not m:
            raise ReferenceDataError("cbam.error.reference_file_invalid", file=f"{where}:{n}", reason=f"value {value!r}")
        tags = re.findall(r"\(([A-L0-9])\)", m.group(2))
        route = next((t for t in tags if t.isalpha()), "")
        period = next((t for t in tags if t.isdigit()), "")
        x = parse_number(m.group(1), where=f"{where}:{n}")
        assert x is not None
        out.append(BenchmarkRow(code, x, route, period, sector))
    if not out:
        raise ReferenceDataError("cbam.error.reference_file_invalid", file=where, reason="no benchmark rows")
    return out


def _num(x: float | None) -> str:
    return "" if x is None else repr(x)


def write_default_values(rows: list[DefaultValueRow], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(DEFAULT_VALUE_FIELDS)
        for r in rows:
            w.writerow([r.country, r.cn_code, r.variant, r.sector, _num(r.direct), _num(r.indirect), _num(r.total), r.route])


def read_default_values(path: Path) -> list[DefaultValueRow]:
    def f(s: str) -> float | None:
        return float(s) if s else None

    with open(path, newline="", encoding="utf-8") as fh:
        rd = csv.reader(fh)
        next(rd)
        return [DefaultValueRow(c, cn, v, s, f(d), f(i), f(t), rt) for c, cn, v, s, d, i, t, rt in rd]


def write_benchmarks(rows: list[BenchmarkRow], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(BENCHMARK_FIELDS)
        for r in rows:
            w.writerow([r.cn_code, repr(r.column_b), r.route, r.period, r.sector])


def read_benchmarks(path: Path) -> list[BenchmarkRow]:
    with open(path, newline="", encoding="utf-8") as fh:
        rd = csv.reader(fh)
        next(rd)
        return [BenchmarkRow(cn, float(b), rt, p, s) for cn, b, rt, p, s in rd]


COLUMN_A_FIELDS = ["cn_prefix", "column_a", "route", "period", "source"]
COLUMN_A_SOURCE = "2025/2620 Annex pt 5 Column A, via copy beevr-labs/ecocheck-ai-plugin@65d6cbe references/benchmarks.csv"


def parse_column_a_transcript(path: Path) -> list[tuple[str, float, str, str, str]]:
    """The Column A transcript (scripts/sources/column_a_2025_2620.txt, format described in its header) as
    (cn, value, route, period, source) rows, sorted; "-" (all routes / periods) becomes ""."""
    rows: set[tuple[str, float, str, str, str]] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if parts[0] == "@":
            route, period, value, codes = parts[1], parts[2], parts[3], parts[4:]
        else:
            codes, route, period, value = [parts[0]], parts[1], parts[2], parts[3]
        if not codes or not all(re.fullmatch(r"\d{8}", c) for c in codes):
            raise ReferenceDataError("cbam.error.reference_file_invalid", file=f"{path.name}:{n}", reason="CN code")
        for cn in codes:
            rows.add((cn, float(value), "" if route == "-" else route, "" if period == "-" else period,
                      COLUMN_A_SOURCE))
    return sorted(rows)
