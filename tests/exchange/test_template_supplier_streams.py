"""A supplier's filled template names its source streams freely (our export prefixes "[P1] "): such streams are
not dropped on import. With one process they are its streams; with several, each process keeps its DirEm from
D_Processes and the streams come back as `unattributed_source_streams`."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from core.cbam import evaluate_data
from core.exchange.template import cellmap as m
from core.exchange.template import export_template, import_template
from tests.exchange.conftest import examples_with_processes


def _without_prefixes(xlsx: bytes, replacement: bytes = b"<t>") -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    part = m.SHEET_PART["B_EmInst"]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                data, n = re.subn(rb"<t>\[P\d+\] ", replacement, data)
                assert n > 0
            dst.writestr(info, data)
    return out.getvalue()


def test_single_process_takes_the_unprefixed_streams():
    data = examples_with_processes()["aluminium_primary_smelter"]
    back = import_template(_without_prefixes(export_template(data)))
    assert "unattributed_source_streams" not in back
    names = [s["name"] for s in back["processes"][0]["source_streams"]]
    assert names == [s["name"] for s in data["processes"][0]["source_streams"]]
    got, want = evaluate_data({**back, "imports": []}), evaluate_data({**data, "imports": []})
    assert got.processes["P1"].see_direct == pytest.approx(want.processes["P1"].see_direct, rel=1e-9)


def test_several_processes_keep_direm_and_return_the_streams():
    data = examples_with_processes()["steel_bof_to_hot_rolled_coil"]
    back = import_template(_without_prefixes(export_template(data), b"<t>[Furnace] "))
    p2 = next(p for p in back["processes"] if p["id"] == "P2")
    assert "source_streams" not in p2 and p2["direct_emissions"] > 0
    assert [s["name"] for s in back["unattributed_source_streams"]] == ["[Furnace] natural gas, reheating furnace"]
    got, want = evaluate_data({**back, "imports": []}), evaluate_data({**data, "imports": []})
    assert got.processes["P2"].see_direct == pytest.approx(want.processes["P2"].see_direct, rel=1e-9)
