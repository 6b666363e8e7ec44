"""Export then import returns the same data (the part of a scenario the template can hold)."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from core.cbam import evaluate_data
from core.exchange.errors import ExchangeError
from core.exchange.template import cellmap as m
from core.exchange.template import export_template, import_template
from core.exchange.template.package import write_package
from tests.exchange.conftest import examples_with_processes

ZERO_BLOCKS = {"heat": {"imported_TJ": 0.0, "imported_ef": 0.0, "exported_TJ": 0.0, "exported_ef": 0.0},
               "waste_gas": {"imported_TJ": 0.0, "exported_TJ": 0.0},
               "electricity": {"consumed_MWh": 0.0, "ef": 0.0, "exported_MWh": 0.0, "exported_ef": 0.0}}


def holdable(data: dict) -> dict:
    """What the template holds: installation, year, processes, purchased precursors (not imports or prices)."""
    procs = []
    for p in data["processes"]:
        q = {**ZERO_BLOCKS, **{k: v for k, v in p.items()}}
        q["inputs"] = sorted(q.get("inputs", []), key=lambda i: i["from"])
        if q.get("source_streams"):
            q["source_streams"] = [{**s, "ncv_unit": s["ncv_unit"]} if "ncv" in s else s for s in q["source_streams"]]
        procs.append(q)
    return {"reporting_year": data["reporting_year"], "installation": data["installation"], "processes": procs,
            "purchased_precursors": data.get("purchased_precursors", [])}


@pytest.mark.parametrize("name", sorted(examples_with_processes()))
def test_export_import_returns_the_same_data(name: str) -> None:
    src = examples_with_processes()[name]
    back = import_template(export_template(src))
    back["processes"] = [{**p, "inputs": sorted(p["inputs"], key=lambda i: i["from"])} for p in back["processes"]]
    assert json.loads(json.dumps(holdable(back))).keys() == holdable(src).keys()
    exp, got = evaluate_data(src), evaluate_data({**back, "imports": []})
    for pid, r in exp.processes.items():
        assert got.processes[pid].see_direct == pytest.approx(r.see_direct, rel=1e-12)
        assert got.processes[pid].see_indirect == pytest.approx(r.see_indirect, rel=1e-12)


def _flat(d: object, path: str = "") -> dict[str, object]:
    if isinstance(d, dict):
        return {k2: v for k, x in d.items() for k2, v in _flat(x, f"{path}.{k}").items()}
    if isinstance(d, list):
        return {k2: v for i, x in enumerate(d) for k2, v in _flat(x, f"{path}[{i}]").items()}
    return {path: d}


@pytest.mark.parametrize("name", sorted(examples_with_processes()))
def test_round_trip_field_by_field(name: str) -> None:
    src = examples_with_processes()[name]
    a = _flat(holdable(src))
    back = import_template(export_template(src))
    back["processes"] = [{**p, "inputs": sorted(p["inputs"], key=lambda i: i["from"])} for p in back["processes"]]
    b = _flat(holdable(back))
    assert set(a) == set(b)
    for k, v in a.items():
        if isinstance(v, float) or isinstance(b[k], float):
            assert b[k] == pytest.approx(v, rel=1e-12), k
        else:
            assert b[k] == v, k


def test_not_a_workbook() -> None:
    with pytest.raises(ExchangeError) as e:
        import_template(b"this is not a zip")
    assert e.value.key == "exchange.error.not_a_workbook"


def test_zip_that_is_not_the_template() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ExchangeError) as e:
        import_template(buf.getvalue())
    assert e.value.key == "exchange.error.not_a_workbook"


def test_text_in_a_number_cell_names_the_cell() -> None:
    xlsx = write_package({m.SHEET_PART["A_InstData"]: {m.INST_PERIOD_START: 46023, m.PROCESS_CATEGORY_COL + "83": "Cement"},
                          m.SHEET_PART["D_Processes"]: {"L16": "lots"}})
    with pytest.raises(ExchangeError) as e:
        import_template(xlsx)
    assert e.value.key == "exchange.error.not_a_number" and e.value.params["cell"] == "L16"


def test_missing_reporting_period() -> None:
    with pytest.raises(ExchangeError) as e:
        import_template(write_package({}))
    assert e.value.params == {"sheet": "A_InstData", "cell": "I9"}


def test_decompression_bomb_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.exchange.template import reader

    monkeypatch.setattr(reader, "MAX_UNPACKED", 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/big.bin", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ExchangeError) as e:
        import_template(buf.getvalue())
    assert e.value.key == "exchange.error.file_too_large"
