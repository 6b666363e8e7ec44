"""The CBAM obligation per import line: CBAM basis, free-allocation adjustment, certificates and cost.

Formulas of Art. 6(2)(c) Reg. (EU) 2023/956 and Impl. Reg. (EU) 2025/2620 Annex points 2–5 as quoted in the
domain reference §3.2; default values and mark-ups per Impl. Reg. (EU) 2025/2621 / 2026/1740 (§3.3).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from core.cbam.errors import ReferenceDataError
from core.cbam.explain import Term, fmt
from core.cbam.reference import BenchmarkMatch, BenchmarkUnavailable, DefaultValueMatch, ReferenceData
from core.cbam.scenario import ImportLine, Process, Scenario
from core.cbam.see import ProcessResult

# legal citations only (they are shown as "source" in "why this number"); the reasoning stays in comments
SRC_FAA = "Impl. Reg. (EU) 2025/2620 Annex points 2–5; Directive 2003/87/EC Art. 10a(1a)"  # the CBAM factor
SRC_CERT = "Reg. (EU) 2023/956 Art. 6(2)(c)"  # certificates floored at zero (domain ref §3.2)
SRC_PRICE = "Reg. (EU) 2023/956 Art. 21(1a)"  # the quarterly average price for 2026 imports
ELECTRICITY = "Electricity (export to EU)"


@dataclass(slots=True)
class ImportResult:
    index: int
    basis: str
    cn_code: str
    country: str
    quantity: float
    quarter: int
    see_basis: float  # tCO2e per tonne counted for CBAM
    embedded_emissions: float
    # free-allocation adjustment per tonne, the adjustment, certificates and cost: None while a benchmark the line
    # needs is missing (`incomplete`): shown as incomplete, never as a smaller number
    sefa: float | None
    free_allocation_adjustment: float | None
    certificates: float | None
    price_eur: Decimal | None
    cost_eur: Decimal | None
    default_value: DefaultValueMatch | None = None
    flags: list[str] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    missing_benchmarks: list[dict[str, Any]] = field(default_factory=list)
    unit: str = "t"  # of `quantity`: MWh for electricity (its SEE and SEFA are then per MWh)
    emission_factor_source: str = ""  # electricity: the Annex III row or the PPA (core/cbam/electricity.py)
    carbon_price: Any = None  # core.cbam.carbon_price.Deduction, set after the certificates (Art. 9)

    @property
    def incomplete(self) -> bool:
        return bool(self.missing_benchmarks)

    @property
    def see_without_markup(self) -> float:
        """tCO2e per tonne before the default-value mark-up: a default line's default value (total), which the
        registry report carries; for actual data the CBAM basis itself (no mark-up applies)."""
        if self.basis == "default" and self.default_value is not None:
            return self.default_value.row.total or 0.0
        return self.see_basis

    @property
    def embedded_emissions_without_markup(self) -> float:
        """tCO2e of the line before the default-value mark-up (`embedded_emissions` includes it)."""
        return self.quantity * self.see_without_markup


class Sefa(NamedTuple):
    """A process's SEFA per tonne with its terms; `value` None and `missing` the benchmarks lacking when incomplete."""

    value: float | None
    terms: list[Term]
    missing: list[dict[str, Any]] = []


def gap(e: BenchmarkUnavailable, good: str) -> dict[str, Any]:
    """A missing benchmark as the engine reports it: which good (process or precursor id), CN code, column, route."""
    return {"good": good, "cn_code": e.cn_code, "column": e.column, "route": e.route, "reason": e.reason,
            "routes": list(e.routes)}


@dataclass(slots=True)
class Pricing:
    """Year-dependent factors of one evaluation (the forecast evaluates the same goods for other years)."""

    ref: ReferenceData
    year: int
    cscf: float
    cbam_factor: float
    overrides: dict[str, dict[str, float]]
    price_override: Decimal | None

    def price(self, quarter: int) -> Decimal | None:
        return self.price_override if self.price_override is not None else self.ref.certificate_price(self.year, quarter)

    def scale(self) -> float:
        return self.cbam_factor * self.cscf

    def column_a(self, cn: str, route: str | None) -> BenchmarkMatch:
        """Raises `BenchmarkUnavailable` when the value or the route it depends on is missing."""
        o = self.overrides.get(cn[:8], {})
        if "column_a" in o:
            return BenchmarkMatch(o["column_a"], cn[:8], route or "", "", "scenario parameters.benchmarks")
        return self.ref.column_a(cn, route, self.ref.benchmark_period(self.year))

    def column_b(self, cn: str, route: str | None, *, strict: bool = False) -> BenchmarkMatch:
        """`strict` (actual data): a route the value depends on is required. Raises `BenchmarkUnavailable`."""
        o = self.overrides.get(cn[:8], {})
        if "column_b" in o:
            return BenchmarkMatch(o["column_b"], cn[:8], route or "", "", "scenario parameters.benchmarks")
        m = self.ref.benchmarks.column_b(cn, route, self.ref.benchmark_period(self.year), strict=strict)
        if m is None:
            raise BenchmarkUnavailable("no_value", "column_b", cn, route)
        return m


