"""Forward views over a scenario: the 2026–2034 cost forecast, actual versus default per good, de minimis."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from core.cbam.engine import evaluate
from core.cbam.errors import CbamError, ReferenceDataError, ScenarioError
from core.cbam.explain import Term, fmt
from core.cbam.reference import ReferenceData
from core.cbam.scenario import ImportLine, Scenario

FORECAST_YEARS = range(2026, 2035)  # CBAM factor phase-out, Directive 2003/87/EC Art. 10a(1a)


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    path: str
    year: int
    cbam_factor: float
    embedded_emissions: float
    free_allocation_adjustment: float | None  # None: a benchmark is missing (the point is incomplete)
    certificates: float | None
    price_eur: Decimal
    cost_eur: Decimal | None
    terms: tuple[Term, ...] = ()


def forecast(scenario: Scenario, ref: ReferenceData, price_paths: dict[str, dict[int, float | Decimal]],
             years: range = FORECAST_YEARS) -> list[ForecastPoint]:
    """The scenario's imports priced in each year under each EUA price path (EUR per certificate).

    The installation's SEE and the quantities are held constant; what changes per year is the CBAM factor,
    the default-value mark-up, the benchmark period and the price.
    """
    out: list[ForecastPoint] = []
    for name, path in price_paths.items():
        for y in years:
            if y not in path:
                raise ScenarioError("cbam.error.field_missing", f"price_paths.{name}.{y}")
            price = Decimal(str(path[y]))
            if not price.is_finite() or price < 0:
                raise ScenarioError("cbam.error.negative_value", f"price_paths.{name}.{y}", value=str(path[y]))
            ev = evaluate(scenario, ref, year=y, price_eur=price)
            ee = sum(r.embedded_emissions for r in ev.imports)
            factor = ref.cbam_factor(y)
            cert = ev.total_certificates
            if cert is None:  # a benchmark is missing: no forecast number rather than a smaller one
                out.append(ForecastPoint(name, y, factor, ee, None, None, price, None))
                continue
            faa = sum(r.free_allocation_adjustment or 0.0 for r in ev.imports)
            cost = ev.total_cost_eur or Decimal(0)
            terms = (
                Term("cbam.term.embedded_emissions", ee, "tCO2e", "Σ import lines", None),
                Term("cbam.term.free_allocation_adjustment", faa, "tCO2e", f"CBAM factor {fmt(factor)} in {y}",
                     ref.parameters["cbam_factor"]["source"]),
                Term("cbam.term.certificates", cert, "certificates", "Σ max(0, EE − FAA) per line", None),
                Term("cbam.term.forecast_cost", float(cost), "EUR", f"{fmt(cert)} × EUR {price}", f"price path {name}"),
            )
            out.append(ForecastPoint(name, y, factor, ee, faa, cert, price, cost, terms))
    return out


@dataclass(frozen=True, slots=True)
class Comparison:
    process: str
    cn_code: str
    country: str
    actual_basis: float  # tCO2e/t counted
    default_basis: float | None
    actual_certificates_per_t: float | None  # None: a benchmark is missing
    default_certificates_per_t: float | None
    actual_cost_per_t: Decimal | None
    default_cost_per_t: Decimal | None
    cheaper: str | None  # "actual" | "default" | "equal" | None (no default value, or a benchmark is missing)
    error_key: str | None = None


def actual_vs_default(scenario: Scenario, ref: ReferenceData, *, quarter: int = 1) -> list[Comparison]:
    """Per good an installation makes (each process with a CN code): one tonne priced on actual data and on
    the default value for the installation's country."""
    lines: list[ImportLine] = []
    goods = [p for p in scenario.processes if p.cn_code]
    for p in goods:
        assert p.cn_code is not None
        lines.append(ImportLine("actual", p.id, p.cn_code, scenario.installation_country, 1.0, quarter))
        lines.append(ImportLine("default", None, p.cn_code, scenario.installation_country, 1.0, quarter))
    out: list[Comparison] = []
    for k, p in enumerate(goods):
        actual_s = replace(scenario, imports=(lines[2 * k],))
        act = evaluate(actual_s, ref).imports[0]
        try:
            dft = evaluate(replace(scenario, imports=(lines[2 * k + 1],)), ref).imports[0]
        except (ReferenceDataError, CbamError) as e:
            out.append(Comparison(p.id, act.cn_code, act.country, act.see_basis, None, act.certificates, None,
                                  act.cost_eur, None, None, e.key))
            continue
        if act.certificates is None or dft.certificates is None:
            cheaper = None  # a benchmark is missing: no comparison
        elif act.cost_eur is not None and dft.cost_eur is not None:
            cheaper = "equal" if act.cost_eur == dft.cost_eur else ("actual" if act.cost_eur < dft.cost_eur else "default")
        else:
            cheaper = "equal" if act.certificates == dft.certificates else (
                "actual" if act.certificates < dft.certificates else "default")
        out.append(Comparison(p.id, act.cn_code, act.country, act.see_basis, dft.see_basis, act.certificates,
                              dft.certificates, act.cost_eur, dft.cost_eur, cheaper))
    return out


@dataclass(frozen=True, slots=True)
class DeMinimisResult:
    year: int
    counted_t: float  # net mass of the goods the threshold covers
    threshold_t: float
    exempt: bool  # the counted goods stay below the threshold: no CBAM obligation for them
    near_threshold: bool  # above 90 % of the threshold (flagged)
    always_in_scope: tuple[str, ...]  # CN codes the threshold never covers (hydrogen, electricity)
    terms: list[Term] = field(default_factory=list)


def de_minimis(lines: list[tuple[str, float]], ref: ReferenceData, year: int) -> DeMinimisResult:
    """Art. 2a de minimis test for one importer and calendar year over (CN code, net mass in t) lines."""
    p = ref.parameters["de_minimis"]
    counted = 0.0
    always: list[str] = []
    for n, (cn, mass) in enumerate(lines):
        cat = ref.category_of(cn)
        if cat is None:
            raise ScenarioError("cbam.error.unknown_cn_code", f"lines[{n}].cn_code", cn_code=cn)
        if mass != mass or mass < 0:
            raise ScenarioError("cbam.error.negative_value", f"lines[{n}].mass", value=mass)
        if cat in p["excluded_categories"]:
            always.append(cn)
        elif ref.categories[cat].sector in p["sectors"]:
            counted += mass
    threshold = float(p["threshold_t"])
    exempt = counted <= threshold  # obligations apply once the threshold is exceeded (Art. 2a)
    near = counted > threshold * float(p["warning_share"])
    terms = [
        Term("cbam.term.de_minimis_total", counted, "t", "Σ net mass of cement, iron and steel, aluminium, fertilisers", p["source"]),
        Term("cbam.term.de_minimis_threshold", threshold, "t", f"exempt if {fmt(counted)} ≤ {fmt(threshold)}", p["source"]),
    ]
    return DeMinimisResult(year, counted, threshold, exempt, near, tuple(always), terms)


def de_minimis_for_scenario(scenario: Scenario, ref: ReferenceData) -> DeMinimisResult:
    return de_minimis([(i.cn_code, i.quantity) for i in scenario.imports], ref, scenario.reporting_year)
