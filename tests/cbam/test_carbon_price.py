"""Art. 9 deduction for the carbon price paid in the country of production, by hand (issue 13).

Constants and where they come from:
- certificates before the deduction, 567.05, and the certificate price EUR 75.36: the shared worked example
  steel_bof_to_hot_rolled_coil.json (its `expected` and `parameters`), line 0 (P2 hot-rolled coil, 1000 t);
- CEA price RMB 97.5 per tCO2e: China national ETS end-2024 composite price (domain reference §4, mysteel/caixin);
- covered 1.5 and free allocation 1.2 tCO2e per tonne, and the rate 8.0 CNY per EUR: test inputs (assumed, not
  published figures), chosen so that the arithmetic is exact.
Formula (domain reference §3.4, draft IR under Art. 9(5)): (covered − rebated) × price / rate = EUR per tonne;
deduction in certificates = EUR per tonne × tonnes / certificate price, at most the certificates due (Art. 9(1)).
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cbam_testdata import example

from core.cbam import ScenarioError, evaluate_data

ETS = {"process": "P2", "instrument": "China national ETS (全国碳排放权交易市场)", "country": "CN", "type": "National ETS",
       "covered_emissions": 1.5, "price_per_tco2": 97.5, "currency": "CNY", "rebate_type": "Free allocation",
       "rebated_emissions": 1.2, "compensation_per_t": 0.0, "rate_per_eur": 8.0, "rate_date": "2025-12-31",
       "rate_source": "test input"}


def steel(*entries: dict) -> dict:
    data = copy.deepcopy(example("steel_bof_to_hot_rolled_coil.json"))
    data.pop("expected", None)
    data["carbon_prices"] = list(entries)
    return data


def test_cli_evaluate_gives_the_hand_computed_deduction(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(steel(ETS), ensure_ascii=False), encoding="utf-8")
    cbam = Path(sys.executable).with_name("cbam")
    proc = subprocess.run([str(cbam), "evaluate", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    line = out["imports"][0]
    # (1.5 − 1.2) × 97.5 = 29.25 CNY/t; / 8.0 = 3.65625 EUR/t; × 1000 t = EUR 3656.25; / 75.36 = 48.5171178… certs
    assert line["carbon_price_deduction"]["eur_per_t"] == pytest.approx(3.65625, rel=1e-12)
    assert line["certificates_before_deduction"] == pytest.approx(567.05, rel=1e-9)
    assert line["carbon_price_deduction"]["certificates"] == pytest.approx(3656.25 / 75.36, rel=1e-12)
    assert line["carbon_price_deduction"]["eur"] == pytest.approx(3656.25, rel=1e-9)
    assert line["certificates"] == pytest.approx(567.05 - 3656.25 / 75.36, rel=1e-9)
    assert line["cost_eur"] == pytest.approx(567.05 * 75.36 - 3656.25, rel=1e-9)  # 42732.888 − 3656.25
    # the default-value line gets none (Art. 9(4): only Commission default carbon prices, none published)
    assert out["imports"][1]["carbon_price_deduction"]["certificates"] == 0.0
    totals = out["carbon_price"]
    assert totals["deduction_eur"] == pytest.approx(3656.25, rel=1e-9)
    assert totals["certificates_after"] == pytest.approx(totals["certificates_before"] - 3656.25 / 75.36, rel=1e-9)
    assert out["totals"]["certificates"] == pytest.approx(totals["certificates_after"], rel=1e-12)
    labels = [t["label_key"] for t in line["explanation"]]
    assert "cbam.term.carbon_price_deduction" in labels


def test_zero_by_default() -> None:
    with_none = evaluate_data(steel()).to_dict()
    assert with_none["carbon_price"]["deduction_certificates"] == 0.0
    assert with_none["imports"][0]["certificates"] == pytest.approx(567.05, rel=1e-9)


def test_deduction_never_takes_certificates_below_zero() -> None:
    big = dict(ETS, covered_emissions=5.0, rebated_emissions=0.0, price_per_tco2=100000.0)
    out = evaluate_data(steel(big)).to_dict()
    line = out["imports"][0]
    assert line["certificates"] == 0.0
    assert line["carbon_price_deduction"]["certificates"] == pytest.approx(567.05, rel=1e-9)
    assert "cbam.flag.carbon_price_covered_capped" in line["flags"]  # 5.0 > CBAM basis 1.9059…


def test_free_allocation_and_rebates_are_netted() -> None:
    full = dict(ETS, rebated_emissions=1.5)  # allocation equal to the covered emissions (domain reference §4)
    assert evaluate_data(steel(full)).to_dict()["carbon_price"]["deduction_eur"] == 0.0
    comp = dict(ETS, compensation_per_t=9.25)  # 29.25 − 9.25 = 20 CNY/t → 2.5 EUR/t → EUR 2500
    assert evaluate_data(steel(comp)).to_dict()["carbon_price"]["deduction_eur"] == pytest.approx(2500.0, rel=1e-9)


@pytest.mark.parametrize("bad, path", [
    ({"process": "P9"}, "carbon_prices[0].process"),
    ({"rate_per_eur": 0}, "carbon_prices[0].rate_per_eur"),
    ({"price_per_tco2": -1}, "carbon_prices[0].price_per_tco2"),
    ({"currency": "yuan"}, "carbon_prices[0].currency"),
    ({"type": "Cap and trade"}, "carbon_prices[0].type"),
])
def test_bad_entries_are_refused_naming_the_field(bad: dict, path: str) -> None:
    with pytest.raises(ScenarioError) as e:
        evaluate_data(steel(dict(ETS, **bad)))
    assert e.value.path == path
