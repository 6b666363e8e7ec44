"""Benchmarks by production route: the route is required where the value depends on it, and a missing benchmark
leaves the cost incomplete (never another route's value, never a smaller number).

Hand-computed cases. Constants and their sources:
- CBAM factor 2026 = 0.975 (Directive 2003/87/EC Art. 10a(1a), domain ref §3.2); CSCF 1.0 (given in the scenario).
- Column A (BMg*) 7207 11 14 semi-finished: 0.188 (C) / 0.065 (D, E); 7208 hot-rolled flat: 0.044
  (Impl. Reg. (EU) 2025/2620 Annex, domain ref §3.2).
- Column B 7207 11 14: 1.364 (C) / 0.475 (D) / 0.066 (E); 2523 10 00 clinker 0.666 (A grey) / 0.859 (B white)
  (cbam_benchmarks_2026-02.csv, the Commission's file of 2025/2620).
- Default values, China, clinker: white 1.30, grey 1.39 tCO2e/t; mark-up 2026 10 % (2025/2621 as corrected by
  2026/1740, cbam_default_values_2026-02.csv; domain ref §3.3).
- Certificate price Q1 2026: EUR 75.36 (given in the scenario).
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from core.cbam import evaluate_data
from core.cbam.engine import evaluate, load_for
from core.quality import QualityInput, check

PARAMS = {"cscf": 1.0, "certificate_price_eur": 75.36}


def steelworks(**process: Any) -> dict[str, Any]:
    """One crude-steel process making 1000 t of semi-finished 7207 11 14 with 500 t CO2 direct, all exported."""
    p = {"id": "P1", "goods_category": "Crude steel", "cn_code": "72071114", "activity_level": 1000.0,
         "direct_emissions": 500.0, **process}
    return {"format": "cbam-scenario/1", "reporting_year": 2026, "installation": {"name": "Works", "country": "CN"},
            "processes": [p], "purchased_precursors": [],
            "imports": [{"basis": "actual", "process": "P1", "quantity": 1000.0, "quarter": 1}],
            "parameters": dict(PARAMS)}


def re_roller(**billet: Any) -> dict[str, Any]:
    """A re-roller: 1000 t hot-rolled flat 7208 39 00 from 1050 t of purchased billet (SEE 0.5, China), 100 t own CO2."""
    pp = {"id": "B1", "goods_category": "Crude steel", "cn_code": "72071114", "country": "CN", "see_direct": 0.5,
          "see_indirect": 0.0, "data_source": "actual", **billet}
    return {"format": "cbam-scenario/1", "reporting_year": 2026, "installation": {"name": "Mill", "country": "CN"},
            "processes": [{"id": "R1", "goods_category": "Iron or steel products", "cn_code": "72083900",
                           "activity_level": 1000.0, "direct_emissions": 100.0,
                           "inputs": [{"from": "B1", "mass": 1050.0}]}],
            "purchased_precursors": [pp],
            "imports": [{"basis": "actual", "process": "R1", "quantity": 1000.0, "quarter": 1}],
            "parameters": dict(PARAMS)}


@pytest.mark.parametrize("route,sefa,certificates,cost", [
    # EAF (D): SEFA = 0.975 × 1.0 × 0.065 = 0.063375; FAA = 63.375; 500 − 63.375 = 436.625; × 75.36 = 32,904.06
    ("D", 0.063375, 436.625, "32904.06"),
    ("E", 0.063375, 436.625, "32904.06"),
    # BF/BOF (C): 0.975 × 0.188 = 0.1833; 500 − 183.3 = 316.7; × 75.36 = 23,866.512
    ("C", 0.1833, 316.7, "23866.512"),
])
def test_semi_finished_steel_takes_the_column_a_value_of_its_route(route, sefa, certificates, cost):
    r = evaluate_data(steelworks(benchmark_route=route)).imports[0]
    assert r.sefa == pytest.approx(sefa, abs=1e-12)
    assert r.certificates == pytest.approx(certificates, abs=1e-9)
    assert r.cost_eur == pytest.approx(Decimal(cost), abs=Decimal("0.000001"))
    assert not r.incomplete


def test_without_a_route_the_cost_is_incomplete_never_the_highest_route():
    """Before: the engine took route (C)'s 0.188 for a process without a route (an EAF got 0.1833/t instead of
    0.063375/t). Now nothing stands in: the line has no adjustment, no certificates and no cost."""
    ev = evaluate_data(steelworks())
    r = ev.imports[0]
    assert r.incomplete and "cbam.flag.benchmark_missing" in r.flags
    assert r.sefa is None and r.free_allocation_adjustment is None and r.certificates is None and r.cost_eur is None
    assert r.embedded_emissions == pytest.approx(500.0)  # what is known is still shown
    assert r.missing_benchmarks == [{"good": "P1", "cn_code": "72071114", "column": "column_a", "route": "",
                                     "reason": "route_required", "routes": ["C", "D", "E"]}]
    out = ev.to_dict()
    assert out["totals"] == {"certificates": None, "cost_eur": None, "incomplete": True}


def test_a_route_the_good_has_no_value_for_is_incomplete():
    r = evaluate_data(steelworks(benchmark_route="K")).imports[0]  # K is primary aluminium
    assert r.certificates is None and r.missing_benchmarks[0]["reason"] == "route_unknown"


def test_a_cn_code_without_column_a_is_incomplete_not_column_b(ref):
    """Before: a code without Column A took Column B for the whole chain. Column A missing is a gap to fix."""
    scenario, _ = load_for(steelworks(benchmark_route="D"))
    r = evaluate(scenario, replace(ref, column_a_rows=[])).imports[0]
    assert r.certificates is None and r.cost_eur is None
    assert r.missing_benchmarks[0]["reason"] == "no_value" and r.missing_benchmarks[0]["column"] == "column_a"


@pytest.mark.parametrize("route,certificates", [
    # SEE = (100 + 1050 × 0.5) / 1000 = 0.625 → EE 625 t.
    # SEFA = 0.975 × 0.044 + (1050/1000) × 0.975 × 0.066 = 0.0429 + 0.0675675 = 0.1104675 → 625 − 110.4675
    # (with (C) instead: 0.0429 + 1.05 × 0.975 × 1.364 = 1.43928 → max(0, 625 − 1439.28) = 0, what the engine
    # took before for every billet without a route)
    ("E", 514.5325),
])
def test_a_purchased_billet_takes_column_b_of_its_route(route, certificates):
    r = evaluate_data(re_roller(benchmark_route=route)).imports[0]
    assert r.certificates == pytest.approx(certificates, abs=1e-9)


def test_a_purchased_billet_without_route_leaves_the_re_roller_incomplete_not_at_zero():
    """Before: the billet took the highest Column B (1.364, route C), which brought the re-roller's certificates to
    0 whatever its billets' route."""
    r = evaluate_data(re_roller()).imports[0]
    assert r.certificates is None and r.cost_eur is None
    assert r.missing_benchmarks == [{"good": "B1", "cn_code": "72071114", "column": "column_b", "route": "",
                                     "reason": "route_required", "routes": ["C", "D", "E"]}]


