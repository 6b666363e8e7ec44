"""Imported files are refused cleanly, with nothing written: a NUL hidden in a cell (`_x0000_`), a DTD or an entity
in a part, a member inflating past its declared size on the command line, a date no calendar holds."""
from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.exchange.errors import ExchangeError
from core.exchange.template import export_template, import_template
from core.exchange.workbook import import_workbook
from core.exchange.workbook import layout as L
from core.i18n import t
from tests.exchange.workbook.conftest import edit, steel, steel_scenario  # noqa: F401  (fixtures)
from tests.support.paths import EXAMPLES

A_SHEET = "xl/worksheets/sheet5.xml"  # A_InstData in the shipped template


@pytest.fixture(scope="module")
def template() -> bytes:
    return export_template(json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8")))


def _rebuild(data: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = z.read(info)
            w.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def _lying(data: bytes, member: str, size: int) -> bytes:
    """The package with `member`'s declared uncompressed size set to `size` (smaller than it inflates to)."""
    b = bytearray(data)
    i = 0
    while (i := b.find(b"PK\x01\x02", i)) >= 0:
        n = struct.unpack_from("<H", b, i + 28)[0]
        if bytes(b[i + 46:i + 46 + n]).decode() == member:
            struct.pack_into("<I", b, i + 24, size)
            struct.pack_into("<I", b, struct.unpack_from("<I", b, i + 42)[0] + 22, size)
        i += 4
    return bytes(b)


def _translated(e: ExchangeError) -> None:
    for lang in ("en", "zh"):
        assert t(e.key, lang, **e.params) != e.key


def _entity(xml: bytes) -> bytes:
    xml = xml.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)
    return re.sub(rb'(<c r="I20"[^>]*?)(?: t="[a-zA-Z]+")?>.*?</c>', rb'\1 t="inlineStr"><is><t>&a;</t></is></c>', xml,
                  count=1)


def test_a_dtd_and_entity_in_a_sheet_is_refused(template):
    with pytest.raises(ExchangeError) as refused:
        import_template(_rebuild(template, A_SHEET, _entity))
    assert refused.value.key == "exchange.safety.dtd" and refused.value.params["part"] == A_SHEET
    _translated(refused.value)


@pytest.mark.parametrize("serial", [b"2958466000", b"3000000"])
def test_an_impossible_date_is_refused_by_its_cell(template, serial):
    data = _rebuild(template, A_SHEET, lambda x: re.sub(rb'(<c r="I9"[^>]*>)<v>[^<]*</v>', rb"\1<v>" + serial + b"</v>",
                                                          x, count=1))
    with pytest.raises(ExchangeError) as refused:
        import_template(data)
    assert refused.value.key == "exchange.error.bad_date" and refused.value.params["cell"] == "I9"
    _translated(refused.value)


def test_a_nul_in_a_template_text_cell_is_refused_with_the_cell(template):
    data = _rebuild(template, A_SHEET, lambda x: x.replace(b"Demo Steel Works", b"Demo_x0000_Steel", 1))
    with pytest.raises(ExchangeError) as refused:
        import_template(data)
    assert refused.value.key == "validation.cell_text_control" and refused.value.params["cell"] == "I20"
    _translated(refused.value)


@pytest.mark.parametrize("case", ["lying", "entity"])
def test_the_command_line_refuses_what_the_upload_refuses(template, tmp_path: Path, case):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_lying(template, A_SHEET, 1000) if case == "lying" else _rebuild(template, A_SHEET, _entity))
    out = tmp_path / "out.json"
    r = CliRunner().invoke(app, ["template", "import", str(bad), "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert '"key": "exchange.' in r.output and not out.exists()


def test_a_nul_in_a_workbook_cell_is_refused_with_the_cell_and_nothing_is_saved(steel):  # noqa: F811
    data = edit(steel.workbook(), {(L.PROCESSES.title, "B4"): "Hot_x0000_rolling"})
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, data)
    assert not result.written
    hit = [p for p in result.problems if p.key == "validation.text_control"]
    assert [(p.sheet, p.cell, p.params["char"]) for p in hit] == [("processes", "B4", "U+0000")]
