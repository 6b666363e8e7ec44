"""Bad input gets a domain error with a message key (and the field path), never a crash."""
from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from cbam_testdata import make_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cbam import CbamError, CycleError, ScenarioError, evaluate_data
from core.cbam.messages import catalog
from core.errors import DomainError


def mutate(**changes: Any) -> dict[str, Any]:
    """make_scenario() with dotted-path changes, e.g. {"processes.0.activity_level": 0}."""
    s = make_scenario()
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node: Any = s
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return s


CASES = [
    ("zero activity level", {"processes.0.activity_level": 0}, "cbam.error.activity_level_not_positive", "processes[0].activity_level"),
    ("negative activity level", {"processes.1.activity_level": -5.0}, "cbam.error.activity_level_not_positive", "processes[1].activity_level"),
    ("unknown CN code", {"processes.1.cn_code": "99999999"}, "cbam.error.unknown_cn_code", "processes[1].cn_code"),
    ("malformed CN code", {"imports.1.cn_code": "7208"}, "cbam.error.cn_code_malformed", "imports[1].cn_code"),
    ("unknown country", {"imports.1.country": "XX"}, "cbam.error.unknown_country", "imports[1].country"),
    ("unknown installation country", {"installation.country": "ZZ"}, "cbam.error.unknown_country", "installation.country"),
    ("missing precursor", {"processes.0.inputs": [{"from": "PP9", "mass": 1.0}]}, "cbam.error.unknown_input", "processes[0].inputs[0].from"),
    ("NaN emissions", {"processes.0.direct_emissions": math.nan}, "cbam.error.not_finite", "processes[0].direct_emissions"),
    ("infinite quantity", {"imports.0.quantity": math.inf}, "cbam.error.not_finite", "imports[0].quantity"),
    ("string for a number", {"imports.0.quantity": "100"}, "cbam.error.not_a_number", "imports[0].quantity"),
    ("boolean for a number", {"processes.0.activity_level": True}, "cbam.error.not_a_number", "processes[0].activity_level"),
    ("string for precursor SEE", {"purchased_precursors.0.see_direct": "1.66"}, "cbam.error.not_a_number", "purchased_precursors[0].see_direct"),
    ("negative precursor mass", {"processes.0.inputs": [{"from": "PP1", "mass": -1}]}, "cbam.error.negative_value", "processes[0].inputs[0].mass"),
    ("unknown category", {"processes.0.goods_category": "Steel"}, "cbam.error.unknown_goods_category", "processes[0].goods_category"),
    ("quarter out of range", {"imports.0.quarter": 5}, "cbam.error.out_of_range", "imports[0].quarter"),
    ("unknown basis", {"imports.0.basis": "estimated"}, "cbam.error.invalid_choice", "imports[0].basis"),
    ("unknown process", {"imports.0.process": "P7"}, "cbam.error.unknown_process", "imports[0].process"),
    ("wrong format", {"format": "cbam-scenario/2"}, "cbam.error.unknown_format", "format"),
    ("processes not a list", {"processes": "P1"}, "cbam.error.not_a_list", "processes"),
    ("duplicate id", {"purchased_precursors.0.id": "P1"}, "cbam.error.duplicate_id", "purchased_precursors[0].id"),
    ("missing direct emissions", {"processes.1.direct_emissions": None}, "cbam.error.field_missing", "processes[1].direct_emissions"),
    ("bad year", {"reporting_year": "2026"}, "cbam.error.not_an_integer", "reporting_year"),
    ("biomass above one", {"processes.1.direct_emissions": None, "processes.1.source_streams": [
        {"method": "process", "activity_data": 10, "ef": 1.0, "ef_unit": "tCO2/t", "biomass_fraction": 1.5}]},
     "cbam.error.fraction_out_of_range", "processes[1].source_streams[0].biomass_fraction"),
    ("unit mismatch", {"processes.1.direct_emissions": None, "processes.1.source_streams": [
        {"method": "combustion", "activity_data": 10, "activity_unit": "1000Nm3", "ncv": 26, "ncv_unit": "GJ/t", "ef": 56.1, "ef_unit": "tCO2/TJ"}]},
     "cbam.error.unit_mismatch", "processes[1].source_streams[0].ncv_unit"),
    ("unknown method", {"processes.1.direct_emissions": None, "processes.1.source_streams": [{"method": "guess"}]},
     "cbam.error.invalid_choice", "processes[1].source_streams[0].method"),
]


