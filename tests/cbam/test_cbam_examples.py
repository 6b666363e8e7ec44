"""The shared worked examples (../shared/examples) reproduced within rel 1e-6 (abs 1e-9 near zero)."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from cbam_testdata import EXAMPLES, example, scenario_examples

from core.cbam import evaluate_data, stream_emissions


def close(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)


@pytest.mark.parametrize("path", scenario_examples(), ids=lambda p: p.stem)
def test_scenario_reproduced(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    out = evaluate_data(data).to_dict()
    exp = data["expected"]
    assert set(out["processes"]) == set(exp["processes"])
    for pid, want in exp["processes"].items():
        for key, value in want.items():
            assert close(out["processes"][pid][key], value), (pid, key, out["processes"][pid][key], value)
    assert len(out["imports"]) == len(exp["imports"])
    for n, want in enumerate(exp["imports"]):
        for key, value in want.items():
            assert close(out["imports"][n][key], value), (n, key, out["imports"][n][key], value)


def test_all_four_scenarios_found() -> None:
    assert len(scenario_examples()) >= 4


@pytest.mark.parametrize("case", example("source_streams.json")["cases"], ids=lambda c: c["id"])
def test_source_stream_reproduced(case: dict, ref) -> None:
    r = stream_emissions(case["stream"], case["id"], ref.constants)
    exp = case["expected"]
    assert close(r.emissions_fossil, exp["emissions_fossil"])
    if "emissions_biomass" in exp:
        assert close(r.emissions_biomass, exp["emissions_biomass"])
    if "energy_TJ" in exp:
        assert r.energy_tj is not None and close(r.energy_tj, exp["energy_TJ"])
    assert r.terms and r.terms[-1].value == pytest.approx(r.emissions_fossil)


def test_cli_evaluate_prints_the_expected_keys() -> None:
    path = EXAMPLES / "steel_bof_to_hot_rolled_coil.json"
    cbam = Path(sys.executable).with_name("cbam")
    proc = subprocess.run([str(cbam), "evaluate", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    want = json.loads(path.read_text())["expected"]
    assert close(out["processes"]["P2"]["see_direct"], want["processes"]["P2"]["see_direct"])
    assert [round(i["cost_eur"], 6) for i in out["imports"]] == [round(i["cost_eur"], 6) for i in want["imports"]]
    assert out["reference"] == {"default_values": "2026-02", "benchmarks": "2026-02"}
    assert out["imports"][0]["explanation"], "every result carries its explanation"


def test_cli_evaluate_rejects_bad_input_naming_the_field(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "cement_clinker_and_grinding.json").read_text())
    data["processes"][1]["activity_level"] = 0
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data))
    cbam = Path(sys.executable).with_name("cbam")
    proc = subprocess.run([str(cbam), "evaluate", str(f)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    err = json.loads(proc.stderr)["error"]
    assert err["key"] == "cbam.error.activity_level_not_positive"
    assert err["params"]["path"] == "processes[1].activity_level"
    assert "processes[1].activity_level" in err["message"]


def test_cli_evaluates_the_source_stream_file_too() -> None:
    path = EXAMPLES / "source_streams.json"
    cbam = Path(sys.executable).with_name("cbam")
    proc = subprocess.run([str(cbam), "evaluate", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = {c["id"]: c for c in json.loads(proc.stdout)["cases"]}
    for case in json.loads(path.read_text())["cases"]:
        assert close(got[case["id"]]["emissions_fossil"], case["expected"]["emissions_fossil"])
