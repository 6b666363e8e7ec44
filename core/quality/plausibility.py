"""Plausible ranges: a value no installation can have blocks the period until it is corrected.

Each quantity has a range for its unit (`LIMITS`, the reason for each bound next to it and, translated, in the
catalogs as `quality.limit.<name>`); each rule lists the field paths it checks (`FIELDS`). The warnings of
`core/quality/checks.py` (DQ08, DQ10-DQ12, DQ17, DQ21) flag what is unusual; these block what is impossible or
absurd — 1e308 t, or a million tonnes on one shipment — because such a value does not just look odd, it changes
every sum and price it enters (1e308 t shipped makes the SEE 0 and the cost meaningless).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from core.cbam.reference import ReferenceData
from core.quality.checks import _dict, _list, _num, _precursors, _processes, _str, _streams
from core.quality.rules import BLOCKING, QualityInput, rule


@dataclass(frozen=True)
class Limit:
    low: float
    high: float
    unit: str


# name → (lowest, highest, unit). The reason of each, in both languages, is the message `quality.limit.<name>`.
LIMITS: dict[str, Limit] = {
    # The largest single production sites make about 20-25 Mt a year (integrated steelworks, cement plants).
    "activity_t": Limit(0.0, 5e7, "t"),
    # The largest power station (Three Gorges) generates about 100 TWh a year.
    "activity_mwh": Limit(0.0, 1.2e8, "MWh"),
    # A 25 Mt steelworks uses about 500,000 TJ of energy a year (~20 GJ/t).
    "heat_tj": Limit(0.0, 1e6, "TJ"),
    # The largest aluminium smelters use about 15-20 TWh a year; 120 TWh is above any single site.
    "electricity_mwh": Limit(0.0, 1.2e8, "MWh"),
    # The largest single emitters report about 30-40 Mt CO2e a year (EU ETS, coal power stations).
    "direct_emissions_t": Limit(0.0, 1e8, "tCO2e"),
    # A 25 Mt steelworks consumes about 40 Mt of iron ore and 15 Mt of coal a year (outputs negative).
    "amount_t": Limit(-2e8, 2e8, "t"),
    # 100 billion Nm3 is about a large country's yearly gas use (Germany ~90 bcm).
    "amount_1000nm3": Limit(-1e8, 1e8, "1000Nm3"),
    # The largest aluminium smelters make about 1 Mt of aluminium a year.
    "amount_t_al": Limit(0.0, 5e6, "t Al"),
    # A year has at most 8,784 hours (leap year).
    "hours": Limit(0.0, 8784.0, "h"),
    # Pure CO2 or N2O weighs about 1,977 g per Nm3: no flue gas holds more.
    "concentration": Limit(0.0, 1980.0, "g/Nm3"),
    # The flue gas of a 1 GW coal unit is about 3 million Nm3/h.
    "flue_gas_flow": Limit(0.0, 1e5, "1000Nm3/h"),
    # Pure carbon gives ~112 tCO2/TJ, the most of any fuel (IPCC 2006 Vol. 2 Table 1.4 tops at ~108).
    "ef_per_tj": Limit(0.0, 150.0, "tCO2/TJ"),
    # A tonne of any material holds at most a tonne of carbon: 44/12 = 3.664 tCO2.
    "ef_per_t": Limit(0.0, 3.67, "tCO2/t"),
    # Butane (4 carbon atoms a molecule) gives ~7.9 tCO2 per 1000 Nm3; fuel gases hold fewer.
    "ef_per_1000nm3": Limit(0.0, 8.0, "tCO2/1000Nm3"),
    # Hydrogen has the highest heating value of any fuel, ~120 GJ/t (IPCC 2006 Vol. 2 Table 1.2).
    "ncv_per_t": Limit(0.0, 150.0, "GJ/t"),
    # Butane has ~118 GJ per 1000 Nm3 (natural gas ~36, hydrogen ~11).
    "ncv_per_1000nm3": Limit(0.0, 130.0, "GJ/1000Nm3"),
    # Carbon is at most the whole mass: 1 tC/t.
    "carbon_per_t": Limit(0.0, 1.0, "tC/t"),
    # Butane holds ~2.15 tC per 1000 Nm3.
    "carbon_per_1000nm3": Limit(0.0, 2.2, "tC/1000Nm3"),
    # The dirtiest fuel (~112 tCO2/TJ) at a boiler efficiency as low as 30 % gives ~370 tCO2/TJ of heat.
    "heat_ef": Limit(0.0, 400.0, "tCO2/TJ"),
    # Lignite power at 30 % efficiency emits ~1.2 tCO2/MWh; no plant or grid reaches 2.
    "electricity_ef": Limit(0.0, 2.0, "tCO2/MWh"),
    # The largest bulk carriers (Valemax) carry about 400,000 t: one shipment cannot be more.
    "shipment_t": Limit(0.0, 5e5, "t"),
    # The highest default value of any CBAM good is 26.64 tCO2e/t (hydrogen, CN; default values 2026-02).
    "see": Limit(0.0, 100.0, "tCO2e/t"),
}

Place = tuple[str, Any, str]  # field path, value, limit name


def _electricity_good(p: dict) -> bool:
    return "electric" in _str(p.get("goods_category")).lower()


def _process_quantities(d: QualityInput) -> Iterator[Place]:
    for i, p in _processes(d):
        at = f"processes[{i}]"
        yield f"{at}.activity_level", p.get("activity_level"), "activity_mwh" if _electricity_good(p) else "activity_t"
        yield f"{at}.direct_emissions", p.get("direct_emissions"), "direct_emissions_t"
        for key in ("imported_TJ", "exported_TJ"):
            yield f"{at}.heat.{key}", _dict(p.get("heat")).get(key), "heat_tj"
            yield f"{at}.waste_gas.{key}", _dict(p.get("waste_gas")).get(key), "heat_tj"
        for key in ("consumed_MWh", "exported_MWh"):
            yield f"{at}.electricity.{key}", _dict(p.get("electricity")).get(key), "electricity_mwh"
    for path, s in _streams(d):
        unit = _str(s.get("activity_unit")) or "t"
        amount = "amount_t_al" if str(s.get("method", "")).startswith("pfc") else (
            "amount_1000nm3" if unit == "1000Nm3" else "amount_t")
        yield f"{path}.activity_data", s.get("activity_data"), amount
        yield f"{path}.hours", s.get("hours"), "hours"
        yield f"{path}.concentration_g_per_Nm3", s.get("concentration_g_per_Nm3"), "concentration"
        yield f"{path}.flue_gas_flow_1000Nm3_per_h", s.get("flue_gas_flow_1000Nm3_per_h"), "flue_gas_flow"


_EF_BY_UNIT = {"tCO2/TJ": "ef_per_tj", "tCO2/t": "ef_per_t", "tCO2/1000Nm3": "ef_per_1000nm3"}
_NCV_BY_UNIT = {"GJ/t": "ncv_per_t", "GJ/1000Nm3": "ncv_per_1000nm3"}
_CARBON_BY_UNIT = {"tC/t": "carbon_per_t", "tC/1000Nm3": "carbon_per_1000nm3"}


def _factors(d: QualityInput) -> Iterator[Place]:
    for i, p in _processes(d):
        for key in ("imported_ef", "exported_ef"):
            yield f"processes[{i}].heat.{key}", _dict(p.get("heat")).get(key), "heat_ef"
        for key in ("ef", "exported_ef"):
            yield f"processes[{i}].electricity.{key}", _dict(p.get("electricity")).get(key), "electricity_ef"
    for path, s in _streams(d):
        default_ef = "tCO2/TJ" if s.get("method") == "combustion" else "tCO2/t"
        if (limit := _EF_BY_UNIT.get(_str(s.get("ef_unit")) or default_ef)) is not None:
            yield f"{path}.ef", s.get("ef"), limit
        if (limit := _NCV_BY_UNIT.get(_str(s.get("ncv_unit")) or "GJ/t")) is not None:
            yield f"{path}.ncv", s.get("ncv"), limit
        if (limit := _CARBON_BY_UNIT.get(_str(s.get("carbon_content_unit")) or "tC/t")) is not None:
            yield f"{path}.carbon_content", s.get("carbon_content"), limit


def _shipments(d: QualityInput) -> Iterator[Place]:
    for i, s in enumerate(map(_dict, d.shipments)):
        # a group of shipments carries its largest single one; a plain shipment its own quantity
        yield f"shipments[{i}].quantity", s.get("largest", s.get("quantity")), "shipment_t"


def _precursor_values(d: QualityInput) -> Iterator[Place]:
    for i, p in _precursors(d):
        for key in ("see_direct", "see_indirect"):
            yield f"purchased_precursors[{i}].{key}", p.get(key), "see"
    for i, p in _processes(d):
        for j, inp in enumerate(_list(p.get("inputs"))):
            yield f"processes[{i}].inputs[{j}].mass", _dict(inp).get("mass"), "amount_t"


# rule id, name → the places it checks. Every rule blocks.
FIELDS: dict[tuple[str, str], Callable[[QualityInput], Iterator[Place]]] = {
    ("DQ31", "quantity_implausible"): _process_quantities,
    ("DQ32", "factor_implausible"): _factors,
    ("DQ33", "shipment_quantity_implausible"): _shipments,
    ("DQ35", "precursor_value_implausible"): _precursor_values,
}


def _outside(places: Callable[[QualityInput], Iterator[Place]]):
    def check(d: QualityInput, ref: ReferenceData) -> Iterator[tuple[str, dict[str, Any]]]:
        for path, value, name in places(d):
            v = _num(value)
            limit = LIMITS[name]
            if v is not None and not limit.low <= v <= limit.high:
                yield path, {"value": f"{v:,.6g}", "low": f"{limit.low:,.6g}", "high": f"{limit.high:,.6g}",
                             "unit": limit.unit, "reason": f"quality.limit.{name}"}
    return check


for (_id, _name), _places in FIELDS.items():
    rule(_id, _name, BLOCKING)(_outside(_places))


@rule("DQ34", "shipments_exceed_output", BLOCKING)
def shipments_exceed_output(d: QualityInput, ref: ReferenceData) -> Iterator[tuple[str, dict[str, Any]]]:
    """What an installation ships of a good cannot exceed what its processes made of it, whatever the basis
    (default-priced shipments included: DQ23 counts only those naming a process); and no installation ships more
    in a year than the largest sites make."""
    made: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for i, p in _processes(d):
        codes = {c.replace(" ", "") for c in [_str(p.get("cn_code")), *map(_str, _list(p.get("cn_codes")))] if c}
        share = (_num(p.get("activity_level")) or 0.0)
        for cn in codes:
            made[cn] += share
            first.setdefault(cn, i)
    shipped: dict[str, float] = defaultdict(float)
    total = 0.0
    for s in map(_dict, d.shipments):
        q = _num(s.get("quantity")) or 0.0
        shipped[_str(s.get("cn_code")).replace(" ", "")] += q
        total += q
    for cn, qty in shipped.items():
        if cn in made and qty > made[cn] * (1 + 1e-9):
            yield f"processes[{first[cn]}].activity_level", {
                "cn_code": cn, "value": f"{qty:,.6g}", "high": f"{made[cn]:,.6g}", "unit": "t",
                "reason": "quality.limit.output_of_good"}
    limit = LIMITS["activity_t"]
    if d.shipments and total > limit.high:
        yield f"shipments[{len(d.shipments) - 1}].quantity", {
            "cn_code": "*", "value": f"{total:,.6g}", "high": f"{limit.high:,.6g}", "unit": "t",
            "reason": "quality.limit.activity_t"}
