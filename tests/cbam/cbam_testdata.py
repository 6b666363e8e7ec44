"""Helpers for the CBAM engine tests: the shared worked examples and a scenario factory."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.support.paths import EXAMPLES, OFFICIAL  # noqa: F401  (OFFICIAL is re-exported to the engine tests)


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def scenario_examples() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.json") if json.loads(p.read_text())["format"] == "cbam-scenario/1")


def make_scenario(**overrides: Any) -> dict[str, Any]:
    """A small valid scenario (steel: own crude steel from purchased pig iron, rolled); override any top key."""
    base: dict[str, Any] = {
        "format": "cbam-scenario/1", "name": "test", "reporting_year": 2026,
        "installation": {"name": "T", "country": "CN"},
        "processes": [
            {"id": "P1", "goods_category": "Crude steel", "route": "Basic oxygen steelmaking", "cn_code": "72071114",
             "activity_level": 1000.0, "direct_emissions": 250.0, "inputs": [{"from": "PP1", "mass": 920.0}],
             "electricity": {"consumed_MWh": 100.0, "ef": 0.5, "exported_MWh": 0, "exported_ef": 0}},
            {"id": "P2", "goods_category": "Iron or steel products", "route": None, "cn_code": "72083900",
             "activity_level": 930.0, "direct_emissions": 84.0, "inputs": [{"from": "P1", "mass": 950.0}]},
        ],
        "purchased_precursors": [
            {"id": "PP1", "goods_category": "Pig iron", "cn_code": "72011011", "country": "CN",
             "see_direct": 1.66, "see_indirect": 0.0, "data_source": "default"},
        ],
        "imports": [
            {"basis": "actual", "process": "P2", "cn_code": "72083900", "quantity": 100.0, "quarter": 1},
            {"basis": "default", "cn_code": "72083900", "country": "CN", "quantity": 100.0, "quarter": 1},
        ],
        "parameters": {"cscf": 1.0, "certificate_price_eur": 75.36},
    }
    base.update(copy.deepcopy(overrides))
    return base
