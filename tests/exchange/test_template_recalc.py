"""Proof by the template's own formulas: LibreOffice recalculates each export; the SEE per process
(Summary_Processes) and per product (Summary_Products) equal the engine's within a relative 1e-6.

Also documents where the template and the law differ (domain reference §1.1 note a, §2.2).
"""
from __future__ import annotations

import copy

import pytest
from python_calamine import CalamineWorkbook

from core.cbam import evaluate_data
from core.exchange.template import cellmap as m
from core.exchange.template import export_template
from core.exchange.template.recalc import recalculate
from tests.exchange.conftest import examples_with_processes

REL = 1e-6


def _ammonia() -> dict:
    """An ammonia process with electricity (template: indirect not relevant; Annex II: it counts)."""
    return {"format": "cbam-scenario/1", "name": "ammonia", "reporting_year": 2026,
            "installation": {"name": "Demo Ammonia", "country": "CN"},
            "processes": [{"id": "P1", "goods_category": "Ammonia", "route": None, "cn_code": "28141000",
                           "activity_level": 1000.0, "direct_emissions": 2000.0,
                           "electricity": {"consumed_MWh": 500.0, "ef": 0.6, "exported_MWh": 0, "exported_ef": 0},
                           "inputs": []}],
            "purchased_precursors": [], "imports": []}


def _heat_exporter() -> dict:
    """Exported heat above DirEm*: the law floors AttrEm at zero (Eq. 55), the template does not."""
    data = copy.deepcopy(examples_with_processes()["cement_clinker_and_grinding"])
    data["processes"][1]["heat"] = {"imported_TJ": 0, "imported_ef": 0, "exported_TJ": 100.0, "exported_ef": 100.0}
    data["processes"][1]["inputs"] = []
    return data


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CalamineWorkbook]:
    d = tmp_path_factory.mktemp("export")
    cases = {**examples_with_processes(), "law_ammonia": _ammonia(), "law_heat_floor": _heat_exporter()}
    files = []
    for name, data in cases.items():
        f = d / f"{name}.xlsx"
        f.write_bytes(export_template(data))
        files.append(f)
    outs = recalculate(files, d / "recalculated")
    return {p.stem: CalamineWorkbook.from_path(str(p)) for p in outs}


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-9)


def template_see(wb: CalamineWorkbook) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float, float]]]:
    procs = wb.get_sheet_by_name("Summary_Processes").to_python(skip_empty_area=False)
    names = wb.get_sheet_by_name("A_InstData").to_python(skip_empty_area=False)
    per_process = {}
    for k in range(m.MAX_PROCESSES):
        row = procs[m.SUMMARY_PROCESS_FIRST_ROW - 1 + k]
        pid = names[m.PROCESS_FIRST_ROW - 1 + k][11]  # A_InstData L83.. (the process id we wrote)
        if pid:
            per_process[pid] = (row[m.SUMMARY_SEE_DIRECT_COL], row[m.SUMMARY_SEE_INDIRECT_COL])
    prods = wb.get_sheet_by_name("Summary_Products").to_python(skip_empty_area=False)
    per_product = {}
    for k in range(m.MAX_PRODUCTS):
        row = prods[m.PRODUCT_FIRST_ROW - 1 + k]
        if row[3]:
            per_product[row[3]] = tuple(row[c] for c in m.PRODUCT_SEE_COLS)
    return per_process, per_product


@pytest.mark.parametrize("name", sorted(examples_with_processes()))
def test_template_formulas_give_the_engines_see(name: str, recalculated: dict) -> None:
    ev = evaluate_data(examples_with_processes()[name])
    per_process, per_product = template_see(recalculated[name])
    assert set(per_process) == set(ev.processes) == set(per_product)
    worst = 0.0
    for pid, r in ev.processes.items():
        d, i = per_process[pid]
        pd_, pi, pt = per_product[pid]
        for got, want in ((d, r.see_direct), (i, r.see_indirect), (pd_, r.see_direct), (pi, r.see_indirect),
                          (pt, r.see_total)):
            assert isinstance(got, float), (pid, got)
            worst = max(worst, _rel(got, want))
    assert worst <= REL
    print(f"{name}: max relative difference {worst:.2e}")


def test_law_differs_ammonia_indirect_flag(recalculated: dict) -> None:
    """Template v2.1.1 flags ammonia "Indir.em relevant? (definitive)" = FALSE (Parameters_Constants C100);
    Annex II does not list ammonia, so the engine counts its indirect emissions. The template's process sheet
    uses the transitional column (D_Processes M50 = TRUE) and computes the same SEE as the engine."""
    wb = recalculated["law_ammonia"]
    const = wb.get_sheet_by_name("Parameters_Constants").to_python(skip_empty_area=False)
    assert const[99][0] == "Ammonia" and const[99][2] is False  # the template's definitive flag
    d = wb.get_sheet_by_name("D_Processes").to_python(skip_empty_area=False)
    assert d[m.D_APPLICABLE - 1][12] is True  # M50: transitional flag, what the sheet shows
    r = evaluate_data(_ammonia()).processes["P1"]
    assert r.annex_ii is False and r.see_indirect_counted == pytest.approx(0.3)  # the law: it counts
    per_process, _ = template_see(wb)
    assert per_process["P1"] == pytest.approx((2.0, 0.3), rel=REL)


def test_law_differs_zero_floor(recalculated: dict) -> None:
    """Heat exported above DirEm*: the template's attributed emissions go negative (D_Processes T58 has no
    floor); 2025/2547 Annex III Eq. 55 sets them to zero, as the engine does."""
    per_process, _ = template_see(recalculated["law_heat_floor"])
    r = evaluate_data(_heat_exporter()).processes["P2"]
    assert r.see_direct == 0.0
    assert per_process["P2"][0] == pytest.approx((5000 - 100 * 100) / 1_300_000, rel=REL)
