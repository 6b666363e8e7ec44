"""Electricity as an imported good (CN 2716 00 00): quantities in MWh, SEE in tCO2e/MWh, no free allocation.

- Default values: the CO2 emission factor of the country of origin from Impl. Reg. (EU) 2025/2621 Annex III
  (`data/electricity_default_values.json`, each row with its source), without a mark-up (2025/2621 recital 4); a
  third country without a row takes the Union's factor (Reg. (EU) 2023/956 Annex IV point 4.2.2).
- Actual values only under the cumulative conditions of Reg. (EU) 2023/956 Annex IV point 5, given as an import
  line's `ppa` object; a missing or failed condition is refused with an error naming it (never a silent default).
- Free-allocation adjustment zero (Impl. Reg. (EU) 2025/2620 Art. 1(2)): certificates = MWh × factor.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.cbam.errors import ScenarioError
from core.cbam.explain import Term, fmt
from core.cbam.obligation import ELECTRICITY, ImportResult, Pricing, _finish
from core.cbam.ppa import MAX_ACTUAL_FACTOR, SRC_CONDITIONS, Ppa
from core.cbam.reference import DATA_DIR, ReferenceData, user_data_dir

CN_ELECTRICITY = "27160000"
UNIT = "MWh"
TABLE = "electricity_default_values.json"
SRC_DEFAULT = "Impl. Reg. (EU) 2025/2621 Annex III"  # default values for imported electricity, per third country
SRC_UNION = "Reg. (EU) 2023/956 Annex IV 4.2.2"  # no row for the country: the CO2 emission factor in the Union


@dataclass(frozen=True, slots=True)
class ElectricityDefault:
    value: float  # tCO2e/MWh
    row: str  # the Annex III row used ("RS", or "EU" for the Union's factor)
    name: str
    source: str
    fell_back: bool  # no row for the country: the Union's factor (Annex IV point 4.2.2)
    version: str


def is_electricity(ref: ReferenceData, cn: str) -> bool:
    return ref.category_of(cn) == ELECTRICITY


@lru_cache(maxsize=4)
def _table(user_file: str, stamp: float) -> dict[str, Any]:
    table = json.loads((DATA_DIR / TABLE).read_text(encoding="utf-8"))
    path = Path(user_file)
    if path.exists():  # an administrator's corrected or newer rows (named version) replace the shipped ones
        user = json.loads(path.read_text(encoding="utf-8"))
        table["values"] = {**table["values"], **user.get("values", {})}
        if user.get("version"):
            table["version"] = str(user["version"])
    return table


def default_table(data_dir: Path | None = None) -> dict[str, Any]:
    path = (data_dir or user_data_dir()) / TABLE
    return _table(str(path), path.stat().st_mtime if path.exists() else 0.0)


def default_factor(country: str, data_dir: Path | None = None) -> ElectricityDefault:
    """The default value of electricity from `country` (ISO-2): its Annex III row, else the Union's factor."""
    table = default_table(data_dir)
    iso = table.get("aliases", {}).get(country, country)
    row = table["values"].get(iso)
    if row is not None:
        return ElectricityDefault(float(row["value"]), iso, row.get("name", iso), row["source"], False, table["version"])
    fb = table["fallback"]
    return ElectricityDefault(float(fb["value"]), fb["key"], fb["name"], f"{fb['source']}; {fb['rule']}", True,
                              table["version"])


def price_electricity(n: int, line: Any, pricing: Pricing) -> ImportResult:
    """One electricity import line: MWh × the default factor of its country, or × the PPA installation's factor
    when `line.ppa` (checked at parsing) shows the Annex IV point 5 conditions; no free-allocation adjustment."""
    ref = pricing.ref
    ppa: Ppa | None = getattr(line, "ppa", None)
    if line.basis == "actual" and ppa is None:
        raise ScenarioError("cbam.error.ppa_missing", f"imports[{n}].ppa")
    r = ImportResult(n, line.basis, line.cn_code, line.country, line.quantity, line.quarter, 0.0, 0.0, 0.0, 0.0,
                     0.0, None, None)
    r.unit = UNIT
    if ppa is not None and line.basis == "actual":
        r.see_basis = ppa.emission_factor
        r.emission_factor_source = f"PPA: {ppa.producer}, {ppa.installation}"
        r.terms.append(Term("cbam.term.electricity_actual_factor", ppa.emission_factor, "tCO2e/MWh",
                            f"{ppa.producer} / {ppa.installation}; connection {ppa.connection}; nominated "
                            f"{fmt(ppa.nominated_mwh)} MWh over {fmt(ppa.matching_period_minutes)} min; "
                            f"{fmt(ppa.emission_factor)} ≤ {fmt(MAX_ACTUAL_FACTOR)}; evidence: {ppa.evidence}",
                            SRC_CONDITIONS))
    else:
        d = default_factor(line.country)
        r.see_basis = d.value
        r.emission_factor_source = d.source
        if d.fell_back:
            r.flags.append("cbam.flag.electricity_union_factor")
        # the source shown is the legal citation; the row's provenance stays in the data file and in
        # `emission_factor_source` of the output
        r.terms.append(Term("cbam.term.electricity_default_factor", d.value, "tCO2e/MWh",
                            f"{d.name} ({d.row}), no mark-up; table version {d.version}",
                            SRC_DEFAULT + ("; " + SRC_UNION if d.fell_back else "")))
    r.sefa = 0.0
    r.terms.append(Term("cbam.term.sefa_electricity", 0.0, "tCO2e/MWh",
                        f"0 (CBAM factor {fmt(pricing.cbam_factor)} × no benchmark)",
                        ref.parameters["electricity_free_allocation"]["source"]))
    return _finish(r, pricing)
