"""Source-stream emissions (installation level), the template's own formulas (domain ref §2.1).

Methods register in `METHODS`; each reads one stream object (as in `cbam-scenario/1` and
`source_streams.json`) and returns fossil and biomass emissions with the terms that produced them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.cbam.errors import ScenarioError
from core.cbam.explain import Term, fmt
from core.cbam.validate import choice, num

SRC_T = "Communication template v2.1.1, B_EmInst"


@dataclass(slots=True)
class StreamResult:
    emissions_fossil: float  # tCO2e, counted in DirEm*
    emissions_biomass: float = 0.0  # tCO2, zero-rated
    energy_tj: float | None = None  # fossil energy content
    terms: list[Term] = field(default_factory=list)


Method = Callable[[dict[str, Any], str, dict[str, float]], StreamResult]
METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    def register(fn: Method) -> Method:
        METHODS[name] = fn
        return fn
    return register


def _unit_pair(s: dict[str, Any], path: str, unit_key: str, allowed: dict[str, str]) -> str:
    """The unit of a factor must fit the activity unit: GJ/t with t, GJ/1000Nm3 with 1000Nm3."""
    ad_unit = choice(s, "activity_unit", path, ("t", "1000Nm3"), default="t")
    unit = choice(s, unit_key, path, tuple(allowed), default=next(k for k, v in allowed.items() if v in ("", ad_unit)))
    if allowed[unit] not in ("", ad_unit):
        raise ScenarioError("cbam.error.unit_mismatch", f"{path}.{unit_key}", unit=unit, activity_unit=ad_unit)
    return unit


@method("combustion")
def combustion(s: dict[str, Any], path: str, c: dict[str, float]) -> StreamResult:
    ad = num(s, "activity_data", path)
    bio = num(s, "biomass_fraction", path, default=0.0, fraction=True)
    oxf = num(s, "oxidation_factor", path, default=1.0, fraction=True)
    ef = num(s, "ef", path, nonneg=True)
    ef_unit = _unit_pair(s, path, "ef_unit", {"tCO2/TJ": "", "tCO2/t": "t", "tCO2/1000Nm3": "1000Nm3"})
    ncv = None
    if ef_unit == "tCO2/TJ" or s.get("ncv") is not None:
        ncv = num(s, "ncv", path, nonneg=True)
        _unit_pair(s, path, "ncv_unit", {"GJ/t": "t", "GJ/1000Nm3": "1000Nm3"})
    if ef_unit == "tCO2/TJ":
        assert ncv is not None
        gross = ad * ncv / 1000.0 * ef * oxf  # GJ → TJ
        formula = f"{fmt(ad)} × {fmt(ncv)}/1000 × {fmt(ef)} × {fmt(oxf)}"
    else:
        gross = ad * ef * oxf
        formula = f"{fmt(ad)} × {fmt(ef)} × {fmt(oxf)}"
    energy = ad * ncv / 1000.0 * (1.0 - bio) if ncv is not None else None
    fossil = gross * (1.0 - bio)
    term = Term("cbam.term.stream_combustion", fossil, "tCO2", f"AD × NCV × EF × OxF × (1 − BioC) = {formula} × (1 − {fmt(bio)})", SRC_T)
    return StreamResult(fossil, gross * bio, energy, [term])


@method("process")
def process(s: dict[str, Any], path: str, c: dict[str, float]) -> StreamResult:
    ad = num(s, "activity_data", path)
    bio = num(s, "biomass_fraction", path, default=0.0, fraction=True)
    conv = num(s, "conversion_factor", path, default=1.0, fraction=True)
    ef = num(s, "ef", path, nonneg=True)
    _unit_pair(s, path, "ef_unit", {"tCO2/t": "t", "tCO2/1000Nm3": "1000Nm3"})
    gross = ad * ef * conv
    fossil = gross * (1.0 - bio)
    term = Term("cbam.term.stream_process", fossil, "tCO2",
                f"AD × EF × ConvF × (1 − BioC) = {fmt(ad)} × {fmt(ef)} × {fmt(conv)} × (1 − {fmt(bio)})", SRC_T)
    return StreamResult(fossil, gross * bio, None, [term])


@method("mass_balance")
def mass_balance(s: dict[str, Any], path: str, c: dict[str, float]) -> StreamResult:
    ad = num(s, "activity_data", path)  # negative for outputs (products, slag)
    bio = num(s, "biomass_fraction", path, default=0.0, fraction=True)
    cc = num(s, "carbon_content", path, nonneg=True)
    _unit_pair(s, path, "carbon_content_unit", {"tC/t": "t", "tC/1000Nm3": "1000Nm3"})
    k = c["co2_per_c"]  # 3.664 tCO2/tC, Impl. Reg. (EU) 2025/2547 Annex II B.3.2
    gross = ad * cc * k
    fossil = gross * (1.0 - bio)
    term = Term("cbam.term.stream_mass_balance", fossil, "tCO2",
                f"AD × CC × {fmt(k)} × (1 − BioC) = {fmt(ad)} × {fmt(cc)} × {fmt(k)} × (1 − {fmt(bio)})",
                "Impl. Reg. (EU) 2025/2547 Annex II B.3.2; " + SRC_T)
    return StreamResult(fossil, gross * bio, None, [term])


def _pfc(cf4: float, s: dict[str, Any], path: str, c: dict[str, float], formula: str) -> StreamResult:
    f_c2f6 = num(s, "f_c2f6", path, nonneg=True)
    ce = num(s, "collection_efficiency", path, default=1.0, fraction=True)
    if ce <= 0:
        raise ScenarioError("cbam.error.not_positive", f"{path}.collection_efficiency", value=ce)
    c2f6 = cf4 * f_c2f6
    total = (cf4 * c["gwp_cf4"] + c2f6 * c["gwp_c2f6"]) / ce
    return StreamResult(total, 0.0, None, [
        Term("cbam.term.pfc_cf4", cf4, "t CF4", formula, SRC_T + " (b)"),
        Term("cbam.term.pfc_c2f6", c2f6, "t C2F6", f"CF4 × F_C2F6 = {fmt(cf4)} × {fmt(f_c2f6)}", SRC_T + " (b)"),
        Term("cbam.term.stream_pfc", total, "tCO2e",
             f"(CF4 × {fmt(c['gwp_cf4'])} + C2F6 × {fmt(c['gwp_c2f6'])}) / {fmt(ce)}", SRC_T + " (b); GWPs Parameters_Constants"),
    ])


@method("pfc_slope")
def pfc_slope(s: dict[str, Any], path: str, c: dict[str, float]) -> StreamResult:
    ad = num(s, "activity_data", path, nonneg=True)  # t primary aluminium
    aef = num(s, "anode_effect_frequency", path, nonneg=True)
    aed = num(s, "anode_effect_duration", path, nonneg=True)
    sef = num(s, "sef_cf4", path, nonneg=True)
    cf4 = ad * aef * aed * sef / 1000.0
    return _pfc(cf4, s, path, c, f"AD × AEF × AED × SEF_CF4 / 1000 = {fmt(ad)} × {fmt(aef)} × {fmt(aed)} × {fmt(sef)} / 1000")


@method("pfc_overvoltage")
def pfc_overvoltage(s: dict[str, Any], path: str, c: dict[str, float]) -> StreamResult:
    ad = num(s, "activity_data", path, nonneg=True)
    aeo = num(s, "anode_effect_overvoltage", path, nonneg=True)  # mV per cell
    cur = num(s, "current_efficiency", path, fraction=True)
    if cur <= 0:
        raise ScenarioError("cbam.error.not_positive", f"{path}.current_efficiency", value=cur)
    ovc = num(s, "overvoltage_coefficient", path, nonneg=True)
    cf4 = ad * (aeo / cur) * ovc / 1000.0
    return _pfc(cf4, s, path, c, f"AD × (AEO/CE) × OVC / 1000 = {fmt(ad)} × ({fmt(aeo)}/{fmt(cur)}) × {fmt(ovc)} / 1000")


@method("measurement")
def measurement(s: dict[str, Any], path: str, c: dict[str, float]) -> StreamResult:
    gas = choice(s, "gas", path, ("CO2", "N2O"))
    conc = num(s, "concentration_g_per_Nm3", path, nonneg=True)
    hours = num(s, "hours", path, nonneg=True)
    flow = num(s, "flue_gas_flow_1000Nm3_per_h", path, nonneg=True)
    bio = num(s, "biomass_fraction", path, default=0.0, fraction=True)
    gwp = 1.0 if gas == "CO2" else c["gwp_n2o"]
    mass = conc * hours * flow / 1000.0  # g/Nm3 × h × 1000 Nm3/h / 1000 → t
    fossil = mass * (1.0 - bio) * gwp
    return StreamResult(fossil, mass * bio * gwp, None, [
        Term("cbam.term.measured_mass", mass, f"t {gas}", f"{fmt(conc)} × {fmt(hours)} × {fmt(flow)} / 1000", SRC_T + " (c)"),
        Term("cbam.term.stream_measurement", fossil, "tCO2e", f"{fmt(mass)} × (1 − {fmt(bio)}) × GWP {fmt(gwp)}", SRC_T + " (c)"),
    ])


def stream_emissions(stream: Any, path: str, constants: dict[str, float]) -> StreamResult:
    if not isinstance(stream, dict):
        raise ScenarioError("cbam.error.not_an_object", path)
    m = choice(stream, "method", path, tuple(METHODS))
    return METHODS[m](stream, path, constants)
