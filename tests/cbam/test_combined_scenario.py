"""Issue 13, done when: `cbam evaluate` on a scenario with an EAF process, a purchased billet, an electricity import
and a carbon price paid gives the numbers a hand calculation gives.

Constants and where they come from:
- CBAM factor 2026 = 0.975 (Directive 2003/87/EC Art. 10a(1a)); CSCF 1.0 (given in the scenario).
- Column A 7207 11 14 route (D) EAF: 0.065; 7208 hot-rolled flat: 0.044; Column B 7207 11 14 route (E): 0.066
  (Impl. Reg. (EU) 2025/2620 Annex; core/cbam/data/column_a.csv and benchmarks_2026-02.csv).
- Electricity from China: no Annex III row, so the European Union factor 0.612 tCO2e/MWh, no mark-up, no
  free-allocation adjustment (Impl. Reg. (EU) 2025/2621 Annex III; 2025/2620 Art. 1(2)).
- China national ETS price RMB 97.5/tCO2e (domain reference §4); covered 0.5 and free allocation 0.2 tCO2e per
  tonne and the rate 8.0 CNY/EUR are test inputs; deduction per Reg. (EU) 2023/956 Art. 9(1).
- Certificate price EUR 75.36 (given in the scenario).

By hand:
- P1 EAF semi-finished, 1000 t, 500 t CO2: SEFA 0.975 × 0.065 = 0.063375 → 500 − 63.375 = 436.625 certificates.
  Carbon price: (0.5 − 0.2) × 97.5 = 29.25 CNY/t ÷ 8.0 = 3.65625 EUR/t × 1000 t = EUR 3,656.25 = 48.5171… certificates
  → 436.625 − 3656.25/75.36 certificates; cost 436.625 × 75.36 − 3656.25 = 32,904.06 − 3,656.25 = EUR 29,247.81.
- R1 re-roller, 1000 t from 1050 t billet (SEE 0.5): SEE (100 + 525)/1000 = 0.625; SEFA 0.975 × 0.044 +
  1.05 × 0.975 × 0.066 = 0.1104675 → 625 − 110.4675 = 514.5325 certificates; × 75.36 = EUR 38,775.1692.
- Electricity 250 MWh × 0.612 = 153 certificates; × 75.36 = EUR 11,530.08.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCENARIO = Path(__file__).parent / "data" / "eaf_billet_electricity_carbon_price_2026.json"
P1_BEFORE = 500 - 0.975 * 0.065 * 1000
DEDUCTION_EUR = (0.5 - 0.2) * 97.5 / 8.0 * 1000
P1_AFTER = P1_BEFORE - DEDUCTION_EUR / 75.36
R1 = 625 - (0.975 * 0.044 + 1.05 * 0.975 * 0.066) * 1000
ELECTRICITY = 250 * 0.612


def test_cbam_evaluate_gives_the_hand_computed_numbers():
    cbam = Path(sys.executable).with_name("cbam")
    proc = subprocess.run([str(cbam), "evaluate", str(SCENARIO)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    p1, r1, el = out["imports"]
    assert p1["certificates_before_deduction"] == pytest.approx(436.625, abs=1e-9) == pytest.approx(P1_BEFORE)
    assert p1["carbon_price_deduction"]["eur"] == pytest.approx(3656.25, abs=1e-9)
    assert p1["certificates"] == pytest.approx(P1_AFTER, abs=1e-9)
    assert float(p1["cost_eur"]) == pytest.approx(29247.81, abs=1e-6)
    assert r1["certificates"] == pytest.approx(514.5325, abs=1e-9) == pytest.approx(R1)
    assert float(r1["cost_eur"]) == pytest.approx(38775.1692, abs=1e-6)
    assert el["unit"] == "MWh" and el["certificates"] == pytest.approx(153.0, abs=1e-9) == pytest.approx(ELECTRICITY)
    assert float(el["cost_eur"]) == pytest.approx(11530.08, abs=1e-6)
    assert out["totals"]["certificates"] == pytest.approx(P1_AFTER + 514.5325 + 153.0, abs=1e-9)
    assert float(out["totals"]["cost_eur"]) == pytest.approx(29247.81 + 38775.1692 + 11530.08, abs=1e-6)
