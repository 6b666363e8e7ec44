"""The `cbam-scenario/1` interchange format: parsing and validation into plain dataclasses.

Every refusal is a `ScenarioError` whose `path` names the field (`processes[1].activity_level`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.cbam.carbon_price import parse_carbon_prices
from core.cbam.errors import ScenarioError
from core.cbam.ppa import Ppa, parse_ppa
from core.cbam.reference import ReferenceData
from core.cbam.validate import choice, integer, lst, num, obj, text

FORMAT = "cbam-scenario/1"
CN_PATTERN = re.compile(r"[0-9]{8}(?:[0-9]{2})?")  # 8-digit CN or 10-digit TARIC (fullmatch)


@dataclass(slots=True)
class Heat:
    imported_tj: float = 0.0
    imported_ef: float = 0.0
    exported_tj: float = 0.0
    exported_ef: float = 0.0


@dataclass(slots=True)
class WasteGas:
    imported_tj: float = 0.0
    exported_tj: float = 0.0


@dataclass(slots=True)
class Electricity:
    consumed_mwh: float = 0.0
    ef: float = 0.0
    exported_mwh: float = 0.0
    exported_ef: float = 0.0


@dataclass(slots=True)
class InputUse:
    source: str  # process id or purchased precursor id
    mass: float  # t consumed


@dataclass(slots=True)
class Process:
    id: str
    goods_category: str
    route: str | None
    cn_code: str | None
    activity_level: float
    direct_emissions: float | None
    source_streams: tuple[dict[str, Any], ...]
    heat: Heat
    waste_gas: WasteGas
    electricity: Electricity
    inputs: tuple[InputUse, ...]
    benchmark_route: str | None = None  # route tag (A)–(L) when the route name does not settle it
    qualifying_parameters: dict[str, Any] = field(default_factory=dict)  # e.g. "t scrap per t steel" (EAF route)


@dataclass(slots=True)
class PurchasedPrecursor:
    id: str
    goods_category: str
    cn_code: str
    country: str
    see_direct: float
    see_indirect: float
    data_source: str  # "actual" | "default"
    benchmark_route: str | None = None  # route tag (C)/(D)/(E), (K)/(L)…: its Column B depends on it


@dataclass(slots=True)
class ImportLine:
    basis: str  # "actual" | "default"
    process: str | None
    cn_code: str
    country: str
    quantity: float
    quarter: int
    variant: str | None = None  # e.g. "Grey clinker" where a default-value code has several rows
    ppa: Ppa | None = None  # electricity on actual values: the Annex IV point 5 conditions (core/cbam/ppa.py)


@dataclass(slots=True)
class Parameters:
    cscf: float | None = None
    certificate_price_eur: Decimal | None = None
    benchmarks: dict[str, dict[str, float]] = field(default_factory=dict)
    ammonia_indirect_counts: bool | None = None
    default_values_version: str | None = None
    benchmarks_version: str | None = None


@dataclass(slots=True)
class Scenario:
    name: str
    reporting_year: int
    installation_name: str
    installation_country: str
    processes: tuple[Process, ...]
    purchased_precursors: tuple[PurchasedPrecursor, ...]
    imports: tuple[ImportLine, ...]
    parameters: Parameters
    source: str = ""
    carbon_prices: tuple = ()  # core.cbam.carbon_price.CarbonPrice, Art. 9 (additive field `carbon_prices`)


def parse_parameters(data: Any, path: str = "parameters") -> Parameters:
    p = obj(data if data is not None else {}, path)
    bms: dict[str, dict[str, float]] = {}
    for cn, cols in obj(p.get("benchmarks") or {}, f"{path}.benchmarks").items():
        bp = f"{path}.benchmarks.{cn}"
        if not CN_PATTERN.fullmatch(cn):
            raise ScenarioError("cbam.error.cn_code_malformed", bp, cn_code=cn)
        cols = obj(cols, bp)
        bms[cn] = {k: num(cols, k, bp, nonneg=True) for k in ("column_a", "column_b") if cols.get(k) is not None}
    price = None
    if p.get("certificate_price_eur") is not None:
        price = Decimal(repr(num(p, "certificate_price_eur", path, nonneg=True)))
    amm = p.get("ammonia_indirect_counts")
    if amm is not None and not isinstance(amm, bool):
        raise ScenarioError("cbam.error.not_a_boolean", f"{path}.ammonia_indirect_counts", value=str(amm))
    return Parameters(
        cscf=num(p, "cscf", path, nonneg=True) if p.get("cscf") is not None else None,
        certificate_price_eur=price, benchmarks=bms, ammonia_indirect_counts=amm,
        default_values_version=text(p, "default_values_version", path, default=None),
        benchmarks_version=text(p, "benchmarks_version", path, default=None),
    )


class _Checker:
    def __init__(self, ref: ReferenceData) -> None:
        self.ref = ref

    def cn(self, d: dict[str, Any], key: str, path: str, *, default: Any = ...) -> str | None:
        v = d.get(key)
        if v is None:
            if default is ...:
                raise ScenarioError("cbam.error.field_missing", f"{path}.{key}")
            return default
        if not isinstance(v, str):
            raise ScenarioError("cbam.error.not_a_string", f"{path}.{key}", value=str(v)[:40])
        code = v.replace(" ", "")
        if not CN_PATTERN.fullmatch(code):
            raise ScenarioError("cbam.error.cn_code_malformed", f"{path}.{key}", cn_code=v)
        if not self.ref.is_known_cn(code):
            raise ScenarioError("cbam.error.unknown_cn_code", f"{path}.{key}", cn_code=v)
        return code

    def country(self, d: dict[str, Any], key: str, path: str, *, default: Any = ...) -> str:
        v = d.get(key)
        if v is None and default is not ...:
            return default
        c = text(d, key, path).upper()
        if c not in self.ref.iso_to_name:
            raise ScenarioError("cbam.error.unknown_country", f"{path}.{key}", country=str(v))
        return c

    def category(self, d: dict[str, Any], key: str, path: str) -> str:
        name = text(d, key, path)
        canon = self.ref.canonical_category(name)
        if canon is None:
            raise ScenarioError("cbam.error.unknown_goods_category", f"{path}.{key}", value=name)
        return canon


def _factor(d: dict[str, Any], amount: str, factor: str, path: str) -> float:
    """The emission factor of an amount of heat or electricity. Empty is not zero: an amount above zero without
    its factor is refused (data-quality rules DQ07 / DQ09 name the field first), never priced at 0."""
    if d.get(factor) is None and num(d, amount, path, default=0.0, nonneg=True) > 0:
        raise ScenarioError("cbam.error.factor_missing", f"{path}.{factor}", amount=amount)
    return num(d, factor, path, default=0.0, nonneg=True)


def _heat(d: Any, path: str) -> Heat:
    h = obj(d or {}, path)
    return Heat(num(h, "imported_TJ", path, default=0.0, nonneg=True), _factor(h, "imported_TJ", "imported_ef", path),
                num(h, "exported_TJ", path, default=0.0, nonneg=True), _factor(h, "exported_TJ", "exported_ef", path))


def _wg(d: Any, path: str) -> WasteGas:
    w = obj(d or {}, path)
    return WasteGas(*(num(w, k, path, default=0.0, nonneg=True) for k in ("imported_TJ", "exported_TJ")))


def _el(d: Any, path: str) -> Electricity:
    e = obj(d or {}, path)
    return Electricity(num(e, "consumed_MWh", path, default=0.0, nonneg=True), _factor(e, "consumed_MWh", "ef", path),
                       num(e, "exported_MWh", path, default=0.0, nonneg=True),
                       _factor(e, "exported_MWh", "exported_ef", path))


def _bm_route(d: dict[str, Any], path: str) -> str | None:
    """A benchmark route tag, (A)–(L) of Impl. Reg. (EU) 2025/2620 Annex (domain ref §3.2)."""
    bm_route = text(d, "benchmark_route", path, default=None)
    if bm_route is not None and not re.fullmatch(r"[A-L]", bm_route):
        raise ScenarioError("cbam.error.invalid_choice", f"{path}.benchmark_route", value=bm_route, allowed="A–L")
    return bm_route


ELECTRICITY = "Electricity (export to EU)"


def _electricity_line(im: dict[str, Any], ref: ReferenceData) -> bool:
    cn = im.get("cn_code")
    return isinstance(cn, str) and ref.category_of(cn.replace(" ", "")) == ELECTRICITY


def _electricity_import(im: dict[str, Any], path: str, basis: str, chk: _Checker, inst_country: str,
                        proc_ids: set[str]) -> ImportLine:
    """An electricity import line (CN 2716 00 00): quantity in MWh. On actual values it needs no process but a
    `ppa` meeting Reg. (EU) 2023/956 Annex IV point 5; a `ppa` with basis "default" is refused, not ignored."""
    cn = chk.cn(im, "cn_code", path) or ""
    quantity = num(im, "quantity", path, nonneg=True)
    proc = text(im, "process", path, default=None)
    if proc is not None and proc not in proc_ids:
        raise ScenarioError("cbam.error.unknown_process", f"{path}.process", ref=proc)
    ppa = None
    if basis == "actual":
        ppa = parse_ppa(im.get("ppa"), f"{path}.ppa", quantity)
    elif im.get("ppa") is not None:
        raise ScenarioError("cbam.error.ppa_with_default", f"{path}.ppa")
    return ImportLine(basis=basis, process=proc, cn_code=cn, country=chk.country(im, "country", path, default=inst_country),
                      quantity=quantity, quarter=integer(im, "quarter", path, 1, 4, default=1), ppa=ppa)


def parse_scenario(data: Any, ref: ReferenceData) -> Scenario:
    """Validate a `cbam-scenario/1` object against the reference data; returns the typed scenario."""
    d = obj(data, "")
    fmt_ = text(d, "format", "")
    if fmt_ != FORMAT:
        raise ScenarioError("cbam.error.unknown_format", "format", value=fmt_, expected=FORMAT)
    chk = _Checker(ref)
    year = integer(d, "reporting_year", "", 2023, 2100)
    inst = obj(d.get("installation") or {}, "installation")
    inst_country = chk.country(inst, "country", "installation")
    ids: set[str] = set()

    def new_id(item: dict[str, Any], path: str) -> str:
        i = text(item, "id", path)
        if i in ids:
            raise ScenarioError("cbam.error.duplicate_id", f"{path}.id", id=i)
        ids.add(i)
        return i

    processes: list[Process] = []
    raw_procs = lst(d.get("processes", []), "processes")
    for n, raw in enumerate(raw_procs):
        path = f"processes[{n}]"
        p = obj(raw, path)
        pid = new_id(p, path)
        streams = tuple(lst(p.get("source_streams") or [], f"{path}.source_streams"))
        if p.get("direct_emissions") is None:
            if "source_streams" not in p:
                raise ScenarioError("cbam.error.field_missing", f"{path}.direct_emissions")
            direct = None
        else:
            if streams:
                raise ScenarioError("cbam.error.direct_emissions_ambiguous", f"{path}.direct_emissions")
            direct = num(p, "direct_emissions", path)
        inputs = []
        for k, u in enumerate(lst(p.get("inputs") or [], f"{path}.inputs")):
            ip = f"{path}.inputs[{k}]"
            u = obj(u, ip)
            inputs.append(InputUse(text(u, "from", ip), num(u, "mass", ip, nonneg=True)))
        bm_route = _bm_route(p, path)
        processes.append(Process(
            id=pid, goods_category=chk.category(p, "goods_category", path),
            route=text(p, "route", path, default=None), cn_code=chk.cn(p, "cn_code", path, default=None),
            activity_level=num(p, "activity_level", path, positive=True), direct_emissions=direct,
            source_streams=streams, heat=_heat(p.get("heat"), f"{path}.heat"),
            waste_gas=_wg(p.get("waste_gas"), f"{path}.waste_gas"),
            electricity=_el(p.get("electricity"), f"{path}.electricity"), inputs=tuple(inputs),
            benchmark_route=bm_route,
            qualifying_parameters=dict(obj(p.get("qualifying_parameters") or {}, f"{path}.qualifying_parameters")),
        ))
    precursors: list[PurchasedPrecursor] = []
    for n, raw in enumerate(lst(d.get("purchased_precursors", []), "purchased_precursors")):
        path = f"purchased_precursors[{n}]"
        pp = obj(raw, path)
        precursors.append(PurchasedPrecursor(
            id=new_id(pp, path), goods_category=chk.category(pp, "goods_category", path),
            cn_code=chk.cn(pp, "cn_code", path) or "", country=chk.country(pp, "country", path),
            see_direct=num(pp, "see_direct", path, nonneg=True), see_indirect=num(pp, "see_indirect", path, default=0.0, nonneg=True),
            data_source=choice(pp, "data_source", path, ("actual", "default"), default="default"),
            benchmark_route=_bm_route(pp, path),
        ))
    proc_ids = {p.id for p in processes}
    proc_index = {p.id: n for n, p in enumerate(processes)}
    for n, p in enumerate(processes):
        for k, u in enumerate(p.inputs):
            if u.source not in ids:
                raise ScenarioError("cbam.error.unknown_input", f"processes[{n}].inputs[{k}].from", ref=u.source)
    imports: list[ImportLine] = []
    for n, raw in enumerate(lst(d.get("imports", []), "imports")):
        path = f"imports[{n}]"
        im = obj(raw, path)
        basis = choice(im, "basis", path, ("actual", "default"))
        proc = None
        if _electricity_line(im, ref):
            imports.append(_electricity_import(im, path, basis, chk, inst_country, proc_ids))
            continue
        if im.get("ppa") is not None:
            raise ScenarioError("cbam.error.ppa_not_electricity", f"{path}.ppa")
        if basis == "actual":
            proc = text(im, "process", path)
            if proc not in proc_ids:
                raise ScenarioError("cbam.error.unknown_process", f"{path}.process", ref=proc)
            own = processes[proc_index[proc]]
            cn = chk.cn(im, "cn_code", path, default=own.cn_code)
            if cn is None:
                raise ScenarioError("cbam.error.field_missing", f"{path}.cn_code")
        else:
            cn = chk.cn(im, "cn_code", path)
        imports.append(ImportLine(
            basis=basis, process=proc, cn_code=cn or "", country=chk.country(im, "country", path, default=inst_country),
            quantity=num(im, "quantity", path, nonneg=True), quarter=integer(im, "quarter", path, 1, 4, default=1),
            variant=text(im, "variant", path, default=None),
        ))
    return Scenario(
        name=str(d.get("name") or ""), reporting_year=year,
        installation_name=str(inst.get("name") or ""), installation_country=inst_country,
        processes=tuple(processes), purchased_precursors=tuple(precursors), imports=tuple(imports),
        parameters=parse_parameters(d.get("parameters")), source=str(d.get("source") or ""),
        carbon_prices=parse_carbon_prices(d, proc_ids),
    )
