"""Export: a `cbam-scenario/1` scenario written into the unlocked input cells of the communication template."""
from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from typing import Any

from python_calamine import CalamineWorkbook

from core.cbam.engine import load_for
from core.cbam.scenario import Process, Scenario
from core.cbam.see import attribute
from core.exchange.errors import CapacityExceeded, ExchangeError
from core.exchange.numbers import require_exportable
from core.exchange.template import cellmap as m
from core.exchange.template.carbon_price import carbon_price_cells
from core.exchange.template.package import Value, template_bytes, write_package

_EXCEL_EPOCH = date(1899, 12, 30)


@lru_cache(maxsize=1)
def template_lists() -> dict[str, Any]:
    """Code lists of the template itself: country codes and names, goods categories as the template spells them."""
    wb = CalamineWorkbook.from_filelike(io.BytesIO(template_bytes()))
    sheet, first, last, code_col, name_col = m.COUNTRY_LIST
    rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    countries = {str(r[code_col]): str(r[name_col]) for r in rows[first:last + 1] if r[code_col]}
    const = wb.get_sheet_by_name("Parameters_Constants").to_python(skip_empty_area=False)
    goods = [str(r[0]) for r in const[88:106]]  # CONST_LIST_Goods = Parameters_Constants!A89:A106
    return {"countries": countries, "goods": goods}


def template_category(name: str) -> str:
    """The template's spelling of a goods category ("Calcined clays " with its space, "Sintered Ore")."""
    for g in template_lists()["goods"]:
        if g.strip().lower() == name.strip().lower():
            return g
    if name.strip().lower() == "electricity":
        return "Electricity (export to EU)"
    raise ExchangeError("exchange.error.unknown_category", category=name)


def _serial(d: date) -> int:
    return (d - _EXCEL_EPOCH).days


def check_capacity(data: dict[str, Any]) -> None:
    """Refuse, naming every part that does not fit, a scenario larger than the template."""
    procs = data.get("processes") or []
    precs = data.get("purchased_precursors") or []
    streams = [(p.get("id"), s) for p in procs for s in (p.get("source_streams") or [])]
    kinds = {"calc": [], "pfc": [], "measurement": []}
    for pid, s in streams:
        method = s.get("method")
        kind = "pfc" if method in m.PFC_METHOD else "measurement" if method == "measurement" else "calc"
        kinds[kind].append(f"{pid}: {s.get('name', '?')}")
    cats = list(dict.fromkeys(p.get("goods_category") for p in procs))
    checks = [
        ("processes", [p.get("id") for p in procs], m.MAX_PROCESSES),
        ("purchased_precursors", [p.get("id") for p in precs], m.MAX_PURCHASED_PRECURSORS),
        ("goods_categories", cats, m.MAX_GOODS_CATEGORIES),
        ("source_streams", kinds["calc"], m.MAX_SOURCE_STREAMS),
        ("pfc_source_streams", kinds["pfc"], m.MAX_PFC_STREAMS),
        ("measurement_source_streams", kinds["measurement"], m.MAX_MEASUREMENT_STREAMS),
    ]
    over = [(what, len(items), cap, ", ".join(str(i) for i in items[cap:])) for what, items, cap in checks if len(items) > cap]
    if over:
        raise CapacityExceeded(over)


def installation_details(data: dict[str, Any]) -> dict[str, Value]:
    """The "About the installation" cells beyond name and country, from what is stored: an approved period's
    frozen export details (installation; the organization's registry signatory as the authorised representative
    and its contact, where stored), else the scenario's own `installation` object (address, city, unlocode,
    latitude, longitude, economic_activity, and `contact`: name, email, telephone). Empty values stay empty."""
    details = data.get("export_details") if isinstance(data.get("export_details"), dict) else {}
    inst = {**(data.get("installation") or {}), **{k: v for k, v in (details.get("installation") or {}).items()
                                                   if v not in (None, "")}}
    org = details.get("organization") or {}
    contact = inst.get("contact") if isinstance(inst.get("contact"), dict) else {}
    values: dict[str, Any] = {
        m.INST_STREET: inst.get("address"), m.INST_ECONOMIC_ACTIVITY: inst.get("economic_activity"),
        m.INST_CITY: inst.get("city"), m.INST_UNLOCODE: inst.get("unlocode"),
        m.INST_LATITUDE: inst.get("latitude"), m.INST_LONGITUDE: inst.get("longitude"),
        m.INST_REPRESENTATIVE: org.get("signatory_name") or contact.get("name"),
        m.INST_EMAIL: org.get("contact_email") or contact.get("email"),
        m.INST_TELEPHONE: org.get("contact_phone") or contact.get("telephone"),
    }
    cells: dict[str, Value] = {}
    for ref, v in values.items():
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)):
            cells[ref] = float(v)
        elif str(v).strip():
            cells[ref] = str(v).strip()
    return cells


