"""The power purchase agreement of an electricity import line: the cumulative conditions of Reg. (EU) 2023/956
Annex IV point 5 under which actual embedded emissions of imported electricity may be used. Parsed with the
scenario; a condition that is missing or not met is refused with an error naming its field and point."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.cbam.errors import ScenarioError
from core.cbam.explain import fmt
from core.cbam.validate import num, obj, text

SRC_CONDITIONS = "Reg. (EU) 2023/956 Annex IV point 5"  # conditions for actual emissions of imported electricity
# Annex IV point 5(c): the producing installation emits no more than 550 g CO2 of fossil origin per kWh
MAX_ACTUAL_FACTOR = 0.550  # tCO2/MWh
# Annex IV point 5(d): nominated capacity and production refer to the same period, not longer than one hour
MAX_MATCHING_MINUTES = 60
CONNECTIONS = ("direct", "no_congestion")  # Annex IV point 5(b): direct connection, or no congestion shown


@dataclass(frozen=True, slots=True)
class Ppa:
    """The evidence that allows actual emissions for an electricity import line (Annex IV point 5 (a)–(d))."""

    producer: str  # (a) the electricity producer in the third country, party to the PPA with the declarant
    installation: str  # the producing installation
    emission_factor: float  # tCO2e/MWh of that installation: the SEE used; (c) at most 0.550
    evidence: str  # reference of the PPA and the documents showing the conditions
    covered_mwh: float  # (a) the amount covered by the PPA
    connection: str  # (b) "direct" | "no_congestion"
    firm_nomination: bool  # (d) firmly nominated to the allocated interconnection capacity by all TSOs
    nominated_mwh: float  # (d) the amount so nominated
    matching_period_minutes: float  # (d) the period nominated capacity and production are matched over


def _missing(path: str, point: str) -> ScenarioError:
    return ScenarioError("cbam.error.ppa_condition_missing", path, point=point)


def parse_ppa(data: Any, path: str, quantity: float) -> Ppa:
    """An import line's `ppa` object, checked against every condition of Annex IV point 5; the first condition
    that is missing or not met is refused, naming its field and point."""
    if data is None:
        raise ScenarioError("cbam.error.ppa_missing", path)
    p = obj(data, path)
    for key, point in (("producer", "5(a)"), ("installation", "5(a)"), ("evidence", "5")):
        if not str(p.get(key) or "").strip():
            raise _missing(f"{path}.{key}", point)
    for key, point in (("covered_MWh", "5(a)"), ("connection", "5(b)"), ("emission_factor", "5(c)"),
                       ("firm_nomination", "5(d)"), ("nominated_MWh", "5(d)"), ("matching_period_minutes", "5(d)")):
        if p.get(key) is None:
            raise _missing(f"{path}.{key}", point)
    covered = num(p, "covered_MWh", path, nonneg=True)
    if covered < quantity:
        raise ScenarioError("cbam.error.ppa_not_covered", f"{path}.covered_MWh", covered=fmt(covered),
                            quantity=fmt(quantity))
    connection = text(p, "connection", path)
    if connection not in CONNECTIONS:
        raise ScenarioError("cbam.error.ppa_connection", f"{path}.connection", value=connection)
    ef = num(p, "emission_factor", path, nonneg=True)
    if ef > MAX_ACTUAL_FACTOR:
        raise ScenarioError("cbam.error.ppa_factor_too_high", f"{path}.emission_factor", value=fmt(ef),
                            max=fmt(MAX_ACTUAL_FACTOR))
    if p.get("firm_nomination") is not True:
        raise ScenarioError("cbam.error.ppa_not_nominated", f"{path}.firm_nomination")
    nominated = num(p, "nominated_MWh", path, nonneg=True)
    if nominated < quantity:
        raise ScenarioError("cbam.error.ppa_nomination_short", f"{path}.nominated_MWh", nominated=fmt(nominated),
                            quantity=fmt(quantity))
    minutes = num(p, "matching_period_minutes", path, positive=True)
    if minutes > MAX_MATCHING_MINUTES:
        raise ScenarioError("cbam.error.ppa_period_too_long", f"{path}.matching_period_minutes", value=fmt(minutes))
    return Ppa(str(p["producer"]).strip(), str(p["installation"]).strip(), ef, str(p["evidence"]).strip(), covered,
               connection, True, nominated, minutes)
