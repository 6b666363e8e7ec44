"""Column A (BMg*) of Impl. Reg. (EU) 2025/2620 Annex point 5: the shipped table is generated from its transcript,
covers every code of the official Column B file, and agrees with the public copy it was transcribed from.

`tests/cbam/data/column_a_sample_2025_2620.csv` holds rows copied verbatim from that copy (beevr-labs/ecocheck-ai-plugin,
skills/ecocheck-cbam/references/benchmarks.csv, commit 65d6cbe; its header names the columns). Its Column B values
are checked against the Commission's Column B file shipped with the engine, which shows the copy is faithful; its
Column A values against the engine's table."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from core.cbam import tables
from core.cbam.reference import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "cbam" / "data" / "column_a_sample_2025_2620.csv"  # not a copy of a shared file


def _tags(route: str) -> tuple[str | None, str]:
    """The copy's route field: "C", "1" (a period), or "J)(1" (route and period)."""
    if ")(" in route:
        r, p = route.split(")(")
        return r, p
    if route in ("1", "2"):
        return None, route
    return route or None, "1"


def test_manifest_names_the_transcript_with_its_hash_and_upstream_copy():
    entry = json.loads((DATA_DIR / "sources.json").read_text(encoding="utf-8"))["column_a"]
    assert entry["sha256"] == tables.sha256_of(ROOT / entry["file"])
    assert entry["upstream"]["commit"] == "65d6cbec309a460efd378dc6ed2513fc8eb9c852"
    assert entry["rows"] == 661 and entry["codes"] == 570


def test_generated_table_equals_a_fresh_parse_of_the_transcript():
    entry = json.loads((DATA_DIR / "sources.json").read_text(encoding="utf-8"))["column_a"]
    fresh = tables.parse_column_a_transcript(ROOT / entry["file"])
    with open(DATA_DIR / "column_a.csv", newline="", encoding="utf-8") as f:
        shipped = [(r["cn_prefix"], float(r["column_a"]), r["route"], r["period"], r["source"])
                   for r in csv.DictReader(f)]
    assert shipped == fresh
    assert all("2025/2620" in r[4] for r in shipped)  # every value names where it comes from


def test_every_code_of_the_official_column_b_file_has_column_a(ref):
    column_b_codes = set(ref.benchmarks.by_code)
    column_a_codes = {r[0] for r in ref.column_a_rows}
    assert column_b_codes == column_a_codes
    # CN codes of the template without a Column A: electricity (no free allocation, 2025/2620 Art. 1(2)) and the
    # CN 2024 urea code 3102 10 10, split by CN 2026 into 3102 10 12/15/19, which have values
    missing = sorted(c for c in ref.cn_categories if not any(c.startswith(r[0]) for r in ref.column_a_rows))
    assert missing == ["27160000", "31021010"]


@pytest.mark.parametrize("row", list(csv.DictReader(SAMPLE.open(encoding="utf-8"))), ids=lambda r: f"{r['cn_code']}-{r['route']}")
def test_sample_rows_agree_with_the_copy(row, ref):
    route, period = _tags(row["route"])
    b = ref.benchmarks.column_b(row["cn_code"], route, period, strict=True)
    assert b.value == float(row["bmg_column_b"])  # the copy agrees with the Commission's Column B file
    if row["bmg_column_a"]:
        assert ref.column_a(row["cn_code"], route, period).value == float(row["bmg_column_a"])


@pytest.mark.parametrize("cn,route,value", [
    # Column A values quoted in the domain reference §3.2 (research note on 2025/2620), an independent source
    ("26011200", None, 0.086), ("72031000", None, 0.295), ("72061000", "C", 0.150), ("72061000", "D", 0.027),
    ("72061000", "E", 0.027), ("72071114", "C", 0.188), ("72071114", "D", 0.065), ("72071114", "E", 0.065),
    ("72083900", "C", 0.044), ("28041000", None, 5.089),
])
def test_values_quoted_in_the_domain_reference(cn, route, value, ref):
    assert ref.column_a(cn, route, "1").value == value


def test_route_and_period_dependent_values(ref):
    assert ref.column_a("72241010", "F", "2").value == 0.453  # given once per route, for both periods
    assert ref.column_a("72021120", None, "1").value == 1.361 and ref.column_a("72021120", None, "2").value == 1.277
    assert ref.column_a("76011010", "K").value == 1.423 and ref.column_a("76011010", "L").value == 0.091
    assert ref.column_a("2523100010", None).value == 0.859  # white clinker by its TARIC code
    assert ref.column_a("2523100090", None).value == 0.666  # grey
