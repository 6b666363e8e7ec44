"""Reading an uploaded data-entry workbook: package checks, then each sheet's XML is checked (no formulas, no
merged cells, not too many rows) before python-calamine parses it; cells come back typed or as problems.

Every refusal of the file as a whole is one ExchangeError with a message key; problems of single cells are
`Problem`s, listed with all the others.
"""
from __future__ import annotations

import functools
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lxml import etree
from python_calamine import CalamineWorkbook

from core.exchange.errors import ExchangeError
from core.exchange.safety import check_xlsx_package
from core.exchange.workbook import layout as L
from core.numbers import NumberField, NumberRefused, parse_number
from core.validation.text import CELL_MAX, text_problem

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"')
_ROW_NO = re.compile(rb'\br="([0-9]+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z0-9:]+)"')
_VALUE_TAGS = (b"<v>", b"<v ", b"<is>", b":v>", b":is>")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row (or cell) of the workbook: sheet key, Excel row, column key, message."""

    sheet: str
    row: int | None
    column: str | None
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    cell: str = ""  # "F12"


@dataclass
class SheetData:
    sheet: L.Sheet
    positions: dict[str, int]  # column key → 0-based column index in the file
    raw: Any  # the calamine sheet
    last_row: int
    col_offset: int = 0  # calamine's rows start at the first used column

    def letter(self, key: str | None) -> str:
        from openpyxl.utils import get_column_letter

        if key is None or key not in self.positions:
            return ""
        return get_column_letter(self.positions[key] + self.col_offset + 1)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, the row's cells as calamine gives them) for every data row with a value; index the
        cells with `positions`."""
        used = sorted(self.positions.values())
        for n, values in enumerate(self.raw.iter_rows(), start=1):
            if n < L.FIRST_ROW:
                continue
            if n > self.last_row:
                break
            if any(i < len(values) and values[i] not in ("", None) for i in used):
                yield n, values


