"""Electricity (CN 2716 00 00) as an imported good: MWh, the Annex III default factor of the country of origin (or
the Union's), actual factors only under the conditions of Reg. (EU) 2023/956 Annex IV point 5, no free allocation.
Before this, an electricity import line stopped the evaluation with "no default value"."""
from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core.cbam import evaluate_data
from core.cbam.electricity import default_factor
from core.cbam.errors import ScenarioError
from core.cbam.reference import DATA_DIR, load_reference
from core.i18n import t

DATA = Path(__file__).parent / "data"
WORKED = DATA / "electricity_serbia_2026.json"

# Constants of the hand calculation, each with its source:
DV_SERBIA = 1.041  # tCO2e/MWh, Impl. Reg. (EU) 2025/2621 Annex III, row "Serbia"
DV_UNION = 0.612  # tCO2e/MWh, Impl. Reg. (EU) 2025/2621 Annex III, row "European Union" (China has no row:
#                   Reg. (EU) 2023/956 Annex IV point 4.2.2)
PPA_FACTOR = 0.38  # tCO2e/MWh, the producing installation's factor in the scenario's `ppa` (Annex IV point 5)
CBAM_FACTOR_2026 = 0.975  # Directive 2003/87/EC Art. 10a(1a): share of free allocation retained in 2026
SEFA_ELECTRICITY = 0.0  # Impl. Reg. (EU) 2025/2620 Art. 1(2): no benchmark, so CBAM factor × CSCF × BM = 0
PRICE = Decimal("80")  # EUR per certificate, scenario parameters.certificate_price_eur


def worked() -> dict:
    return json.loads(WORKED.read_text(encoding="utf-8"))


def hand() -> list[tuple[float, float, float, Decimal]]:
    """(embedded emissions, adjustment, certificates, cost) of the three worked lines, by hand."""
    out = []
    for mwh, factor in ((1000.0, DV_SERBIA), (250.0, DV_UNION), (500.0, PPA_FACTOR)):
        ee = mwh * factor  # no mark-up on electricity defaults (Impl. Reg. (EU) 2025/2621 recital 4)
        faa = mwh * CBAM_FACTOR_2026 * SEFA_ELECTRICITY
        cert = max(0.0, ee - faa)
        out.append((ee, faa, cert, Decimal(repr(cert)) * PRICE))
    return out


def test_the_shipped_table_carries_a_source_for_every_row() -> None:
    table = json.loads((DATA_DIR / "electricity_default_values.json").read_text(encoding="utf-8"))
    assert table["values"] and all("2025/2621 Annex III" in r["source"] for r in table["values"].values())
    # a sample of rows as printed in Annex III (OJ L, 31.12.2025, p. 2354)
    sample = {"RS": 1.041, "BA": 1.148, "ME": 0.979, "MK": 0.887, "UA": 0.907, "TR": 0.718, "GB": 0.430,
              "AL": 0.0, "XK": 0.984, "MA": 0.907}
    assert {iso: default_factor(iso).value for iso in sample} == sample
    assert default_factor("XS").row == "RS"  # the old customs code of Serbia reads the same row
    union = default_factor("CN")
    assert (union.value, union.row, union.fell_back) == (0.612, "EU", True)


def test_worked_scenario_equals_the_hand_calculation() -> None:
    ev = evaluate_data(worked())
    for r, (ee, faa, cert, cost) in zip(ev.imports, hand(), strict=True):
        assert r.unit == "MWh"
        assert math.isclose(r.embedded_emissions, ee, rel_tol=1e-12)
        assert r.sefa == 0.0 and r.free_allocation_adjustment == faa == 0.0
        assert math.isclose(r.certificates, cert, rel_tol=1e-12)
        assert r.cost_eur == cost
    assert [r.see_basis for r in ev.imports] == [DV_SERBIA, DV_UNION, PPA_FACTOR]
    assert ev.imports[1].flags == ["cbam.flag.electricity_union_factor"]
    assert math.isclose(ev.total_certificates, 1041.0 + 153.0 + 190.0)
    assert ev.total_cost_eur == sum((c for *_x, c in hand()), Decimal(0)) == Decimal("110720.0")