def _inst(sc: Scenario, data: dict[str, Any]) -> dict[str, Value]:
    countries = template_lists()["countries"]
    cells: dict[str, Value] = {
        m.INST_PERIOD_START: _serial(date(sc.reporting_year, 1, 1)),
        m.INST_PERIOD_END: _serial(date(sc.reporting_year, 12, 31)),
        m.INST_NAME: sc.installation_name,
        **installation_details(data),
    }
    if sc.installation_country:
        if sc.installation_country not in countries:
            raise ExchangeError("exchange.error.unknown_country", country=sc.installation_country)
        cells[m.INST_COUNTRY] = countries[sc.installation_country]
    routes: dict[str, list[str]] = {}
    for p in sc.processes:
        r = routes.setdefault(template_category(p.goods_category), [])
        if p.route and p.route not in r:
            r.append(p.route)
    for k, (cat, rs) in enumerate(routes.items()):
        row = m.GOODS_FIRST_ROW + k
        cells[f"{m.GOODS_CATEGORY_COL}{row}"] = cat
        for col, route in zip(m.GOODS_ROUTE_COLS, rs, strict=False):
            cells[f"{col}{row}"] = route
    for k, p in enumerate(sc.processes):
        row = m.PROCESS_FIRST_ROW + k
        cat = template_category(p.goods_category)
        cells[f"{m.PROCESS_CATEGORY_COL}{row}"] = cat
        cells[f"{m.PROCESS_INCLUDED_COL}{row}"] = cat
        cells[f"{m.PROCESS_NAME_COL}{row}"] = p.id
    for k, pp in enumerate(sc.purchased_precursors):
        row = m.PRECURSOR_FIRST_ROW + k
        cells[f"{m.PREC_CATEGORY_COL}{row}"] = template_category(pp.goods_category)
        cells[f"{m.PREC_COUNTRY_COL}{row}"] = pp.country
        # The template has no CN-code cell for a purchased precursor: the name carries it, "PP1 [CN 72011011]".
        cells[f"{m.PREC_NAME_COL}{row}"] = f"{pp.id} [CN {pp.cn_code}]" if pp.cn_code else pp.id
    return cells


def _process_block(k: int, p: Process, consumed_by: dict[int, float], dir_em: float) -> dict[str, Value]:
    c = m.process_cell
    h, w, e = p.heat, p.waste_gas, p.electricity
    cells: dict[str, Value] = {
        c(k, "L", m.D_PRODUCTION_ROUTE1): p.activity_level,
        c(k, "L", m.D_NON_CBAM): 0.0,
        c(k, "K", m.D_APPLICABLE): bool(h.imported_tj or h.exported_tj),
        c(k, "L", m.D_APPLICABLE): bool(w.imported_tj or w.exported_tj),
        c(k, "L", m.D_DIREM): dir_em,
        c(k, "L", m.D_HEAT_TJ): h.imported_tj, c(k, "M", m.D_HEAT_TJ): h.exported_tj,
        c(k, "L", m.D_HEAT_EF): h.imported_ef, c(k, "M", m.D_HEAT_EF): h.exported_ef,
        c(k, "L", m.D_WG_TJ): w.imported_tj, c(k, "M", m.D_WG_TJ): w.exported_tj,
        c(k, "L", m.D_EL_CONSUMED): e.consumed_mwh, c(k, "L", m.D_EL_EF): e.ef,
        c(k, "L", m.D_EL_EXPORTED): e.exported_mwh, c(k, "L", m.D_EL_EXPORTED_EF): e.exported_ef,
    }
    market = p.activity_level - sum(consumed_by.values())
    cells[c(k, "L", m.D_TO_MARKET)] = max(market, 0.0)
    for j, mass in consumed_by.items():
        cells[c(k, "L", m.consumer_row(k, j))] = mass
    return cells