def _bm_term(label: str, m: BenchmarkMatch, pricing: Pricing, value: float) -> Term:
    tag = f" ({m.route})" if m.route else ""
    period = f" ({m.period})" if m.period else ""
    note = f"; {m.note}" if m.note else ""
    return Term(label, value, "tCO2e/t",
                f"CBAM factor {fmt(pricing.cbam_factor)} × CSCF {fmt(pricing.cscf)} × BM {fmt(m.value)}{tag}{period} [{m.cn_code}]",
                f"{SRC_FAA}; {m.source}{note}")


# The benchmark route of steel follows the charge (Impl. Reg. (EU) 2025/2620 Annex, route-selection rule as
# reported from the Commission's draft annex by Kallanish, eurometal.net, Nov 2025; not in domain ref §3.2): more
# than 50 % of the mass of the crude steel produced or used from scrap → (E) scrap/EAF, from DRI → (D) DRI/EAF, from
# a blast furnace or smelting reduction (pig iron, hot metal) → (C) BF/BOF; if none passes 50 %, the component
# with the largest mass. The largest component is the one above 50 % whenever there is one, so one rule serves.
STEEL = ("Crude steel", "Iron or steel products")
CHARGE_TAG = {"Direct reduced iron": "D", "Pig iron": "C"}
SCRAP_PER_T = "t scrap per t steel"  # qualifying parameter of crude steel (template v2.1.1, 2025/2547 Annex)