def _sheet_paths(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its XML member, from the workbook and its relationships."""
    try:
        wb = etree.fromstring(z.read("xl/workbook.xml"), _PARSER)
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        raise ExchangeError("exchange.safety.not_xlsx") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_NS_PKG}}}Relationship")}
    out = {}
    for s in wb.iter(f"{{{_NS_MAIN}}}sheet"):
        target = targets.get(s.get(f"{{{_NS_REL}}}id"), "")
        out[s.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _last_value_row(xml: bytes) -> tuple[int, int]:
    """(number of the last row holding a value, offset just after that row's end tag), found from the end of the
    sheet XML: trailing rows that only carry formatting (a million of them, say) are never walked."""
    pos = max(xml.rfind(tag) for tag in _VALUE_TAGS)
    if pos < 0:
        return 0, -1
    start = max(xml.rfind(b"<row", 0, pos), xml.rfind(b":row", 0, pos))
    end = xml.find(b"row>", pos)
    end = end + 4 if end >= 0 else -1
    if start < 0:
        return 0, end
    hit = _ROW_NO.search(xml, start, xml.find(b">", start) + 1)
    if hit:
        return int(hit.group(1)), end
    return xml.count(b"<row", 0, pos) + xml.count(b":row", 0, pos), end  # rows without r="" count in order


def _find_any(xml: bytes, needles: tuple[bytes, ...]) -> int:
    hits = [i for i in (xml.find(n) for n in needles) if i >= 0]
    return min(hits) if hits else -1


def _check_sheet_xml(title: str, xml: bytes) -> tuple[int, bytes | None]:
    """The last row holding a value, and the sheet XML cut after it when many empty rows follow (else None)."""
    # plain find() rather than a regex: a sheet of 200,000 rows is scanned in milliseconds
    at = _find_any(xml, (b"<f>", b"<f ", b"<f/>", b":f>", b":f "))
    if at >= 0:
        ref = _CELL_REF.findall(xml, max(0, at - 400), at)
        raise ExchangeError("exchange.workbook.error.formula", sheet=title, cell=ref[-1].decode() if ref else "?")
    at = _find_any(xml, (b"<mergeCell ", b":mergeCell "))
    if at >= 0:
        m = _MERGE.search(xml, at - 1)
        raise ExchangeError("exchange.workbook.error.merged_cells", sheet=title,
                            cells=m.group(1).decode() if m else "?")
    last, end = _last_value_row(xml)
    if last - L.FIRST_ROW + 1 > L.MAX_ROWS:
        raise ExchangeError("exchange.workbook.error.too_many_rows", sheet=title, rows=last, limit=L.MAX_ROWS)
    close = xml.rfind(b"sheetData>")
    if end > 0 and close > end and xml.count(b"<row", end, close) > 1000:
        tag = xml.rfind(b"<", end, close)  # "</sheetData>" or "</x:sheetData>"
        return last, xml[:end] + xml[tag:]
    return last, None


def _replace_members(z: zipfile.ZipFile, members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for info in z.infolist():
            new.writestr(info.filename, members.get(info.filename) or z.read(info))
    return out.getvalue()


def _check_sheets(data: bytes) -> tuple[dict[str, int], bytes]:
    """Check each data sheet's XML; the last row holding a value per sheet, and the package to parse."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        paths = _sheet_paths(z)
        missing = [s.title for s in L.SHEETS if s.title not in paths]
        if missing:
            raise ExchangeError("exchange.workbook.error.missing_sheets", sheets=", ".join(missing))
        last_rows, trimmed = {}, {}
        for s in L.SHEETS:
            try:
                xml = z.read(paths[s.title])
            except KeyError:
                raise ExchangeError("exchange.workbook.error.missing_sheets", sheets=s.title) from None
            last_rows[s.key], cut = _check_sheet_xml(s.title, xml)
            if cut is not None:
                trimmed[paths[s.title]] = cut
            del xml
        if trimmed:  # the parser gets the package without the trailing empty rows
            data = _replace_members(z, trimmed)
    return last_rows, data


def open_workbook(data: bytes) -> dict[str, SheetData]:
    """Check and open an uploaded workbook; sheet key → its data. Raises ExchangeError for a malformed file."""
    check_xlsx_package(data)
    try:
        last_rows, data = _check_sheets(data)
    except ExchangeError:
        raise
    except Exception as e:  # noqa: BLE001  (zipfile, zlib and lxml raise many types on damaged packages)
        raise ExchangeError("exchange.safety.not_xlsx_reason", reason=type(e).__name__) from None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = {}
        for s in L.SHEETS:
            raw = wb.get_sheet_by_name(s.title)
            keys = []
            for n, values in enumerate(raw.iter_rows(), start=1):
                if n == L.KEY_ROW:
                    keys = [str(v).strip() for v in values]
                    break
            positions = {k: keys.index(k) for k in (c.key for c in s.columns) if k in keys}
            absent = [c.key for c in s.columns if c.key not in positions]
            if absent:
                raise ExchangeError("exchange.workbook.error.missing_columns", sheet=s.title,
                                    columns=", ".join(absent))
            start = raw.start
            out[s.key] = SheetData(s, positions, raw, last_rows[s.key], start[1] if start else 0)
        return out
    except ExchangeError:
        raise
    except Exception as e:  # noqa: BLE001  (calamine raises its own error types for broken parts)
        raise ExchangeError("exchange.safety.not_xlsx_reason", reason=type(e).__name__) from None


# --- cells -------------------------------------------------------------------------------------------------------

class CellError(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def _show(v: Any) -> str:
    return str(v)[:40]


def as_text(v: Any) -> str:
    if type(v) is str:  # the common case first: 200,000 rows × 8 cells
        # `_x0000_` arrives as a NUL: refused (the problem names the cell), never stripped
        if not v.isprintable() and (err := text_problem(v, max_length=CELL_MAX, multiline=True)):
            raise CellError(err[0], **err[1])
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, bool):
        raise CellError("exchange.workbook.error.not_text", value=_show(v))
    if isinstance(v, float):
        if not math.isfinite(v):
            raise CellError("exchange.workbook.error.not_text", value=_show(v))
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v).strip()


# a number typed as text in a cell: any sign and size (the services refuse what their fields cannot hold)
_CELL = NumberField("", "any", math.inf, 15)


def as_number(v: Any) -> float | None:
    if type(v) is float and math.isfinite(v):
        return v
    if v is None or v == "":
        return None
    if isinstance(v, bool) or isinstance(v, (date, datetime)):
        raise CellError("exchange.workbook.error.not_a_number", value=_show(v))
    if isinstance(v, (int, float)):
        x = float(v)
    else:
        # text read strictly (core/numbers: ASCII digits, no "inf"/"nan"/"1_000"); spaces group thousands, one
        # comma is a decimal comma — except before exactly three digits ("1,000"), which is refused as ambiguous
        # rather than read as 1.0
        s = str(v).strip().replace(" ", "").replace("\u00a0", "")
        head, comma, tail = s.partition(",")
        if comma and "," not in tail and "." not in s:
            if len(tail) == 3 and tail.isdigit():
                raise CellError("exchange.workbook.error.not_a_number", value=_show(v))
            s = f"{head}.{tail}"
        try:
            x = parse_number(s, _CELL)
        except NumberRefused:
            raise CellError("exchange.workbook.error.not_a_number", value=_show(v)) from None
        if x is None:
            return None
    if not math.isfinite(x):
        raise CellError("exchange.workbook.error.not_a_number", value=_show(v))
    return x


def as_integer(v: Any) -> int | None:
    x = as_number(v)
    if x is None:
        return None
    if not x.is_integer() or not 0 < x < 10**9:
        raise CellError("exchange.workbook.error.not_an_integer", value=_show(v))
    return int(x)


def as_date(v: Any) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        s = v.strip().replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat(s)
        except ValueError:
            pass
    raise CellError("exchange.workbook.error.not_a_date", value=_show(v))


def basis_code(v: str | None) -> str | None:
    """A basis cell ("actual"/"default") as its code: the label in either language (实际值, "Default values") is
    read back too, so a workbook whose drop-down shows the translated labels imports unchanged."""
    return _basis_code(v) if v else v


@functools.lru_cache(maxsize=1024)  # a 200,000-row sheet holds a handful of distinct cells
def _basis_code(v: str) -> str:
    from core.i18n import t  # the catalogs are loaded on first use
    from core.reporting.precursors import DATA_SOURCES

    for code in DATA_SOURCES:
        if v.strip().casefold() in {code, t(f"entry.basis.{code}", "en").casefold(), t(f"entry.basis.{code}", "zh"),
                                    basis_label(code).casefold()}:
            return code
    return v


def basis_label(code: str) -> str:
    """How the workbook writes a basis (its drop-down and its cells): both languages, Chinese first, like its
    headers ("实际值 / Actual values"); `basis_code` reads it back."""
    from core.i18n import t

    return f"{t(f'entry.basis.{code}', 'zh')} / {t(f'entry.basis.{code}', 'en')}"


CONVERT = {L.TEXT: as_text, L.NUMBER: as_number, L.INTEGER: as_integer, L.DATE: as_date}
