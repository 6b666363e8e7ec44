"""Properties of the engine over generated installations (hypothesis)."""
from __future__ import annotations

import copy
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.cbam import evaluate_data

# (category, CN code) pairs with benchmarks and default values, so every generated good can be priced.
GOODS = [
    ("Crude steel", "72071114"), ("Iron or steel products", "72083900"), ("Pig iron", "72011011"),
    ("Cement clinker", "25231000"), ("Cement", "25232900"), ("Unwrought aluminium", "76011010"),
    ("Urea", "31021019"), ("Ammonia", "28141000"), ("Sintered Ore", "26011200"),
]
pos = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)
nonneg = st.floats(min_value=0.0, max_value=1e5, allow_nan=False)
ef = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    n_pp = draw(st.integers(0, 3))
    pps = []
    for k in range(n_pp):
        cat, cn = draw(st.sampled_from(GOODS))
        pps.append({"id": f"PP{k}", "goods_category": cat, "cn_code": cn, "country": "CN",
                    "see_direct": draw(ef), "see_indirect": draw(ef), "data_source": "default"})
    procs = []
    for k in range(draw(st.integers(1, 5))):
        cat, cn = draw(st.sampled_from(GOODS))
        sources = [f"P{j}" for j in range(k)] + [p["id"] for p in pps]
        inputs = [{"from": s, "mass": draw(nonneg)} for s in draw(st.lists(st.sampled_from(sources), unique=True, max_size=3))] if sources else []
        proc: dict[str, Any] = {
            "id": f"P{k}", "goods_category": cat, "route": None, "cn_code": cn, "activity_level": draw(pos),
            "heat": {"imported_TJ": draw(nonneg), "imported_ef": draw(ef) * 20, "exported_TJ": draw(nonneg) / 10, "exported_ef": draw(ef) * 20},
            "waste_gas": {"imported_TJ": draw(nonneg) / 10, "exported_TJ": draw(nonneg) / 10},
            "electricity": {"consumed_MWh": draw(nonneg), "ef": draw(ef) / 5, "exported_MWh": draw(nonneg) / 10, "exported_ef": draw(ef) / 5},
            "inputs": inputs,
        }
        if draw(st.booleans()):
            proc["direct_emissions"] = draw(nonneg)
        else:
            proc["direct_emissions"] = None
            proc["source_streams"] = [
                {"method": "combustion", "activity_data": draw(nonneg), "activity_unit": "t", "ncv": 26.0, "ncv_unit": "GJ/t",
                 "ef": 94.6, "ef_unit": "tCO2/TJ", "oxidation_factor": 1.0, "biomass_fraction": draw(st.floats(0, 1))},
                {"method": "process", "activity_data": draw(nonneg), "activity_unit": "t", "ef": draw(ef), "ef_unit": "tCO2/t"},
            ]
        procs.append(proc)
    imports = [{"basis": "actual", "process": p["id"], "quantity": draw(nonneg), "quarter": 1} for p in procs]
    return {"format": "cbam-scenario/1", "name": "generated", "reporting_year": 2026,
            "installation": {"name": "G", "country": "CN"}, "processes": procs, "purchased_precursors": pps,
            "imports": imports, "parameters": {"cscf": 1.0, "certificate_price_eur": 75.36}}


def scaled(s: dict[str, Any], k: float) -> dict[str, Any]:
    """Every mass, energy and emission of the installation multiplied by k (specific factors unchanged)."""
    s = copy.deepcopy(s)
    for p in s["processes"]:
        p["activity_level"] *= k
        if p["direct_emissions"] is not None:
            p["direct_emissions"] *= k
        for stream in p.get("source_streams", []):
            stream["activity_data"] *= k
        for key in ("imported_TJ", "exported_TJ"):
            p["heat"][key] *= k
            p["waste_gas"][key] *= k
        for key in ("consumed_MWh", "exported_MWh"):
            p["electricity"][key] *= k
        for u in p["inputs"]:
            u["mass"] *= k
    return s


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_masses_and_emissions_leaves_see_unchanged(s: dict[str, Any], k: float) -> None:
    a = evaluate_data(s).processes
    b = evaluate_data(scaled(s, k)).processes
    for pid in a:
        assert close(a[pid].see_direct, b[pid].see_direct)
        assert close(a[pid].see_indirect, b[pid].see_indirect)
        assert close(a[pid].cbam_basis, b[pid].cbam_basis)


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.data())
def test_a_precursor_with_zero_emissions_changes_no_emissions(s: dict[str, Any], data: st.DataObject) -> None:
    before = evaluate_data(s)
    t = copy.deepcopy(s)
    cat, cn = data.draw(st.sampled_from(GOODS))
    t["purchased_precursors"].append({"id": "ZERO", "goods_category": cat, "cn_code": cn, "country": "CN",
                                      "see_direct": 0.0, "see_indirect": 0.0, "data_source": "actual"})
    target = data.draw(st.sampled_from(t["processes"]))
    target["inputs"].append({"from": "ZERO", "mass": data.draw(pos)})
    after = evaluate_data(t)
    for pid, p in before.processes.items():
        assert close(p.see_direct, after.processes[pid].see_direct)
        assert close(p.see_indirect, after.processes[pid].see_indirect)
        assert close(p.cbam_basis, after.processes[pid].cbam_basis)
    for x, y in zip(before.imports, after.imports, strict=True):
        assert close(x.embedded_emissions, y.embedded_emissions)


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.data())
def test_more_emissions_never_lower_certificates(s: dict[str, Any], data: st.DataObject) -> None:
    before = evaluate_data(s)
    t = copy.deepcopy(s)
    extra = data.draw(st.floats(min_value=0.0, max_value=1e6))
    if t["purchased_precursors"] and data.draw(st.booleans()):
        pp = data.draw(st.sampled_from(t["purchased_precursors"]))
        pp["see_direct"] += extra / 1e4
        pp["see_indirect"] += extra / 1e5
    else:
        p = data.draw(st.sampled_from(t["processes"]))
        if p["direct_emissions"] is not None:
            p["direct_emissions"] += extra
        else:
            p["source_streams"][1]["activity_data"] += extra
        p["electricity"]["consumed_MWh"] += extra / 10
    after = evaluate_data(t)
    for x, y in zip(before.imports, after.imports, strict=True):
        assert x.incomplete == y.incomplete  # emissions do not change which benchmarks a line needs
        if x.incomplete:
            continue
        assert y.certificates >= x.certificates - 1e-9 * max(1.0, x.certificates)
