"""Every result carries the terms that produced it, and every message key has English and Chinese text."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from cbam_testdata import example, make_scenario

from core.cbam import ScenarioError, evaluate_data, explain, load_for
from core.cbam.forecast import actual_vs_default, de_minimis, forecast
from core.cbam.messages import catalog, render

CODE = [*Path("core/cbam").glob("*.py"), Path("cli/engine.py")]


def test_process_terms_add_up_to_the_result() -> None:
    ev = evaluate_data(example("cement_clinker_and_grinding.json"))
    terms = {t.label_key: t for t in explain(ev, "processes.P2")}
    p2 = ev.processes["P2"]
    assert terms["cbam.term.see_direct"].value == p2.see_direct
    assert terms["cbam.term.see_indirect"].value == p2.see_indirect
    precursor = terms["cbam.term.precursor_direct"]
    assert precursor.value == pytest.approx(950000 * ev.processes["P1"].see_direct)
    assert (terms["cbam.term.attributed_direct"].value + precursor.value) / terms["cbam.term.activity_level"].value == pytest.approx(p2.see_direct)
    assert "P1" in precursor.formula and precursor.source


def test_import_terms_name_benchmark_default_value_and_price() -> None:
    ev = evaluate_data(example("steel_bof_to_hot_rolled_coil.json"))
    actual = explain(ev, "imports[0]")
    keys = [t.label_key for t in actual]
    assert keys.count("cbam.term.sefa_column_a") == 2  # HRC and slab
    assert "cbam.term.sefa_precursor_column_b" in keys  # pig iron
    cost = next(t for t in actual if t.label_key == "cbam.term.cost")
    assert cost.value == float(ev.imports[0].cost_eur) and "75.36" in cost.formula
    default = {t.label_key: t for t in explain(ev, "imports[1]")}
    assert default["cbam.term.default_value_total"].value == 3.186893
    assert "2025/2621" in default["cbam.term.default_value_total"].source
    assert default["cbam.term.default_markup"].value == 0.10
    with pytest.raises(ScenarioError):
        explain(ev, "imports[9]")


def test_ammonia_follows_the_law_and_says_so() -> None:
    s = make_scenario(processes=[{"id": "A", "goods_category": "Ammonia", "cn_code": "28141000", "activity_level": 100,
                                  "direct_emissions": 200, "electricity": {"consumed_MWh": 100, "ef": 0.5}}],
                      purchased_precursors=[], imports=[{"basis": "actual", "process": "A", "quantity": 10, "quarter": 1}])
    law = evaluate_data(s)
    assert law.processes["A"].cbam_basis == pytest.approx(2.5)  # direct 2.0 + indirect 0.5
    assert any(f["key"] == "cbam.flag.ammonia_template_differs" for f in law.flags)
    s["parameters"]["ammonia_indirect_counts"] = False
    assert evaluate_data(s).processes["A"].cbam_basis == pytest.approx(2.0)


def test_cross_sector_rule_counts_sinter_indirect_in_steel() -> None:
    s = make_scenario()
    s["purchased_precursors"].append({"id": "S", "goods_category": "Sintered Ore", "cn_code": "26011200", "country": "CN",
                                      "see_direct": 0.2, "see_indirect": 0.06})
    s["processes"][0]["inputs"].append({"from": "S", "mass": 500.0})
    p1 = evaluate_data(s).processes["P1"]
    assert p1.see_indirect_counted == pytest.approx(500 * 0.06 / 1000)  # own electricity not counted (Annex II)
    assert p1.see_indirect == pytest.approx((100 * 0.5 + 500 * 0.06) / 1000)


def test_forecast_de_minimis_and_comparison() -> None:
    scenario, ref = load_for(example("steel_bof_to_hot_rolled_coil.json"))
    points = forecast(scenario, ref, {"low": dict.fromkeys(range(2026, 2035), 60), "high": dict.fromkeys(range(2026, 2035), 150)})
    assert len(points) == 18
    low = [p for p in points if p.path == "low"]
    assert low[0].certificates == pytest.approx(567.05 + 2169.8323)
    assert all(b.certificates >= a.certificates for a, b in zip(low, low[1:], strict=False))  # phase-out of free allocation
    assert low[-1].free_allocation_adjustment == 0.0
    high = [p for p in points if p.path == "high"]
    assert all(h.cost_eur > lo.cost_eur for h, lo in zip(high, low, strict=True))
    cmp_ = {c.process: c for c in actual_vs_default(scenario, ref)}
    assert cmp_["P2"].cheaper == "actual" and cmp_["P2"].default_basis == pytest.approx(3.5055823)
    assert de_minimis([("72083900", 30), ("25232900", 18), ("28041000", 10)], ref, 2026).exempt
    over = de_minimis([("72083900", 52)], ref, 2026)
    assert not over.exempt and over.near_threshold
    assert de_minimis([("28041000", 10)], ref, 2026).always_in_scope == ("28041000",)


def _placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_message_key_has_english_and_chinese_text_with_the_same_placeholders() -> None:
    used = set()
    for f in CODE:
        used |= set(re.findall(r'"(cbam\.(?:error|term|flag)\.[a-z0-9_]+)"', f.read_text(encoding="utf-8")))
    cat = catalog()
    assert used, "keys found in the code"
    assert used <= set(cat["en"]), sorted(used - set(cat["en"]))
    assert set(cat["en"]) == set(cat["zh"])
    for k in cat["en"]:
        assert _placeholders(cat["en"][k]) == _placeholders(cat["zh"][k]), k
    assert render("cbam.error.cycle", {"processes": "P1 → P2 → P1"}).endswith("P1 → P2 → P1.")
