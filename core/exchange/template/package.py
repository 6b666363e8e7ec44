"""The shipped template file and cell-level edits of its worksheet XML, leaving every other byte as it was.

openpyxl's load-and-save drops parts the template uses (DESIGN.md, known pitfalls), so the writer edits the
`<c>` elements of the few worksheet parts it needs and copies every other package member unchanged.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

from core.exchange.errors import ExchangeError

TEMPLATE_PATH = Path(__file__).parent / "data" / "communication_template_v2.1.1.xlsx"
# SHA-256 of the Commission's file "CBAM Communication template for installations_en_20241213.xlsx" (v2.1.1).
TEMPLATE_SHA256 = "5a4e28fdbccfdca45a2c0520184b551a20c0c7bba3db79f87d78c9e58a6c0917"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_C, _ROW, _V, _IS, _T, _F = (f"{{{NS}}}{n}" for n in ("c", "row", "v", "is", "t", "f"))
_REF = re.compile(r"([A-Z]+)([0-9]+)")  # whole string (fullmatch)
Value = float | int | str | bool | None


@lru_cache(maxsize=1)
def template_bytes() -> bytes:
    """The shipped template, refused if it is not byte for byte the Commission's v2.1.1."""
    data = TEMPLATE_PATH.read_bytes()
    if hashlib.sha256(data).hexdigest() != TEMPLATE_SHA256:
        raise ExchangeError("exchange.error.template_modified", path=str(TEMPLATE_PATH))
    return data


def col_index(col: str) -> int:
    n = 0
    for ch in col:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[str, int]:
    m = _REF.fullmatch(ref)
    if not m:
        raise ValueError(ref)
    return m.group(1), int(m.group(2))


def _set_value(c: etree._Element, value: Value) -> None:
    if c.find(_F) is not None:  # never overwrite a formula: the cell map names input cells only
        raise ValueError(f"formula cell {c.get('r')}")
    for child in list(c):
        c.remove(child)
    c.attrib.pop("t", None)
    if value is None:
        return
    if isinstance(value, bool):
        c.set("t", "b")
        etree.SubElement(c, _V).text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        etree.SubElement(c, _V).text = repr(float(value)) if isinstance(value, float) else str(value)
    else:
        # An inline string is text, never a formula, so a value like "=cmd|..." cannot be injected.
        c.set("t", "inlineStr")
        t = etree.SubElement(etree.SubElement(c, _IS), _T)
        t.text = value
        if value != value.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def edit_sheet(xml: bytes, cells: dict[str, Value]) -> bytes:
    """The worksheet XML with the given cells set; rows and cells are created in order where missing."""
    root = etree.fromstring(xml)
    data = root.find(f"{{{NS}}}sheetData")
    rows = {int(r.get("r")): r for r in data.iter(_ROW)}
    by_row: dict[int, list[tuple[str, Value]]] = {}
    for ref, value in cells.items():
        col, r = split_ref(ref)
        by_row.setdefault(r, []).append((col, value))
    for r, items in by_row.items():
        row = rows.get(r)
        if row is None:
            row = etree.Element(_ROW, r=str(r))
            later = [k for k in rows if k > r]
            if later:
                rows[min(later)].addprevious(row)
            else:
                data.append(row)
            rows[r] = row
        existing = {c.get("r"): c for c in row.iter(_C)}
        for col, value in items:
            ref = f"{col}{r}"
            c = existing.get(ref)
            if c is None:
                c = etree.Element(_C, r=ref)
                after = [e for e in row.iter(_C) if col_index(split_ref(e.get("r"))[0]) > col_index(col)]
                if after:
                    after[0].addprevious(c)
                else:
                    row.append(c)
            _set_value(c, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


WORKBOOK_PART = "xl/workbook.xml"
# The template's own calculation properties, and the same with Excel's "recalculate everything on open" flag
# (ECMA-376 Part 1, 18.2.2 calcPr/@fullCalcOnLoad). Without it a reader that trusts cached results shows the
# Commission file's stale summaries (or #N/A) instead of those of the written inputs.
_CALC_PR = b'<calcPr calcId="162913"/>'
_CALC_PR_FULL = b'<calcPr calcId="162913" fullCalcOnLoad="1"/>'


def recalculate_on_open(workbook_xml: bytes) -> bytes:
    """workbook.xml with the full-calculation-on-load flag set; nothing else in it changes."""
    if workbook_xml.count(_CALC_PR) != 1:
        raise ExchangeError("exchange.error.template_modified", path=WORKBOOK_PART)
    return workbook_xml.replace(_CALC_PR, _CALC_PR_FULL)


def write_package(edits: dict[str, dict[str, Value]]) -> bytes:
    """The template with the cells of each worksheet part set and full recalculation on open requested; every
    other member copied unchanged."""
    src = zipfile.ZipFile(io.BytesIO(template_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in edits and edits[info.filename]:
                data = edit_sheet(data, edits[info.filename])
            elif info.filename == WORKBOOK_PART:
                data = recalculate_on_open(data)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()