def test_missing_benchmarks_are_blocking_findings_that_name_the_good():
    findings = [(f.rule, f.severity, f.path, f.params["good"], f.params["cn_code"])
                for f in check(QualityInput(steelworks())) if f.rule in ("DQ36", "DQ37")]
    assert findings == [("DQ37", "blocking", "processes[0].route", "P1", "72071114")]
    findings = [(f.rule, f.path, f.params["good"]) for f in check(QualityInput(re_roller()))
                if f.rule in ("DQ36", "DQ37")]
    assert findings == [("DQ37", "purchased_precursors[0].benchmark_route", "B1")]
    assert not [f for f in check(QualityInput(steelworks(benchmark_route="D"))) if f.rule in ("DQ36", "DQ37")]


@pytest.mark.parametrize("taric,certificates,cost", [
    # white clinker 2523 10 00 10: 1.30 × 1.10 = 1.43 → EE 1430; SEFA 0.975 × 0.859 = 0.837525 → 1430 − 837.525
    # = 592.475; × 75.36 = 44,648.916
    ("2523100010", 592.475, "44648.916"),
    # grey clinker 2523 10 00 90: 1.39 × 1.10 = 1.529 → 1529; 0.975 × 0.666 = 0.64935 → 879.65; × 75.36 = 66,290.424
    ("2523100090", 879.65, "66290.424"),
])
def test_white_and_grey_clinker_are_told_apart_by_their_taric_code(taric, certificates, cost):
    """Before: 2523 10 00 10 (white) took the highest default row (grey, 1.39) and was priced as grey."""
    d = steelworks(benchmark_route="D")
    d["imports"] = [{"basis": "default", "cn_code": taric, "country": "CN", "quantity": 1000.0, "quarter": 1}]
    r = evaluate_data(d).imports[0]
    assert r.certificates == pytest.approx(certificates, abs=1e-9)
    assert r.cost_eur == pytest.approx(Decimal(cost), abs=Decimal("0.000001"))
    assert "cbam.flag.several_variants_highest" not in r.flags


