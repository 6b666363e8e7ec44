"""The CBAM engine: one call from a scenario to SEE per process and the obligation per import line.

    ev = evaluate_data(json.load(f))          # parse, choose reference versions, evaluate
    ev.to_dict()                              # the `cbam evaluate` output
    explain(ev, "processes.P2") / explain(ev, "imports[0]")   # the terms behind a number
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.cbam.carbon_price import apply_carbon_prices, carbon_price_totals, deduction_fields
from core.cbam.electricity import is_electricity, price_electricity
from core.cbam.errors import ScenarioError
from core.cbam.explain import Term, terms_to_list
from core.cbam.obligation import (
    ImportResult,
    Pricing,
    price_actual,
    price_default,
    process_sefa,
    sefa_chain_terms,
    sefa_of,
)
from core.cbam.reference import ReferenceData, load_reference
from core.cbam.scenario import Scenario, parse_parameters, parse_scenario
from core.cbam.see import ProcessResult, annex_ii_rule, process_order, specific_embedded_emissions
from core.cbam.validate import obj


@dataclass(slots=True)
class Evaluation:
    scenario: Scenario
    year: int
    reference_versions: dict[str, str]
    processes: dict[str, ProcessResult]
    imports: list[ImportResult]
    flags: list[dict[str, Any]] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        """A benchmark some line needs is missing: totals are unknown, not the sum of the lines that have one."""
        return any(r.incomplete for r in self.imports)

    @property
    def missing_benchmarks(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for r in self.imports:
            out.extend(m for m in r.missing_benchmarks if m not in out)
        return out

    @property
    def total_certificates(self) -> float | None:
        if self.incomplete:
            return None
        return sum(r.certificates or 0.0 for r in self.imports)

    @property
    def total_cost_eur(self) -> Decimal | None:
        costs = [r.cost_eur for r in self.imports]
        return None if any(c is None for c in costs) else sum(costs, Decimal(0))  # type: ignore[arg-type]

    def to_dict(self, *, explain: bool = True) -> dict[str, Any]:
        procs = {}
        for pid, p in self.processes.items():
            d: dict[str, Any] = {
                "see_direct": p.see_direct, "see_indirect": p.see_indirect, "see_total": p.see_total,
                "see_indirect_counted": p.see_indirect_counted, "cbam_basis": p.cbam_basis, "annex_ii": p.annex_ii,
                "direct_emissions": p.direct_emissions, "attributed_direct": p.attributed_direct,
                "attributed_indirect": p.attributed_indirect,
            }
            if explain:
                d["explanation"] = terms_to_list(p.terms)
            procs[pid] = d
        imports = []
        for r in self.imports:
            d = {
                "basis": r.basis, "cn_code": r.cn_code, "country": r.country, "quantity": r.quantity, "unit": r.unit,
                "quarter": r.quarter,
                # with the default-value mark-up (CBAM basis, used for certificates) and without it (as the registry
                # report carries a default value): the same line's two figures, named apart
                "see_basis": r.see_basis, "embedded_emissions": r.embedded_emissions,
                "see_without_markup": r.see_without_markup,
                "embedded_emissions_without_markup": r.embedded_emissions_without_markup, "sefa": r.sefa,
                "free_allocation_adjustment": r.free_allocation_adjustment, "certificates": r.certificates,
                "price_eur": None if r.price_eur is None else float(r.price_eur),
                "cost_eur": None if r.cost_eur is None else float(r.cost_eur), "flags": r.flags,
                "incomplete": r.incomplete, "missing_benchmarks": r.missing_benchmarks,
            }
            if r.unit == "MWh":  # electricity: SEE and SEFA per MWh, and where the factor comes from
                d["see_unit"] = "tCO2e/MWh"
                d["emission_factor_source"] = r.emission_factor_source
            d.update(deduction_fields(r))
            if explain:
                d["explanation"] = terms_to_list(r.terms)
            imports.append(d)
        cost = self.total_cost_eur
        return {
            "format": "cbam-evaluation/1", "scenario": self.scenario.name, "year": self.year,
            "reference": self.reference_versions, "processes": procs, "imports": imports,
            "totals": {"certificates": self.total_certificates, "cost_eur": None if cost is None else float(cost),
                       "incomplete": self.incomplete},
            "flags": self.flags,
            "carbon_price": carbon_price_totals(self.imports),
        }


def evaluate(scenario: Scenario, ref: ReferenceData, *, year: int | None = None,
             price_eur: Decimal | None = None) -> Evaluation:
    """Evaluate a parsed scenario. `year` and `price_eur` replace the reporting year and certificate price
    (the forecast prices the same goods in later years)."""
    y = year or scenario.reporting_year
    params = scenario.parameters
    is_annex_ii = annex_ii_rule(ref, params.ammonia_indirect_counts)
    processes = specific_embedded_emissions(scenario, ref, is_annex_ii)
    pricing = Pricing(ref, y, params.cscf if params.cscf is not None else ref.cscf(y), ref.cbam_factor(y),
                      params.benchmarks, price_eur if price_eur is not None else params.certificate_price_eur)
    flags: list[dict[str, Any]] = []
    imports: list[ImportResult] = []
    actual = [line for line in scenario.imports if line.basis == "actual" and not is_electricity(ref, line.cn_code)]
    sefa = process_sefa(scenario, process_order(scenario.processes), pricing) if actual else {}
    by_id = {p.id: p for p in scenario.processes}
    pps = {pp.id: pp for pp in scenario.purchased_precursors}
    for n, line in enumerate(scenario.imports):
        if is_electricity(ref, line.cn_code):  # MWh, Annex III factor or PPA, no free allocation
            imports.append(price_electricity(n, line, pricing))
        elif line.basis == "actual":
            assert line.process is not None
            proc = by_id[line.process]
            st = (sefa[proc.id] if line.cn_code == proc.cn_code
                  else sefa_of(proc, line.cn_code, sefa, pps, pricing, ref, scenario))
            imports.append(price_actual(n, line, proc, processes[proc.id], st, pricing, sefa_chain_terms(proc, sefa, by_id)))
        else:
            imports.append(price_default(n, line, pricing))
    apply_carbon_prices(scenario.carbon_prices, imports, [line.process for line in scenario.imports])
    goods = {p.goods_category for p in scenario.processes} | {ref.category_of(i.cn_code) for i in scenario.imports}
    if "Ammonia" in goods:
        # The template v2.1.1 marks ammonia as direct-only; Annex II does not list it (domain ref §1.1 note a).
        flags.append({"key": "cbam.flag.ammonia_template_differs",
                      "params": {"follows": "template" if is_annex_ii("Ammonia") else "law"}})
    if params.cscf is None and str(y) not in ref.parameters["cscf"]["values"]:  # UNVERIFIED default in use
        flags.append({"key": "cbam.flag.cscf_default", "params": {"cscf": pricing.cscf}})
    return Evaluation(scenario, y, ref.versions, processes, imports, flags)


def load_for(data: Any, *, data_dir: Path | None = None) -> tuple[Scenario, ReferenceData]:
    """Parse a scenario object, loading the reference versions its parameters name (else the active ones)."""
    d = obj(data, "")
    params = parse_parameters(d.get("parameters"))
    ref = load_reference(default_values_version=params.default_values_version,
                         benchmarks_version=params.benchmarks_version, data_dir=data_dir)
    return parse_scenario(d, ref), ref


def evaluate_data(data: Any, *, data_dir: Path | None = None) -> Evaluation:
    scenario, ref = load_for(data, data_dir=data_dir)
    return evaluate(scenario, ref)


def evaluate_source_streams(data: Any, ref: ReferenceData) -> dict[str, Any]:
    """A `cbam-source-streams/1` file: each case's emissions with its terms."""
    from core.cbam.source_streams import stream_emissions
    from core.cbam.validate import lst

    d = obj(data, "")
    cases = []
    for n, case in enumerate(lst(d.get("cases"), "cases")):
        c = obj(case, f"cases[{n}]")
        r = stream_emissions(c.get("stream"), f"cases[{n}].stream", ref.constants)
        cases.append({"id": c.get("id"), "emissions_fossil": r.emissions_fossil, "emissions_biomass": r.emissions_biomass,
                      "energy_TJ": r.energy_tj, "explanation": terms_to_list(r.terms)})
    return {"format": "cbam-source-streams-result/1", "cases": cases}


def explain(evaluation: Evaluation, target: str) -> list[Term]:
    """The terms behind one result: `processes.<id>` or `imports[<n>]`."""
    if target.startswith("processes."):
        pid = target.removeprefix("processes.")
        if pid in evaluation.processes:
            return list(evaluation.processes[pid].terms)
    elif target.startswith("imports[") and target.endswith("]"):
        idx = target[len("imports["):-1]
        if idx.isdigit() and int(idx) < len(evaluation.imports):
            return list(evaluation.imports[int(idx)].terms)
    raise ScenarioError("cbam.error.unknown_explain_target", target)