def _number(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if v == v and v >= 0 else None


def route_tag(p: Process, ref: ReferenceData, scenario: Scenario | None = None,
              _seen: frozenset[str] = frozenset()) -> str | None:
    """The benchmark route of a process: stated (`benchmark_route`); else its production route's tag (BF/BOF → C,
    primary/secondary aluminium → K/L); else, for steel with `scenario` given, the charge: scrap (qualifying
    parameter t scrap per t steel × activity level), DRI and pig iron inputs, and crude steel used with its own
    route. None when nothing settles it: where the benchmark depends on the route, the cost is then incomplete."""
    if p.benchmark_route:
        return p.benchmark_route
    if p.route and p.route in ref.route_tags:
        return ref.route_tags[p.route]
    if scenario is None or p.goods_category not in STEEL or p.id in _seen:
        return None
    procs = {q.id: q for q in scenario.processes}
    pps = {pp.id: pp for pp in scenario.purchased_precursors}
    mass: dict[str | None, float] = {}
    scrap = _number(p.qualifying_parameters.get(SCRAP_PER_T))
    if scrap:
        mass["E"] = scrap * p.activity_level
    for u in p.inputs:
        if u.source in procs:
            src = procs[u.source]
            tag = CHARGE_TAG.get(src.goods_category) or (
                route_tag(src, ref, scenario, _seen | {p.id}) if src.goods_category in STEEL else "")
        elif u.source in pps:
            pp = pps[u.source]
            tag = CHARGE_TAG.get(pp.goods_category) or (pp.benchmark_route if pp.goods_category in STEEL else "")
        else:
            continue
        if tag != "":  # ferro-alloys, sintered ore, hydrogen are not a route's component
            mass[tag] = mass.get(tag, 0.0) + u.mass
    if not mass or max(mass.values()) <= 0:
        return None
    top = max(mass.values())
    tags = [t for t, m in mass.items() if m == top]
    return tags[0] if len(tags) == 1 else None  # an unknown component or a tie: not settled


def process_sefa(scenario: Scenario, order: list[Process], pricing: Pricing) -> dict[str, Sefa]:
    """SEFA per process for its own CN code: Column A plus the inputs' SEFA (purchased precursors: Column B with
    their route). A benchmark that is missing, or whose route is missing or unknown, leaves the process's SEFA and
    everything made from it incomplete (None): no other value stands in for it. Inputs come first in `order`."""
    ref = pricing.ref
    pps = {pp.id: pp for pp in scenario.purchased_precursors}
    out: dict[str, Sefa] = {}
    for p in order:
        out[p.id] = sefa_of(p, p.cn_code, out, pps, pricing, ref, scenario)
    return out


def sefa_of(p: Process, cn: str | None, done: dict[str, Sefa], pps: dict,
            pricing: Pricing, ref: ReferenceData, scenario: Scenario | None = None) -> Sefa:
    terms: list[Term] = []
    missing: list[dict[str, Any]] = []
    if p.goods_category == ELECTRICITY:
        terms.append(Term("cbam.term.sefa_electricity", 0.0, "tCO2e/MWh", "0", ref.parameters["electricity_free_allocation"]["source"]))
        return Sefa(0.0, terms)
    own = 0.0
    if cn:
        try:
            a = pricing.column_a(cn, route_tag(p, ref, scenario))
            own = pricing.scale() * a.value
            terms.append(_bm_term("cbam.term.sefa_column_a", a, pricing, own))
        except BenchmarkUnavailable as e:
            missing.append(gap(e, p.id))
    else:
        terms.append(Term("cbam.term.sefa_no_cn_code", 0.0, "tCO2e/t", "no CN code: no own benchmark", None))
    total = own
    for u in p.inputs:
        if u.source in done:
            s, more = done[u.source].value, done[u.source].missing
        else:
            pp = pps[u.source]
            s, more = None, []
            try:
                b = pricing.column_b(pp.cn_code, pp.benchmark_route, strict=True)
                s = pricing.scale() * b.value
                terms.append(_bm_term("cbam.term.sefa_precursor_column_b", b, pricing, s))
            except BenchmarkUnavailable as e:
                more = [gap(e, pp.id)]
        missing.extend(m for m in more if m not in missing)
        if s is None:
            continue
        share = u.mass / p.activity_level
        total += share * s
        terms.append(Term("cbam.term.sefa_input", share * s, "tCO2e/t",
                          f"{u.source}: ({fmt(u.mass)} / {fmt(p.activity_level)}) × {fmt(s)}", SRC_FAA))
    if missing:
        return Sefa(None, terms, missing)
    return Sefa(total, terms)


def sefa_chain_terms(proc: Process, sefa: dict[str, Sefa], by_id: dict[str, Process]) -> list[Term]:
    """The SEFA terms of every own upstream process, each once, so an import shows its whole chain."""
    out: list[Term] = []
    seen = {proc.id}
    stack = [u.source for u in reversed(proc.inputs)]
    while stack:
        pid = stack.pop()
        if pid in seen or pid not in by_id:
            continue
        seen.add(pid)
        out.extend(sefa[pid][1])
        stack.extend(u.source for u in reversed(by_id[pid].inputs))
    return out


def _finish(r: ImportResult, pricing: Pricing) -> ImportResult:
    """Embedded emissions, adjustment, certificates (floored at zero) and cost of one line. A missing benchmark
    leaves the adjustment, certificates and cost empty: the line is incomplete, not cheaper."""
    q = r.quantity
    r.embedded_emissions = q * r.see_basis
    r.terms.append(Term("cbam.term.embedded_emissions", r.embedded_emissions, "tCO2e", f"{fmt(q)} {r.unit} × {fmt(r.see_basis)}", SRC_CERT))
    r.price_eur = pricing.price(r.quarter)
    if r.incomplete:
        r.sefa = r.free_allocation_adjustment = r.certificates = None
        r.flags.append("cbam.flag.benchmark_missing")
        return r
    assert r.sefa is not None
    r.free_allocation_adjustment = q * r.sefa
    r.certificates = max(0.0, r.embedded_emissions - r.free_allocation_adjustment)
    r.terms.append(Term("cbam.term.free_allocation_adjustment", r.free_allocation_adjustment, "tCO2e", f"{fmt(q)} {r.unit} × {fmt(r.sefa)}", SRC_FAA))
    r.terms.append(Term("cbam.term.certificates", r.certificates, "certificates",
                        f"max(0, {fmt(r.embedded_emissions)} − {fmt(r.free_allocation_adjustment)})", SRC_CERT))
    if r.price_eur is None:
        r.flags.append("cbam.flag.price_unknown")
    else:
        r.cost_eur = Decimal(repr(r.certificates)) * r.price_eur
        r.terms.append(Term("cbam.term.cost", float(r.cost_eur), "EUR",
                            f"{fmt(r.certificates)} × EUR {r.price_eur} ({pricing.year}-Q{r.quarter})", SRC_PRICE))
    return r


def price_actual(n: int, line: ImportLine, proc: Process, result: ProcessResult,
                 sefa_terms: Sefa, pricing: Pricing, upstream: list[Term] | None = None) -> ImportResult:
    r = ImportResult(n, "actual", line.cn_code, line.country, line.quantity, line.quarter, result.cbam_basis,
                     0.0, sefa_terms.value, 0.0, 0.0, None, None, missing_benchmarks=list(sefa_terms.missing))
    r.terms.append(Term("cbam.term.cbam_basis_actual", result.cbam_basis, "tCO2e/t",
                        f"SEE_dir {fmt(result.see_direct)} + counted SEE_ind {fmt(result.see_indirect_counted)}"
                        + (" (Annex II: direct only)" if result.annex_ii else ""),
                        "Reg. (EU) 2023/956 Annex II; " + f"process {proc.id}"))
    r.terms.extend(sefa_terms.terms)
    r.terms.extend(upstream or [])  # Column A adds the inputs' SEFA: show how those came about
    if r.sefa is not None:
        r.terms.append(Term("cbam.term.sefa", r.sefa, "tCO2e/t", "SEFA", SRC_FAA))
    return _finish(r, pricing)


def price_default(n: int, line: ImportLine, pricing: Pricing) -> ImportResult:
    ref = pricing.ref
    match = ref.default_values.lookup(line.country, line.cn_code, line.variant)
    row = match.row
    category = ref.category_of(line.cn_code) or ""
    sector = row.sector or ref.categories[category].sector
    mk = ref.markup(sector, pricing.year)
    total = row.total or 0.0
    basis = total * (1.0 + mk)
    r = ImportResult(n, "default", line.cn_code, line.country, line.quantity, line.quarter, basis, 0.0, 0.0, 0.0, 0.0,
                     None, None, default_value=match)
    origin = "Other countries and territories" if match.fell_back else ref.iso_to_name.get(line.country, line.country)
    if match.fell_back:
        r.flags.append("cbam.flag.default_value_fallback")
    if match.note:
        r.flags.append("cbam.flag.several_variants_highest")
    r.terms.append(Term("cbam.term.default_value_total", total, "tCO2e/t",
                        f"{origin} {row.cn_code}{' ' + row.variant if row.variant else ''}: direct {row.direct} + indirect {row.indirect}",
                        f"Impl. Reg. (EU) 2025/2621 Annex I, default values version {ref.default_values.version}"))
    r.terms.append(Term("cbam.term.default_markup", mk, "fraction", f"{sector} {pricing.year}", ref.parameters["default_value_markup"]["source"]))
    r.terms.append(Term("cbam.term.cbam_basis_default", basis, "tCO2e/t", f"{fmt(total)} × (1 + {fmt(mk)})", SRC_CERT))
    if category == ELECTRICITY:
        r.sefa = 0.0
        r.terms.append(Term("cbam.term.sefa_electricity", 0.0, "tCO2e/MWh", "0", ref.parameters["electricity_free_allocation"]["source"]))
    else:
        try:
            b = pricing.column_b(line.cn_code, row.route or None)
            r.sefa = pricing.scale() * b.value
            r.terms.append(_bm_term("cbam.term.sefa_column_b", b, pricing, r.sefa))
        except BenchmarkUnavailable as e:
            r.missing_benchmarks.append(gap(e, f"imports[{n}]"))
    return _finish(r, pricing)


def missing_benchmarks(scenario: Scenario, ref: ReferenceData) -> list[tuple[str, int, dict[str, Any]]]:
    """Every benchmark the scenario's goods need that is missing or whose route is missing or unknown, as
    (`processes` | `purchased_precursors` | `imports`, index, gap): each process's own Column A, each purchased
    precursor's Column B with its route, each default-value import's Column B. Data-quality rules DQ36/DQ37."""
    y = scenario.reporting_year
    params = scenario.parameters
    pricing = Pricing(ref, y, params.cscf if params.cscf is not None else ref.cscf(y), ref.cbam_factor(y),
                      params.benchmarks, params.certificate_price_eur)
    out: list[tuple[str, int, dict[str, Any]]] = []
    for n, p in enumerate(scenario.processes):
        if p.cn_code and p.goods_category != ELECTRICITY:
            try:
                pricing.column_a(p.cn_code, route_tag(p, ref, scenario))
            except BenchmarkUnavailable as e:
                out.append(("processes", n, gap(e, p.id)))
    for n, pp in enumerate(scenario.purchased_precursors):
        try:
            pricing.column_b(pp.cn_code, pp.benchmark_route, strict=True)
        except BenchmarkUnavailable as e:
            out.append(("purchased_precursors", n, gap(e, pp.id)))
    for n, line in enumerate(scenario.imports):
        if line.basis != "default" or ref.category_of(line.cn_code) == ELECTRICITY:
            continue
        try:
            row = ref.default_values.lookup(line.country, line.cn_code, line.variant).row
            pricing.column_b(line.cn_code, row.route or None)
        except BenchmarkUnavailable as e:
            out.append(("imports", n, gap(e, f"imports[{n}]")))
        except ReferenceDataError:
            continue  # no default value: DQ27 names it
    return out
