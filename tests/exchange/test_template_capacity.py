"""A scenario larger than the template is refused, naming exactly what does not fit."""
from __future__ import annotations

import copy

import pytest

from core.exchange.errors import CapacityExceeded
from core.exchange.template import export_template
from tests.exchange.conftest import examples_with_processes


def _big() -> dict:
    base = examples_with_processes()["cement_clinker_and_grinding"]
    data = copy.deepcopy(base)
    p2 = data["processes"][1]
    data["processes"] = [data["processes"][0]] + [dict(copy.deepcopy(p2), id=f"P{i}", inputs=[]) for i in range(2, 13)]
    stream = data["processes"][0]["source_streams"][0]
    data["processes"][0]["source_streams"] = [dict(stream, name=f"s{i}") for i in range(1, 78)]
    data["purchased_precursors"] = [
        {"id": f"PP{i}", "goods_category": "Cement clinker", "cn_code": "25231000", "country": "CN",
         "see_direct": 0.8, "see_indirect": 0.0, "data_source": "default"} for i in range(1, 22)]
    return data


def test_capacity_lists_what_does_not_fit() -> None:
    with pytest.raises(CapacityExceeded) as e:
        export_template(_big())
    over = {what: (have, cap, names) for what, have, cap, names in e.value.overflows}
    assert over == {
        "processes": (12, 10, "P11, P12"),
        "purchased_precursors": (21, 20, "PP21"),
        "source_streams": (77, 75, "P1: s76, P1: s77"),
    }
    assert e.value.key == "exchange.error.template_capacity"
    assert "P11, P12" in e.value.params["detail"]


def test_exactly_at_capacity_exports() -> None:
    data = _big()
    data["processes"] = data["processes"][:10]
    data["processes"][0]["source_streams"] = data["processes"][0]["source_streams"][:75]
    data["purchased_precursors"] = data["purchased_precursors"][:20]
    assert export_template(data)[:2] == b"PK"
