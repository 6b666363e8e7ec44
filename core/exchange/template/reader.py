"""Import: any filled communication template v2.x (ours or a supplier's) read back into `cbam-scenario/1`.

Read with python-calamine (values as the workbook last computed them; input cells are plain values).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from core.cbam.scenario import FORMAT
from core.exchange.errors import ExchangeError
from core.exchange.safety import check_xlsx_package
from core.exchange.template import cellmap as m
from core.exchange.template.package import col_index, split_ref
from core.exchange.template.writer import template_lists
from core.numbers import NumberField, NumberRefused, parse_number
from core.validation.text import cell_problem

_PREC_NAME = re.compile(r"(.*?)\s*\[CN ([0-9]{8}(?:[0-9]{2})?)\]")  # whole string (fullmatch)
_STREAM_NAME = re.compile(r"^\[([^\]]+)\]\s*(.*)$")
# a number cell of a filled template: any sign (mass-balance outputs), no figure beyond 1e12, none below 1e-12
_CELL = NumberField("", "any", 1e12, 12)
MAX_BYTES = 20 * 1024 * 1024          # a filled template is ~1.4 MB
MAX_UNPACKED = 200 * 1024 * 1024      # decompression-bomb guard


class _Sheet:
    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows

    def get(self, ref: str) -> Any:
        col, r = split_ref(ref)
        return self.at(r, col)

    def at(self, row: int, col: str) -> Any:
        c = col_index(col) - 1
        if row - 1 >= len(self.rows) or c >= len(self.rows[row - 1]):
            return None
        v = self.rows[row - 1][c]
        return None if v == "" else v

    def num(self, row: int, col: str) -> float:
        """A number cell, read strictly: text must be a plain number (one decimal comma is taken as a point), and
        a value no figure can have (not finite, beyond 1e12 or a non-zero below 1e-12) is refused, never kept."""
        v = self.at(row, col)
        if v is None:
            return 0.0
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            text = str(v).strip()
            text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
            try:
                x = parse_number(text, _CELL)
            except NumberRefused:
                raise ExchangeError("exchange.error.not_a_number", cell=f"{col}{row}", value=str(v)[:40]) from None
            return 0.0 if x is None else x
        try:
            return float(parse_number(v, _CELL))
        except NumberRefused:
            raise ExchangeError("exchange.error.not_a_number", cell=f"{col}{row}", value=str(v)[:40]) from None

    def text(self, row: int, col: str) -> str | None:
        v = self.at(row, col)
        if v is None:
            return None
        if isinstance(v, str) and (err := cell_problem(v, f"{col}{row}")):  # `_x0000_` arrives as a NUL
            raise ExchangeError(err[0], **err[1])
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip() or None


def _open(source: str | Path | bytes) -> CalamineWorkbook:
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    if len(data) > MAX_BYTES:
        raise ExchangeError("exchange.error.file_too_large", size=len(data), limit=MAX_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise ExchangeError("exchange.error.file_too_large", size=len(data), limit=MAX_UNPACKED)
        # the package check every upload runs (members inflating past their declared size, DTDs, macros): here
        # too, so the command line and the upload page refuse the same files
        check_xlsx_package(data, max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED)
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except ExchangeError as e:
        if e.key == "exchange.safety.not_xlsx":  # a zip without a workbook: said as before
            raise ExchangeError("exchange.error.not_a_workbook", reason="no xl/workbook.xml") from None
        raise
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise ExchangeError("exchange.error.not_a_workbook", reason=type(e).__name__) from None
    except Exception as e:  # calamine raises its own error types for broken packages
        raise ExchangeError("exchange.error.not_a_workbook", reason=type(e).__name__) from None
    missing = [s for s in ("A_InstData", "B_EmInst", "D_Processes", "E_PurchPrec") if s not in wb.sheet_names]
    if missing:
        raise ExchangeError("exchange.error.not_the_template", sheets=", ".join(missing))
    return wb


def _category(name: str) -> str:
    return name.strip()


def _year(v: Any, sheet: str = "", cell: str = "") -> int | None:
    if isinstance(v, (date, datetime)):
        return v.year
    if isinstance(v, (int, float)) and v > 0:
        try:  # an Excel serial day; a serial beyond 31 Dec 9999 is no date, whatever the cell shows
            return date.fromordinal(date(1899, 12, 30).toordinal() + int(v)).year
        except (OverflowError, ValueError):
            raise ExchangeError("exchange.error.bad_date", sheet=sheet, cell=cell, value=str(v)[:40]) from None
    return None


def _rows(wb: CalamineWorkbook, name: str) -> list[list[Any]]:
    """A sheet's cells; calamine parses each sheet only now, so a broken part (an entity, bad XML) is refused here."""
    try:
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as e:  # noqa: BLE001  (calamine's XmlError and friends; a date it cannot represent)
        raise ExchangeError("exchange.error.not_a_workbook", reason=f"{name}: {type(e).__name__}") from None