@pytest.mark.parametrize(("label", "changes", "key", "path"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_scenario_error_naming_the_field(label: str, changes: dict, key: str, path: str) -> None:
    with pytest.raises(ScenarioError) as e:
        evaluate_data(mutate(**changes))
    assert e.value.key == key
    assert e.value.path == path
    assert isinstance(e.value, DomainError)
    assert key in catalog()["en"] and key in catalog()["zh"]


def test_cycle_names_the_processes_in_it() -> None:
    s = make_scenario()
    s["processes"].append({"id": "P3", "goods_category": "Crude steel", "cn_code": "72071114", "activity_level": 10,
                           "direct_emissions": 1, "inputs": [{"from": "P2", "mass": 1}]})
    s["processes"][0]["inputs"].append({"from": "P3", "mass": 1.0})  # P1 → P2 → P3 → P1
    with pytest.raises(CycleError) as e:
        evaluate_data(s)
    assert e.value.key == "cbam.error.cycle"
    assert set(e.value.processes) == {"P1", "P2", "P3"}
    assert e.value.processes[0] == e.value.processes[-1]
    assert len(e.value.processes) == 4


def test_self_consumption_is_a_cycle() -> None:
    s = make_scenario()
    s["processes"][1]["inputs"].append({"from": "P2", "mass": 1.0})
    with pytest.raises(CycleError) as e:
        evaluate_data(s)
    assert e.value.processes == ["P2", "P2"]


def test_no_default_value_anywhere_is_a_domain_error() -> None:
    # urea 3102 10 10 has no value for China nor in "Other countries and territories" of the shipped table
    # (electricity, the example before, now has its own Annex III table: tests/cbam/test_electricity.py)
    s = make_scenario(imports=[{"basis": "default", "cn_code": "31021010", "country": "CN", "quantity": 1, "quarter": 1}])
    with pytest.raises(CbamError) as e:
        evaluate_data(s)
    assert e.value.key == "cbam.error.no_default_value"


def test_not_an_object() -> None:
    with pytest.raises(ScenarioError) as e:
        evaluate_data(["not", "a", "scenario"])
    assert e.value.key == "cbam.error.not_an_object"


JUNK = st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5),
                 st.booleans(), st.just([]), st.just({}))


def _leaves(node: Any, prefix: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, prefix + (k,))] or [prefix]
    if isinstance(node, list):
        return [leaf for k, v in enumerate(node) for leaf in _leaves(v, prefix + (k,))] or [prefix]
    return [prefix]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_corrupted_field_gives_a_result_or_a_domain_error(data: st.DataObject) -> None:
    s = make_scenario()
    leaves = [leaf for leaf in _leaves(s) if leaf]
    for leaf in data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=3, unique=True)):
        node: Any = s
        for k in leaf[:-1]:
            node = node[k]
        node[leaf[-1]] = data.draw(JUNK)
    try:
        out = evaluate_data(copy.deepcopy(s)).to_dict()
    except CbamError as e:
        assert e.key.startswith("cbam.error.")
        assert e.key in catalog()["en"]
        return
    json.dumps(out)  # a result is always serialisable
    for r in out["imports"]:
        if r["incomplete"]:  # a benchmark it needs is missing: no number at all, never a smaller one
            assert r["certificates"] is None and r["cost_eur"] is None and r["missing_benchmarks"]
            continue
        assert r["certificates"] >= 0 and math.isfinite(r["certificates"])
