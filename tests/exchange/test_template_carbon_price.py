"""The carbon price paid in the country of production (issue 13) in the communication template's Summary_Products
carbon-price block: unlocked input cells read back with openpyxl, and LibreOffice's recalculation of the template's
own formulas (covered emissions AN = K × AM, effective price AZ = AR − AX) agrees with the engine.

Test inputs as in tests/cbam/test_carbon_price.py: China national ETS at RMB 97.5 per tCO2e (domain reference §4),
1.5 tCO2e/t covered, 1.2 tCO2e/t free allocation, 8.0 CNY per EUR (assumed).
"""
from __future__ import annotations

import copy
import io

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from core.cbam import evaluate_data
from core.exchange.template import export_template
from core.exchange.template.carbon_price import COVERED_COL, EFFECTIVE_COL
from core.exchange.template.recalc import recalculate
from tests.exchange.conftest import examples_with_processes

ETS = {"process": "P2", "instrument": "China national ETS (全国碳排放权交易市场)", "country": "CN", "type": "National ETS",
       "covered_emissions": 1.5, "price_per_tco2": 97.5, "currency": "CNY", "rebate_type": "Free allocation",
       "rebated_emissions": 1.2, "compensation_per_t": 0.0, "rate_per_eur": 8.0, "rate_date": "2025-12-31",
       "rate_source": "test input"}
ROW = 11  # P2 is the second process: Summary_Products product line 2


def _scenario() -> dict:
    data = copy.deepcopy(examples_with_processes()["steel_bof_to_hot_rolled_coil"])
    data.pop("expected", None)
    data["carbon_prices"] = [ETS]
    return data


def test_block_is_written_to_unlocked_cells() -> None:
    data = _scenario()
    see_total = evaluate_data(data).processes["P2"].see_total
    wb = openpyxl.load_workbook(io.BytesIO(export_template(data)))
    ws = wb["Summary_Products"]
    got = {col: ws[f"{col}{ROW}"].value for col in ("AL", "AM", "AP", "AR", "AT", "AU", "AX")}
    assert got["AL"] == "National Emissions Trading System"  # the template's list value for "National ETS"
    assert got["AP"] == "CNY" and got["AT"] == "Free allocation"
    assert got["AR"] == pytest.approx(1.5 * 97.5)                 # 146.25 CNY due per tonne
    assert got["AX"] == pytest.approx(1.5 * 97.5 - 0.3 * 97.5)     # 117.0: the free allocation's part
    assert got["AM"] == pytest.approx(1.5 / see_total, rel=1e-12)
    assert got["AU"] == pytest.approx(1.2 / see_total, rel=1e-12)
    assert all(not ws[f"{col}{ROW}"].protection.locked for col in got)
    assert ws[f"AL{ROW - 1}"].value is None  # P1 has no entry: its block stays empty


def test_without_an_entry_the_block_stays_empty() -> None:
    data = copy.deepcopy(examples_with_processes()["steel_bof_to_hot_rolled_coil"])
    ws = openpyxl.load_workbook(io.BytesIO(export_template(data)))["Summary_Products"]
    assert all(ws[f"{col}{ROW}"].value is None for col in ("AL", "AM", "AP", "AR", "AX"))


def test_recalculated_template_agrees_with_the_engine(tmp_path) -> None:
    data = _scenario()
    f = tmp_path / "carbon_price.xlsx"
    f.write_bytes(export_template(data))
    out = recalculate([f], tmp_path / "recalculated")[0]
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Summary_Products").to_python(skip_empty_area=False)
    line = next(i for i in evaluate_data(data).to_dict()["imports"] if i["basis"] == "actual")
    covered, effective = rows[ROW - 1][COVERED_COL], rows[ROW - 1][EFFECTIVE_COL]
    assert covered == pytest.approx(1.5, rel=1e-6)  # K × AM
    assert effective == pytest.approx(29.25, rel=1e-6)  # AR − AX = (1.5 − 1.2) × 97.5
    # the engine's EUR per tonne is the template's effective price converted at the entry's rate
    assert line["carbon_price_deduction"]["eur_per_t"] * 8.0 == pytest.approx(effective, rel=1e-6)