def _stream_cells(sc: Scenario) -> dict[str, Value]:
    cells: dict[str, Value] = {}
    n = {"calc": 0, "pfc": 0, "measurement": 0}
    for p in sc.processes:
        for s in p.source_streams:
            method = s.get("method")
            name = f"[{p.id}] {s.get('name', '')}".rstrip()
            if method in m.PFC_METHOD:
                row, cols = m.PFC_FIRST_ROW + n["pfc"], m.PFC_COLS
                n["pfc"] += 1
                vals = {**s, "method": m.PFC_METHOD[method], "name": name}
                pct: tuple[str, ...] = ()
            elif method == "measurement":
                row, cols = m.MEASUREMENT_FIRST_ROW + n["measurement"], m.MEASUREMENT_COLS
                n["measurement"] += 1
                vals, pct = {**s, "name": name}, ("biomass_fraction",)
            else:
                row, cols = m.STREAM_FIRST_ROW + n["calc"], m.STREAM_COLS
                n["calc"] += 1
                vals, pct = {**s, "method": m.STREAM_METHOD[method], "name": name}, m.PERCENT_FIELDS
            for key, col in cols.items():
                v = vals.get(key)
                if v is None:
                    continue
                cells[f"{col}{row}"] = float(v) * 100.0 if key in pct else v
    return cells


def export_template(data: dict[str, Any]) -> bytes:
    """The communication template v2.1.1 filled from a scenario (the bytes of an .xlsx file). Refuses, naming the
    field, a scenario holding a number no cell should get (not finite, absurdly large or small)."""
    require_exportable(data)
    check_capacity(data if isinstance(data, dict) else {})
    sc, ref = load_for(data)
    consumed: dict[str, dict[int, float]] = {}
    for j, p in enumerate(sc.processes):
        for use in p.inputs:
            consumed.setdefault(use.source, {})
            consumed[use.source][j] = consumed[use.source].get(j, 0.0) + use.mass
    d_cells: dict[str, Value] = {}
    for k, p in enumerate(sc.processes):
        dir_em = attribute(p, ref.constants, f"processes[{k}]")[0]
        d_cells.update(_process_block(k, p, consumed.get(p.id, {}), dir_em))
    e_cells: dict[str, Value] = {}
    c = m.precursor_cell
    for k, pp in enumerate(sc.purchased_precursors):
        uses = consumed.get(pp.id, {})
        src = m.DATA_SOURCE[pp.data_source]
        e_cells.update({
            c(k, "L", m.E_PURCHASED_ROUTE1): sum(uses.values()), c(k, "L", m.E_OTHER_USE): 0.0,
            c(k, "L", m.E_SEE_DIRECT): pp.see_direct, c(k, "M", m.E_SEE_DIRECT): src,
            # The template splits SEE(indirect) into MWh/t × tCO2/MWh; the scenario holds the product, so the
            # factor is written as 1 and the specific consumption carries the value [T G183–G187].
            c(k, "L", m.E_EL_SPECIFIC): pp.see_indirect, c(k, "M", m.E_EL_SPECIFIC): src,
            c(k, "L", m.E_EL_EF): 1.0, c(k, "M", m.E_EL_EF): src,
        })
        for j, mass in uses.items():
            e_cells[c(k, "L", m.E_CONSUMED_FIRST + j)] = mass
    products: dict[str, Value] = {}
    for k, p in enumerate(sc.processes):
        row = m.PRODUCT_FIRST_ROW + k
        products[f"{m.PRODUCT_PROCESS_COL}{row}"] = p.id
        if p.cn_code:
            products[f"{m.PRODUCT_CN_COL}{row}"] = p.cn_code[:8]
        products[f"{m.PRODUCT_NAME_COL}{row}"] = p.id
    products.update(carbon_price_cells(sc, ref))  # Art. 9 carbon-price block (issue 13)
    # Installation-level indirect emissions: the electricity the production processes consumed times its factor
    # (the scenario holds no non-CBAM consumption).
    indirect = sum(p.electricity.consumed_mwh * p.electricity.ef for p in sc.processes)
    return write_package({
        m.SHEET_PART["A_InstData"]: _inst(sc, data),
        m.SHEET_PART["C_Emissions&Energy"]: {m.C_TOTAL_INDIRECT: indirect},
        m.SHEET_PART["B_EmInst"]: _stream_cells(sc),
        m.SHEET_PART["D_Processes"]: d_cells,
        m.SHEET_PART["E_PurchPrec"]: e_cells,
        m.SHEET_PART["Summary_Products"]: products,
    })