def test_cbam_evaluate_prints_mwh_and_the_factor() -> None:
    cbam = Path(sys.executable).with_name("cbam")
    proc = subprocess.run([str(cbam), "evaluate", str(WORKED)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    want = worked()["expected"]
    for got, exp in zip(out["imports"], want["imports"], strict=True):
        assert got["unit"] == "MWh" and got["see_unit"] == "tCO2e/MWh"
        for key, value in exp.items():
            assert math.isclose(got[key], value, rel_tol=1e-9, abs_tol=1e-9), (key, got[key], value)
    assert out["totals"]["certificates"] == want["totals"]["certificates"]
    assert out["totals"]["cost_eur"] == want["totals"]["cost_eur"]
    first = out["imports"][0]["explanation"]
    assert first[0]["label_key"] == "cbam.term.electricity_default_factor"
    assert first[0]["unit"] == "tCO2e/MWh" and first[0]["source"] == "Impl. Reg. (EU) 2025/2621 Annex III"
    assert first[0]["formula"].startswith("Serbia (RS), no mark-up")
    assert "row 'Serbia'" in out["imports"][0]["emission_factor_source"]  # the row's provenance
    union = out["imports"][1]["explanation"][0]["source"]
    assert union == "Impl. Reg. (EU) 2025/2621 Annex III; Reg. (EU) 2023/956 Annex IV 4.2.2"
    assert any(term["formula"] == "1000 MWh × 1.041" for term in first)
    ppa = out["imports"][2]
    assert ppa["emission_factor_source"] == "PPA: Elektro Jug d.o.o., CCGT Pancevo unit 2"
    assert ppa["explanation"][0]["source"] == "Reg. (EU) 2023/956 Annex IV point 5"
    assert "evidence: PPA EJ-2026-014" in ppa["explanation"][0]["formula"]


def _ppa_line(**changes) -> dict:
    data = worked()
    line = data["imports"][2]
    for key, value in changes.items():
        if value is None:
            line["ppa"].pop(key)
        else:
            line["ppa"][key] = value
    return data


@pytest.mark.parametrize(("changes", "key", "field"), [
    ({"producer": None}, "cbam.error.ppa_condition_missing", "producer"),
    ({"evidence": ""}, "cbam.error.ppa_condition_missing", "evidence"),
    ({"connection": None}, "cbam.error.ppa_condition_missing", "connection"),
    ({"covered_MWh": 400.0}, "cbam.error.ppa_not_covered", "covered_MWh"),
    ({"connection": "grid_average"}, "cbam.error.ppa_connection", "connection"),
    ({"emission_factor": 0.551}, "cbam.error.ppa_factor_too_high", "emission_factor"),
    ({"firm_nomination": False}, "cbam.error.ppa_not_nominated", "firm_nomination"),
    ({"nominated_MWh": 499.0}, "cbam.error.ppa_nomination_short", "nominated_MWh"),
    ({"matching_period_minutes": 90}, "cbam.error.ppa_period_too_long", "matching_period_minutes"),
])
def test_actual_values_are_refused_naming_the_condition(changes, key, field) -> None:
    with pytest.raises(ScenarioError) as e:
        evaluate_data(_ppa_line(**changes))
    assert e.value.key == key
    assert e.value.path == f"imports[2].ppa.{field}"
    for lang in ("en", "zh"):
        msg = t(e.value.key, lang, **e.value.params)
        assert f"imports[2].ppa.{field}" in msg and "{" not in msg


def test_actual_without_a_ppa_is_refused_not_defaulted() -> None:
    data = worked()
    del data["imports"][2]["ppa"]
    with pytest.raises(ScenarioError) as e:
        evaluate_data(data)
    assert (e.value.key, e.value.path) == ("cbam.error.ppa_missing", "imports[2].ppa")
    assert "5(a)" in t(e.value.key, "en", **e.value.params)


def test_a_ppa_is_only_for_electricity_on_actual_values() -> None:
    data = worked()
    data["imports"][0]["ppa"] = copy.deepcopy(data["imports"][2]["ppa"])
    with pytest.raises(ScenarioError) as e:
        evaluate_data(data)
    assert e.value.key == "cbam.error.ppa_with_default"
    data = worked()
    data["imports"] = [{"basis": "default", "cn_code": "72083900", "country": "CN", "quantity": 1.0,
                        "ppa": data["imports"][2]["ppa"]}]
    with pytest.raises(ScenarioError) as e:
        evaluate_data(data)
    assert (e.value.key, e.value.path) == ("cbam.error.ppa_not_electricity", "imports[0].ppa")


def test_the_default_factor_carries_no_markup_in_any_year() -> None:
    from core.cbam.engine import evaluate, load_for

    scenario, ref = load_for(worked())
    for year in (2026, 2028, 2034):
        ev = evaluate(scenario, ref, year=year)
        assert ev.imports[0].see_basis == DV_SERBIA
        assert ev.imports[0].certificates == pytest.approx(1000 * DV_SERBIA)


def test_electricity_is_in_annex_ii_and_measured_in_mwh() -> None:
    ref = load_reference()
    cat = ref.categories[ref.category_of("27160000")]
    assert cat.unit == "MWh" and cat.annex_ii
    assert ref.parameters["electricity_free_allocation"]["value"] == 0.0
