"""The data-quality rules. Thresholds are parameters (`LIMITS`) with the reason for each value next to it."""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from core.cbam.reference import ReferenceData
from core.quality.rules import BLOCKING, WARNING, QualityInput, rule
from core.validation import COUNTRIES, validate_eori

Hits = Iterator[tuple[str, dict[str, Any]]]

# Plausibility ranges. They warn, never block: a value outside may be right, but deserves a second look.
LIMITS = {
    # IPCC 2006 Guidelines Vol. 2 Table 1.4: the highest default CO2 factors of fuels are ~106-108 tCO2/TJ
    # (peat, lignite, oil shale); 120 leaves room for their upper confidence bounds.
    "combustion_ef_max": 120.0,
    # IPCC 2006 Vol. 2 Table 1.2: NCVs run from ~6 GJ/t (peat, wood) to ~50 GJ/t (natural gas); hydrogen has
    # ~120 GJ/t (lower heating value), so 130 is the ceiling.
    "ncv_min": 1.0, "ncv_max": 130.0,
    # Heat EF = fuel EF / boiler efficiency (template F_Tools, e.g. 96/0.9 = 106.67); coal at 70 % gives ~135.
    "heat_ef_max": 200.0,
    # Grid factors above ~1.2 tCO2/MWh are not found for any national grid (coal-only generation ~1.0).
    "electricity_ef_max": 1.3,
    # More than this many tonnes of one precursor per tonne of product suggests a unit or balance error.
    "precursor_ratio_max": 3.0,
    # Actual SEE outside this share of the country default value is worth a look (either way).
    "see_vs_default_low": 0.5, "see_vs_default_high": 1.5,
}

# Origins whose precursors carry no embedded emissions for CBAM: the EU member states and the countries of
# Reg. (EU) 2023/956 Annex III point 1 (Iceland, Liechtenstein, Norway, Switzerland); 2025/2547 Annex I 3.1.
EXEMPT_ORIGINS = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
                           "IS LI NO CH".split())
EU = EXEMPT_ORIGINS - {"IS", "LI", "NO", "CH"}


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list | tuple) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _electricity(ref: ReferenceData, imp: dict) -> bool:
    """An import line of electricity (CN 2716 00 00): MWh, priced by `core/cbam/electricity.py`."""
    return ref.category_of(_str(imp.get("cn_code")).replace(" ", "")) == "Electricity (export to EU)"


def _processes(d: QualityInput) -> list[tuple[int, dict]]:
    return [(i, p) for i, p in enumerate(_list(d.scenario.get("processes"))) if isinstance(p, dict)]


def _precursors(d: QualityInput) -> list[tuple[int, dict]]:
    return [(i, p) for i, p in enumerate(_list(d.scenario.get("purchased_precursors"))) if isinstance(p, dict)]


def _streams(d: QualityInput) -> Iterator[tuple[str, dict]]:
    for i, p in _processes(d):
        for j, s in enumerate(_list(p.get("source_streams"))):
            if isinstance(s, dict):
                yield f"processes[{i}].source_streams[{j}]", s