def test_an_incomplete_line_makes_the_forecast_incomplete_not_smaller(ref):
    from core.cbam import forecast

    scenario, _ = load_for(steelworks())
    points = forecast(scenario, ref, {"base": {2026: 75.36}}, years=range(2026, 2027))
    assert points[0].certificates is None and points[0].cost_eur is None



def eaf(scrap_per_t: float | None, inputs: list[tuple[str, str, float]]) -> dict[str, Any]:
    """An EAF making 1000 t of semis; `inputs` are purchased (id, goods category, t) charged with the scrap."""
    qp = {} if scrap_per_t is None else {"t scrap per t steel": scrap_per_t}
    d = steelworks(route="Electric arc furnace", qualifying_parameters=qp,
                   inputs=[{"from": i, "mass": m} for i, _c, m in inputs])
    cn = {"Direct reduced iron": "72031000", "Pig iron": "72011011"}
    d["purchased_precursors"] = [{"id": i, "goods_category": c, "cn_code": cn[c], "country": "CN", "see_direct": 0.0,
                                  "see_indirect": 0.0, "data_source": "actual"} for i, c, _m in inputs]
    return d


@pytest.mark.parametrize("scrap,inputs,tag", [
    (0.9, [("DRI", "Direct reduced iron", 200.0)], "E"),          # 900 t scrap of 1100 t: > 50 % scrap
    (0.2, [("DRI", "Direct reduced iron", 900.0)], "D"),          # 900 t DRI of 1100 t
    (0.1, [("HM", "Pig iron", 700.0)], "C"),                      # 700 t pig iron of 800 t: BF route
    (0.4, [("DRI", "Direct reduced iron", 350.0), ("HM", "Pig iron", 300.0)], "E"),  # none > 50 %: largest, scrap
    (0.5, [("DRI", "Direct reduced iron", 500.0)], None),         # a tie: not settled
    (None, [], None),                                             # no charge given: not settled
])
def test_an_eaf_takes_its_benchmark_route_from_the_charge(scrap, inputs, tag, ref):
    from core.cbam.obligation import route_tag

    scenario, _ = load_for(eaf(scrap, inputs))
    assert route_tag(scenario.processes[0], ref, scenario) == tag


def test_an_eaf_on_scrap_gets_the_eaf_column_a_not_the_blast_furnace_one():
    """The audit's case: an EAF's semis priced with (C)'s 0.188 had an adjustment three times too large.
    Scrap 0.9 t/t → (E): own 0.975 × 0.065 = 0.063375, plus the purchased DRI (Column B 7203 0.397):
    (200/1000) × 0.975 × 0.397 = 0.077415 → SEFA 0.14079; certificates 500 − 140.79 = 359.21 (1000 t).
    With (C) it would be 0.1833 + 0.077415 = 0.260715 → 239.285."""
    r = evaluate_data(eaf(0.9, [("DRI", "Direct reduced iron", 200.0)])).imports[0]
    assert r.sefa == pytest.approx(0.14079, abs=1e-12)
    assert r.certificates == pytest.approx(359.21, abs=1e-9)


def test_a_rolling_mill_inherits_the_route_of_the_crude_steel_it_rolls(ref):
    from core.cbam.obligation import route_tag

    d = eaf(0.9, [])
    d["processes"].append({"id": "R1", "goods_category": "Iron or steel products", "cn_code": "72083900",
                           "activity_level": 950.0, "direct_emissions": 50.0, "inputs": [{"from": "P1", "mass": 980.0}]})
    scenario, _ = load_for(d)
    assert route_tag(scenario.processes[1], ref, scenario) == "E"

