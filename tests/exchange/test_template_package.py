"""An export differs from the Commission's file only in unlocked input cells of the input sheets."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
from lxml import etree

from core.exchange.template import TEMPLATE_SHA256, export_template, template_bytes
from core.exchange.template import cellmap as m
from core.exchange.template.package import NS
from tests.exchange.conftest import examples_with_processes
from tests.support.paths import OFFICIAL  # noqa: E402

OFFICIAL_TEMPLATE = OFFICIAL / "CBAM Communication template for installations_en_20241213.xlsx"


def test_shipped_template_is_the_commissions_file() -> None:
    assert hashlib.sha256(template_bytes()).hexdigest() == TEMPLATE_SHA256
    assert template_bytes() == OFFICIAL_TEMPLATE.read_bytes()


def _unlocked_styles(z: zipfile.ZipFile) -> set[str]:
    st = etree.fromstring(z.read("xl/styles.xml"))
    xfs = st.find(f"{{{NS}}}cellXfs")
    return {str(i) for i, xf in enumerate(xfs)
            if (p := xf.find(f"{{{NS}}}protection")) is not None and p.get("locked") == "0"}


_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"(?: [^>]*?)?(?:/>|>.*?</c>)', re.S)
_STYLE = re.compile(rb' s="([0-9]+)"')


def _cells(xml: bytes) -> tuple[dict[str, bytes], bytes]:
    """Each cell's XML by reference, and the sheet with the cells cut out (everything else must be identical)."""
    xml = etree.tostring(etree.fromstring(xml))  # one serialisation for both sides
    cells = {m.group(1).decode(): m.group(0) for m in _CELL.finditer(xml)}
    return cells, _CELL.sub(b"", xml)


@pytest.mark.parametrize("name", sorted(examples_with_processes()))
def test_only_input_cells_differ(name: str) -> None:
    orig = zipfile.ZipFile(io.BytesIO(template_bytes()))
    new = zipfile.ZipFile(io.BytesIO(export_template(examples_with_processes()[name])))
    assert [i.filename for i in orig.infolist()] == [i.filename for i in new.infolist()]
    unlocked = _unlocked_styles(orig)
    input_parts = set(m.SHEET_PART.values())
    changed_cells = 0
    for info in orig.infolist():
        a, b = orig.read(info), new.read(info.filename)
        if info.filename == "xl/workbook.xml":
            # only the calculation properties change: full recalculation when the file is opened
            assert a.count(b'<calcPr calcId="162913"/>') == 1
            assert b == a.replace(b'<calcPr calcId="162913"/>', b'<calcPr calcId="162913" fullCalcOnLoad="1"/>')
            continue
        if info.filename not in input_parts:
            # styles, shared strings, calcChain, the other sheets: byte for byte
            assert a == b, f"{info.filename} changed"
            continue
        ca, rest_a = _cells(a)
        cb, rest_b = _cells(b)
        assert rest_a == rest_b, f"{info.filename}: something besides cell values changed"
        assert set(ca) == set(cb), f"{info.filename}: cells added or removed"
        for ref, cell in ca.items():
            if cell != cb[ref]:
                changed_cells += 1
                style = _STYLE.search(cell.split(b">", 1)[0])
                assert style and style.group(1).decode() in unlocked, f"{info.filename} {ref} is a locked cell"
                assert b"<f>" not in cell and b"<f " not in cell and b"<f>" not in cb[ref] and b"<f " not in cb[ref]
                assert _STYLE.search(cb[ref].split(b">", 1)[0]).group(1) == style.group(1)
    assert changed_cells > 10


def test_strings_are_inline_text_not_formulas() -> None:
    data = dict(examples_with_processes()["steel_bof_to_hot_rolled_coil"])
    data["installation"] = {"name": "=HYPERLINK(\"http://x\")", "country": "CN"}
    z = zipfile.ZipFile(io.BytesIO(export_template(data)))
    xml = z.read(m.SHEET_PART["A_InstData"]).decode()
    cell = re.search(r'<c r="I20"[^>]*>.*?</c>', xml).group(0)
    assert 't="inlineStr"' in cell and "<f>" not in cell and "HYPERLINK" in cell