@rule("DQ01", "activity_level_not_positive", BLOCKING)
def activity_level(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        al = _num(p.get("activity_level"))
        if al is None or al <= 0:
            yield f"processes[{i}].activity_level", {"process": p.get("id", i)}


@rule("DQ02", "direct_emissions_missing", BLOCKING)
def direct_missing(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        if p.get("direct_emissions") is None and not p.get("source_streams"):
            yield f"processes[{i}].direct_emissions", {"process": p.get("id", i)}


@rule("DQ03", "direct_emissions_negative", BLOCKING)
def direct_negative(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        v = _num(p.get("direct_emissions"))
        if v is not None and v < 0:
            yield f"processes[{i}].direct_emissions", {"process": p.get("id", i)}


def _cn_places(d: QualityInput) -> Iterator[tuple[str, str, str | None]]:
    for i, p in _processes(d):
        if _str(p.get("cn_code")):
            yield f"processes[{i}].cn_code", p["cn_code"], _str(p.get("goods_category")) or None
    for i, p in _precursors(d):
        yield f"purchased_precursors[{i}].cn_code", _str(p.get("cn_code")), _str(p.get("goods_category")) or None
    for i, imp in enumerate(_list(d.scenario.get("imports"))):
        if _str(_dict(imp).get("cn_code")):
            yield f"imports[{i}].cn_code", imp["cn_code"], None


@rule("DQ04", "cn_code_unknown", BLOCKING)
def cn_unknown(d: QualityInput, ref: ReferenceData) -> Hits:
    for path, cn, _cat in _cn_places(d):
        if not ref.is_known_cn(cn.replace(" ", "")):
            yield path, {"cn_code": cn}


@rule("DQ05", "cn_code_category_mismatch", BLOCKING)
def cn_category(d: QualityInput, ref: ReferenceData) -> Hits:
    for path, cn, cat in _cn_places(d):
        actual = ref.category_of(cn.replace(" ", ""))
        wanted = ref.canonical_category(cat) if cat else None
        if cat and actual and wanted != actual:
            yield path, {"cn_code": cn, "category": cat, "expected": actual}


@rule("DQ06", "route_not_listed", WARNING)
def route_listed(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        cat = ref.categories.get(ref.canonical_category(_str(p.get("goods_category"))) or "")
        route = _str(p.get("route"))
        if cat and route and cat.production_routes and route not in cat.production_routes:
            yield f"processes[{i}].route", {"route": route, "category": cat.name}


@rule("DQ07", "electricity_factor_missing", BLOCKING)
def electricity_missing(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        el = _dict(p.get("electricity"))
        if (_num(el.get("consumed_MWh")) or 0) > 0 and _num(el.get("ef")) is None:
            yield f"processes[{i}].electricity.ef", {"process": p.get("id", i)}
        if (_num(el.get("exported_MWh")) or 0) > 0 and _num(el.get("exported_ef")) is None:
            yield f"processes[{i}].electricity.exported_ef", {"process": p.get("id", i)}


@rule("DQ08", "electricity_factor_implausible", WARNING)
def electricity_range(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        for key in ("ef", "exported_ef"):
            v = _num(_dict(p.get("electricity")).get(key))
            if v is not None and not 0 <= v <= LIMITS["electricity_ef_max"]:
                yield f"processes[{i}].electricity.{key}", {"value": v, "max": LIMITS["electricity_ef_max"]}


@rule("DQ09", "heat_factor_missing", BLOCKING)
def heat_missing(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        heat = _dict(p.get("heat"))
        for q, ef in (("imported_TJ", "imported_ef"), ("exported_TJ", "exported_ef")):
            if (_num(heat.get(q)) or 0) > 0 and _num(heat.get(ef)) is None:
                yield f"processes[{i}].heat.{ef}", {"process": p.get("id", i)}


@rule("DQ10", "heat_factor_implausible", WARNING)
def heat_range(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        for key in ("imported_ef", "exported_ef"):
            v = _num(_dict(p.get("heat")).get(key))
            if v is not None and not 0 <= v <= LIMITS["heat_ef_max"]:
                yield f"processes[{i}].heat.{key}", {"value": v, "max": LIMITS["heat_ef_max"]}


@rule("DQ11", "combustion_factor_implausible", WARNING)
def combustion_ef(d: QualityInput, ref: ReferenceData) -> Hits:
    for path, s in _streams(d):
        v = _num(s.get("ef"))
        if s.get("method") == "combustion" and s.get("ef_unit", "tCO2/TJ") == "tCO2/TJ" and v is not None \
                and not 0 <= v <= LIMITS["combustion_ef_max"]:
            yield f"{path}.ef", {"value": v, "max": LIMITS["combustion_ef_max"]}


@rule("DQ12", "ncv_implausible", WARNING)
def ncv_range(d: QualityInput, ref: ReferenceData) -> Hits:
    for path, s in _streams(d):
        v = _num(s.get("ncv"))
        if v is not None and s.get("ncv_unit", "GJ/t") == "GJ/t" and not LIMITS["ncv_min"] <= v <= LIMITS["ncv_max"]:
            yield f"{path}.ncv", {"value": v, "min": LIMITS["ncv_min"], "max": LIMITS["ncv_max"]}


@rule("DQ13", "fraction_out_of_range", BLOCKING)
def fractions(d: QualityInput, ref: ReferenceData) -> Hits:
    for path, s in _streams(d):
        for key in ("oxidation_factor", "biomass_fraction", "conversion_factor", "collection_efficiency"):
            v = _num(s.get(key))
            if v is not None and not 0 <= v <= 1:
                yield f"{path}.{key}", {"value": v}


_OUTPUT_WORDS = ("output", "product", "slag", "产品", "炉渣", "产出")


@rule("DQ14", "mass_balance_output_positive", WARNING)
def mass_balance_outputs(d: QualityInput, ref: ReferenceData) -> Hits:
    """Mass balance (2025/2547 Annex II B.3.2): outputs (products, slag) are entered with negative amounts."""
    for path, s in _streams(d):
        ad = _num(s.get("activity_data"))
        name = _str(s.get("name")).lower()
        if s.get("method") == "mass_balance" and ad is not None and ad > 0 and any(w in name for w in _OUTPUT_WORDS):
            yield f"{path}.activity_data", {"name": s.get("name")}


def _ids(d: QualityInput) -> tuple[dict[str, dict], dict[str, dict]]:
    procs = {str(p.get("id")): p for _, p in _processes(d)}
    precs = {str(p.get("id")): p for _, p in _precursors(d)}
    return procs, precs


@rule("DQ15", "precursor_unknown", BLOCKING)
def precursor_unknown(d: QualityInput, ref: ReferenceData) -> Hits:
    procs, precs = _ids(d)
    for i, p in _processes(d):
        for j, inp in enumerate(_list(p.get("inputs"))):
            src = str(_dict(inp).get("from"))
            if src not in procs and src not in precs:
                yield f"processes[{i}].inputs[{j}].from", {"precursor": src}


@rule("DQ16", "own_precursor_overconsumed", BLOCKING)
def overconsumed(d: QualityInput, ref: ReferenceData) -> Hits:
    """Material balance: the installation cannot consume more of its own product than it made."""
    procs, _ = _ids(d)
    used: dict[str, float] = defaultdict(float)
    for _, p in _processes(d):
        for inp in _list(p.get("inputs")):
            if str(_dict(inp).get("from")) in procs:
                used[str(inp["from"])] += _num(inp.get("mass")) or 0.0
    for i, p in _processes(d):
        made = _num(p.get("activity_level"))
        pid = str(p.get("id"))
        if made is not None and made > 0 and used.get(pid, 0.0) > made * (1 + 1e-9):
            yield f"processes[{i}].activity_level", {"process": pid, "consumed": used[pid], "produced": made}


@rule("DQ17", "precursor_ratio_implausible", WARNING)
def precursor_ratio(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _processes(d):
        al = _num(p.get("activity_level"))
        for j, inp in enumerate(_list(p.get("inputs"))):
            mass = _num(_dict(inp).get("mass"))
            if al and al > 0 and mass is not None and mass / al > LIMITS["precursor_ratio_max"]:
                yield f"processes[{i}].inputs[{j}].mass", {"ratio": round(mass / al, 3),
                                                          "max": LIMITS["precursor_ratio_max"]}


@rule("DQ18", "default_without_justification", WARNING)
def default_justified(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _precursors(d):
        details = _dict(d.precursor_details.get(str(p.get("id"))))
        if p.get("data_source") == "default" and not _str(details.get("justification")).strip():
            yield f"purchased_precursors[{i}].data_source", {"precursor": p.get("id")}


@rule("DQ19", "precursor_origin_unknown", WARNING)
def precursor_origin(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _precursors(d):
        if _str(p.get("country")).upper() not in COUNTRIES:
            yield f"purchased_precursors[{i}].country", {"precursor": p.get("id")}


@rule("DQ20", "precursor_zero_emissions", WARNING)
def precursor_zero(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, p in _precursors(d):
        total = (_num(p.get("see_direct")) or 0.0) + (_num(p.get("see_indirect")) or 0.0)
        if total == 0 and _str(p.get("country")).upper() not in EXEMPT_ORIGINS:
            yield f"purchased_precursors[{i}].see_direct", {"precursor": p.get("id"), "country": p.get("country")}


@rule("DQ21", "see_far_from_default", WARNING)
def see_vs_default(d: QualityInput, ref: ReferenceData) -> Hits:
    from core.cbam import evaluate_data
    from core.errors import DomainError

    ev = d.evaluation
    if ev is None:
        try:
            ev = evaluate_data(dict(d.scenario, imports=[]))
        except DomainError:
            return  # the blocking rules and the engine's own error say what is wrong
    country = str(_dict(d.scenario.get("installation")).get("country") or "")
    for i, p in _processes(d):
        cn = _str(p.get("cn_code"))
        result = ev.processes.get(str(p.get("id")))
        if not cn or result is None:
            continue
        try:
            default = ref.default_values.lookup(country, cn).row.total
        except DomainError:
            continue
        if default and not LIMITS["see_vs_default_low"] <= result.see_total / default <= LIMITS["see_vs_default_high"]:
            yield f"processes[{i}].activity_level", {"process": p.get("id"), "see": round(result.see_total, 4),
                                                     "default": default, "country": country}


@rule("DQ22", "import_process_unknown", BLOCKING)
def import_process(d: QualityInput, ref: ReferenceData) -> Hits:
    procs, _ = _ids(d)
    for i, imp in enumerate(_list(d.scenario.get("imports"))):
        if isinstance(imp, dict) and imp.get("basis") == "actual" and str(imp.get("process")) not in procs \
                and not _electricity(ref, imp):  # electricity on actual values rests on its PPA, not a process
            yield f"imports[{i}].process", {"process": imp.get("process")}


@rule("DQ23", "shipments_exceed_production", BLOCKING)
def shipments_exceed(d: QualityInput, ref: ReferenceData) -> Hits:
    procs, _ = _ids(d)
    shipped: dict[str, float] = defaultdict(float)
    for s in map(_dict, d.shipments):
        if str(s.get("process")) in procs:
            shipped[str(s["process"])] += _num(s.get("quantity")) or 0.0
    for i, p in _processes(d):
        made = _num(p.get("activity_level")) or 0.0
        pid = str(p.get("id"))
        if shipped.get(pid, 0.0) > made * (1 + 1e-9):
            yield f"processes[{i}].activity_level", {"process": pid, "shipped": shipped[pid], "produced": made}


@rule("DQ24", "customer_eori_invalid", BLOCKING)
def customer_eori(d: QualityInput, ref: ReferenceData) -> Hits:
    for i, c in enumerate(map(_dict, d.customers)):
        if c.get("eori") and validate_eori(str(c["eori"])):
            yield f"customers[{i}].eori", {"customer": c.get("name"), "value": c["eori"]}


@rule("DQ25", "customer_eori_missing", WARNING)
def customer_eori_missing(d: QualityInput, ref: ReferenceData) -> Hits:
    """An EU importer declares under its EORI number (Reg. (EU) 2023/956 Art. 5): ask for it early."""
    for i, c in enumerate(map(_dict, d.customers)):
        if not c.get("eori") and _str(c.get("country")).upper() in EU:
            yield f"customers[{i}].eori", {"customer": c.get("name")}


@rule("DQ26", "shipment_outside_period", BLOCKING)
def shipment_dates(d: QualityInput, ref: ReferenceData) -> Hits:
    year = d.scenario.get("reporting_year")
    for i, s in enumerate(map(_dict, d.shipments)):
        date = _str(s.get("date"))
        if not (date[:4].isascii() and date[:4].isdigit()) or int(date[:4]) != year:
            yield f"shipments[{i}].date", {"date": date, "year": year}


@rule("DQ27", "default_value_missing", BLOCKING)
def default_missing(d: QualityInput, ref: ReferenceData) -> Hits:
    from core.errors import DomainError

    country = str(_dict(d.scenario.get("installation")).get("country") or "")
    for i, imp in enumerate(_list(d.scenario.get("imports"))):
        if not isinstance(imp, dict) or imp.get("basis") != "default" or not imp.get("cn_code") or _electricity(ref, imp):
            continue  # electricity: Annex III of 2025/2621, with the Union's factor for every other country
        try:
            ref.default_values.lookup(str(imp.get("country") or country), str(imp["cn_code"]))
        except DomainError:
            yield f"imports[{i}].cn_code", {"cn_code": imp["cn_code"], "country": imp.get("country") or country}


@rule("DQ28", "figure_without_evidence", WARNING)
def evidence(d: QualityInput, ref: ReferenceData) -> Hits:
    if d.evidence is None:
        return  # the rule applies once the organization keeps evidence
    figures = [f"processes[{i}].activity_level" for i, _ in _processes(d)]
    figures += [f"processes[{i}].direct_emissions" for i, p in _processes(d) if p.get("direct_emissions") is not None]
    figures += [f"purchased_precursors[{i}].see_direct" for i, _ in _precursors(d)]
    figures += [path for path, _ in _streams(d)]
    for path in figures:
        if not d.evidence.get(path):
            yield path, {}


@rule("DQ29", "indirect_not_counted", WARNING)
def indirect_not_counted(d: QualityInput, ref: ReferenceData) -> Hits:
    """Annex II goods count direct emissions only (Reg. (EU) 2023/956 Annex II): indirect is reported, not priced."""
    for i, p in _processes(d):
        cat = ref.categories.get(ref.canonical_category(_str(p.get("goods_category"))) or "")
        if cat and cat.annex_ii and (_num(_dict(p.get("electricity")).get("consumed_MWh")) or 0) > 0:
            yield f"processes[{i}].electricity.consumed_MWh", {"category": cat.name}


@rule("DQ30", "duplicate_ids", BLOCKING)
def duplicate_ids(d: QualityInput, ref: ReferenceData) -> Hits:
    seen: dict[str, str] = {}
    places = [(f"processes[{i}].id", p.get("id")) for i, p in _processes(d)]
    places += [(f"purchased_precursors[{i}].id", p.get("id")) for i, p in _precursors(d)]
    for path, ident in places:
        if str(ident) in seen:
            yield path, {"id": ident, "first": seen[str(ident)]}
        seen.setdefault(str(ident), path)


from core.quality import benchmarks  # noqa: E402, F401, I001  (missing benchmarks, DQ36-DQ37)
from core.quality import plausibility  # noqa: E402, F401  (the plausible ranges, DQ31-DQ35, build on the helpers above)