def _streams(b: _Sheet) -> dict[str | None, list[dict[str, Any]]]:
    out: dict[str | None, list[dict[str, Any]]] = {}
    method_back = {v.lower(): k for k, v in m.STREAM_METHOD.items()}
    pfc_back = {v.lower(): k for k, v in m.PFC_METHOD.items()}
    groups = [(m.STREAM_FIRST_ROW, m.MAX_SOURCE_STREAMS, m.STREAM_COLS, method_back, m.PERCENT_FIELDS),
              (m.PFC_FIRST_ROW, m.MAX_PFC_STREAMS, m.PFC_COLS, pfc_back, ()),
              (m.MEASUREMENT_FIRST_ROW, m.MAX_MEASUREMENT_STREAMS, m.MEASUREMENT_COLS, None, ("biomass_fraction",))]
    for first, count, cols, methods, pct in groups:
        for row in range(first, first + count):
            label = b.text(row, cols["name"] if methods is None else cols["method"])
            if label is None:
                continue
            s: dict[str, Any] = {}
            if methods is None:
                s["method"] = "measurement"
            else:
                if label.lower() not in methods:
                    raise ExchangeError("exchange.error.unknown_method", cell=f"{cols['method']}{row}", value=label)
                s["method"] = methods[label.lower()]
            for key, col in cols.items():
                if key == "method":
                    continue
                if key in ("name", "activity_unit", "ef_unit", "gas"):
                    v = b.text(row, col)
                    if v is not None:
                        s[key] = v
                elif b.at(row, col) is not None:
                    s[key] = b.num(row, col) / 100.0 if key in pct else b.num(row, col)
            if s.get("ncv") is not None:
                s["ncv_unit"] = "GJ/1000Nm3" if s.get("activity_unit") == "1000Nm3" else "GJ/t"
            owner = None
            hit = _STREAM_NAME.match(s.get("name", ""))
            if hit:
                owner, s["name"] = hit.group(1), hit.group(2)
            out.setdefault(owner, []).append(s)
    return out


def import_template(source: str | Path | bytes) -> dict[str, Any]:
    """A `cbam-scenario/1` dict from a filled template: installation, processes, purchased precursors.

    The template holds no import lines, prices or benchmark overrides: `imports` is empty, `parameters` absent.
    """
    wb = _open(source)
    a, b, d, e = (_Sheet(_rows(wb, n)) for n in ("A_InstData", "B_EmInst", "D_Processes", "E_PurchPrec"))
    sp = _Sheet(_rows(wb, "Summary_Products")) if "Summary_Products" in wb.sheet_names else _Sheet([])
    names_to_code = {v: k for k, v in template_lists()["countries"].items()}
    country_name = a.text(*reversed(split_ref(m.INST_COUNTRY)))
    year = _year(a.get(m.INST_PERIOD_START), "A_InstData", m.INST_PERIOD_START)
    if year is None:
        raise ExchangeError("exchange.error.missing_cell", sheet="A_InstData", cell=m.INST_PERIOD_START)
    inst_name = a.text(*reversed(split_ref(m.INST_NAME))) or a.text(19, "I") or ""
    routes: dict[str, list[str]] = {}
    for row in range(m.GOODS_FIRST_ROW, m.GOODS_FIRST_ROW + m.MAX_GOODS_CATEGORIES):
        cat = a.text(row, m.GOODS_CATEGORY_COL)
        if cat:
            routes[_category(cat)] = [r for r in (a.text(row, c) for c in m.GOODS_ROUTE_COLS) if r]
    slots: list[tuple[int, str, str]] = []  # (slot, id, category)
    for k in range(m.MAX_PROCESSES):
        row = m.PROCESS_FIRST_ROW + k
        cat = a.text(row, m.PROCESS_CATEGORY_COL)
        if cat:
            slots.append((k, a.text(row, m.PROCESS_NAME_COL) or f"P{k + 1}", _category(cat)))
    pslots: list[tuple[int, str, str, str | None, str]] = []
    for k in range(m.MAX_PURCHASED_PRECURSORS):
        row = m.PRECURSOR_FIRST_ROW + k
        cat = a.text(row, m.PREC_CATEGORY_COL)
        if cat:
            name = a.text(row, m.PREC_NAME_COL) or f"PP{k + 1}"
            hit = _PREC_NAME.fullmatch(name)
            pid, cn = (hit.group(1), hit.group(2)) if hit else (name, None)
            pslots.append((k, pid, _category(cat), cn, a.text(row, m.PREC_COUNTRY_COL) or ""))
    cn_of: dict[str, str] = {}
    for row in range(m.PRODUCT_FIRST_ROW, m.PRODUCT_FIRST_ROW + m.MAX_PRODUCTS):
        proc, cn = sp.text(row, m.PRODUCT_PROCESS_COL), sp.text(row, m.PRODUCT_CN_COL)
        if proc and cn and proc not in cn_of:
            cn_of[proc] = cn.replace(" ", "")
    streams = _streams(b)
    # Our export names each source stream "[P1] …"; a supplier's template names them freely. Streams no process
    # claims (no prefix, or a prefix that is no process id) are not dropped: with one process they are its
    # streams; otherwise each process keeps its DirEm from D_Processes and they are returned unattributed.
    ids = {pid for _, pid, _ in slots}
    unowned = [s for owner, ss in streams.items() if owner not in ids for s in
               (ss if owner is None else [{**x, "name": f"[{owner}] {x.get('name', '')}".rstrip()} for x in ss])]
    if unowned and len(slots) == 1 and not streams.get(slots[0][1]):
        streams[slots[0][1]], unowned = unowned, []
    c = m.process_cell
    processes = []
    for k, pid, cat in slots:
        def v(col: str, row: int, k: int = k) -> float:
            col_, r = split_ref(c(k, col, row))
            return d.num(r, col_)
        inputs = []
        for k2, pid2, _ in slots:
            if k2 != k:
                r = m.consumer_row(k2, k) + m.PROCESS_BLOCK * k2
                if d.at(r, "L") is not None and d.num(r, "L"):
                    inputs.append({"from": pid2, "mass": d.num(r, "L")})
        for kp, ppid, *_ in pslots:
            r = m.E_CONSUMED_FIRST + k + m.PRECURSOR_BLOCK * kp
            if e.at(r, "L") is not None and e.num(r, "L"):
                inputs.append({"from": ppid, "mass": e.num(r, "L")})
        own = streams.get(pid, [])
        rs = routes.get(cat, [])
        proc: dict[str, Any] = {
            "id": pid, "goods_category": cat, "route": rs[0] if len(rs) == 1 else None,
            "cn_code": cn_of.get(pid),
            "activity_level": sum(v("L", m.D_PRODUCTION_ROUTE1 + i) for i in range(8)),
            "direct_emissions": None if own else v("L", m.D_DIREM),
        }
        if own:
            proc["source_streams"] = own
        proc["heat"] = {"imported_TJ": v("L", m.D_HEAT_TJ), "imported_ef": v("L", m.D_HEAT_EF),
                        "exported_TJ": v("M", m.D_HEAT_TJ), "exported_ef": v("M", m.D_HEAT_EF)}
        proc["waste_gas"] = {"imported_TJ": v("L", m.D_WG_TJ), "exported_TJ": v("M", m.D_WG_TJ)}
        proc["electricity"] = {"consumed_MWh": v("L", m.D_EL_CONSUMED), "ef": v("L", m.D_EL_EF),
                               "exported_MWh": v("L", m.D_EL_EXPORTED), "exported_ef": v("L", m.D_EL_EXPORTED_EF)}
        proc["inputs"] = inputs
        processes.append(proc)
    precursors = []
    for kp, ppid, cat, cn, country in pslots:
        r = m.PRECURSOR_BLOCK * kp
        source = (e.text(m.E_SEE_DIRECT + r, "M") or "").lower()
        precursors.append({
            "id": ppid, "goods_category": cat, "cn_code": cn, "country": country,
            "see_direct": e.num(m.E_SEE_DIRECT + r, "L"),
            "see_indirect": e.num(m.E_EL_SPECIFIC + r, "L") * e.num(m.E_EL_EF + r, "L"),
            "data_source": "default" if source == "default" else "actual",
        })
    out = {
        "format": FORMAT, "name": str(inst_name), "source": "communication template import",
        "reporting_year": year,
        "installation": {"name": str(inst_name), "country": names_to_code.get(country_name or "", country_name or "")},
        "processes": processes, "purchased_precursors": precursors, "imports": [],
    }
    if unowned:
        out["unattributed_source_streams"] = unowned
    return out
