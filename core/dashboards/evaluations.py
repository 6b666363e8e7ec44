"""The engine's results per reporting period, for the dashboards: one tonne of each good on each basis in each
quarter (a few evaluations per period, never one per shipment), cached.

The cache is shared by every user of the process, so its key always starts with the organization (an explicit
key, never an argument left out of a hash) and then names exactly what the numbers depend on: the period's id,
version and row version, its frozen snapshot's hash, a fingerprint of its data (`aggregates.data_stamps`), the
reference data in use and the lines asked for. When any of these moves, the entry is simply not found again.
Behind this process's cache the period results are kept in the database too (`core.dashboards.stored`, issue 18),
under a digest of the same key, so a new process (or another machine) reads them instead of computing them.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from core.cbam import CbamError, ForecastPoint, ReferenceData, evaluate, forecast, load_for, load_reference
from core.cbam.obligation import route_tag
from core.cbam.scenario import ImportLine
from core.context import Context
from core.dashboards.aggregates import PeriodRow
from core.dashboards.single_flight import one_at_a_time
from core.records import get_scoped
from core.reporting.common import APPROVED
from core.reporting.scenario import scenario_of, snapshot_of
from db.reporting_models import ReportingPeriod

MAX_ENTRIES = 20_000  # a consultant's 50 organizations × 20 periods × a few kinds fit comfortably


_ABSENT = object()  # a cached value may be None (the engine refused a forecast)


class ResultCache:
    """A bounded, thread-safe LRU map. Keys are tuples whose first element is the organization's id."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._data: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.hits = self.misses = 0

    def get(self, key: tuple, default: Any = None) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return default

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def get_or_compute(self, key: tuple, compute: Callable[[], Any]) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            value = compute()  # outside the lock: other keys stay readable meanwhile
            self.put(key, value)
        return value

    def keys(self) -> list[tuple]:
        with self._lock:
            return list(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


CACHE = ResultCache()

Line = tuple[str, str | None, str, int]  # (basis, process code or None, CN code, quarter)


@dataclass(frozen=True, slots=True)
class UnitResult:
    """One tonne of a good on one basis in one quarter."""

    see_basis: float | None  # tCO2e/t counted for CBAM
    certificates: float | None  # per tonne
    price_eur: Decimal | None  # None: no certificate price for the quarter yet
    error_key: str | None = None  # the engine refused this line (e.g. no default value)
    deduction: float | None = 0.0  # certificates per tonne taken off for the carbon price paid (Art. 9, issue 13)


@dataclass(frozen=True, slots=True)
class GoodSee:
    """A good the installation makes: its SEE against the country's default value and the benchmark."""

    process: str
    goods_category: str
    cn_code: str
    see_total: float  # tCO2e/t
    cbam_basis: float
    default_value: float | None  # country default with the year's mark-up, tCO2e/t
    benchmark: float | None  # Column B benchmark, tCO2e/t
    benchmark_source: str = ""


@dataclass(frozen=True, slots=True)
class PeriodEvaluation:
    year: int
    country: str
    error_key: str | None  # the engine refused the period's own data (e.g. incomplete processes)
    units: dict[Line, UnitResult] = field(default_factory=dict)
    goods: tuple[GoodSee, ...] = ()
    reference_versions: dict[str, str] = field(default_factory=dict)


_REF_STAMPS: dict[int, tuple[ReferenceData, str]] = {}  # id → (the object, kept alive so the id stays its own)


def reference_stamp(ref: ReferenceData | None = None) -> str:
    """What in the active reference data changes results: table versions, certificate prices, parameters.
    `load_reference` hands out a new object when its files change, so the digest is computed once per object."""
    ref = ref or load_reference()
    known = _REF_STAMPS.get(id(ref))
    if known is not None and known[0] is ref:
        return known[1]
    body = json.dumps([ref.versions, {k: str(v) for k, v in ref.certificate_prices.items()}, ref.parameters],
                      sort_keys=True, default=str)
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    if len(_REF_STAMPS) > 16:
        _REF_STAMPS.clear()
    _REF_STAMPS[id(ref)] = (ref, digest)
    return digest


def _ref_stamp(ctx: Context) -> str:
    """`reference_stamp()` once per session (one action): checking it costs a stat."""
    ref = ctx.session.info.get("dashboard_ref_stamp")
    if ref is None:
        ref = ctx.session.info["dashboard_ref_stamp"] = reference_stamp()
    return ref


def _kept(ctx: Context, key: tuple, slot: Callable[[], Any], compute: Callable[[], Any]) -> Any:
    """From this process's cache, else the database (`core.dashboards.stored`, kept by an earlier process or
    `cbam results warm`, at `slot()`), else computed and kept in both."""
    from core.dashboards import stored

    value = CACHE.get(key, stored.MISSING)
    if value is stored.MISSING:
        value = stored.fetch_or_compute(ctx, slot(), compute)
        CACHE.put(key, value)
    return value


def org_cached(ctx: Context, kind: str, extra: tuple, compute: Callable[[], Any], *, keep: Hashable = None) -> Any:
    """A whole dashboard result of the organization, reused while its data version (`aggregates.org_stamp`, one
    cheap query) and the reference data stay the same. `keep` (not None): the result is kept in the database too
    (`core.dashboards.stored`), in one row per organization, kind and `keep`. One computation at a time per
    organization (`single_flight`): many people opening the same client's dashboards compute it once."""
    from core.dashboards import stored
    from core.dashboards.aggregates import org_stamp

    memo = ctx.session.info.setdefault("dashboard_org_stamp", {})  # once per session (one action) and organization
    if ctx.tenant not in memo:
        memo[ctx.tenant] = (org_stamp(ctx), _ref_stamp(ctx))
    key = (ctx.tenant, kind, *memo[ctx.tenant], *extra)
    with one_at_a_time(ctx.tenant):
        if keep is None:
            return CACHE.get_or_compute(key, compute)
        return _kept(ctx, key, lambda: stored.org_slot(key, keep), compute)


def period_key(ctx: Context, period: PeriodRow, stamp: Hashable, kind: str, *extra: Hashable) -> tuple:
    return (ctx.tenant, kind, period.id, period.version_no, period.version, period.snapshot_hash, stamp,
            _ref_stamp(ctx), *extra)


def period_cached(ctx: Context, key: tuple, n_extra: int, compute: Callable[[], Any]) -> Any:
    """A period's result through `_kept`. `key` is a `period_key` whose last `n_extra` parts are the lines asked
    for."""
    from core.dashboards import stored

    return _kept(ctx, key, lambda: stored.slot_of(key, n_extra), compute)


def _scenario(ctx: Context, period: PeriodRow) -> dict[str, Any]:
    row = get_scoped(ctx, ReportingPeriod, period.id)  # a refusal (not an assert, gone under -O)
    if row.status == APPROVED:
        return json.loads(snapshot_of(ctx, row).content)
    return scenario_of(ctx, row, with_imports=False)


def _lines(lines: list[ImportLine], country: str) -> list[ImportLine]:
    return [replace(x, country=country) for x in lines]


def _compute(ctx: Context, period: PeriodRow, lines: frozenset[Line]) -> PeriodEvaluation:
    data = _scenario(ctx, period)
    data = dict(data, imports=[])
    try:
        scenario, ref = load_for(data)
    except CbamError as e:
        return PeriodEvaluation(period.year, str(data.get("installation", {}).get("country", "")), e.key)
    country = scenario.installation_country
    goods_lines = {("default", None, p.cn_code, 1) for p in scenario.processes if p.cn_code}
    wanted = set(lines) | goods_lines
    # an actual line's counterfactual: the same tonne on the country's default value
    wanted |= {("default", None, cn, q) for basis, _p, cn, q in lines if basis == "actual"}
    actual = sorted(x for x in wanted if x[0] == "actual")
    default = sorted(x for x in wanted if x[0] == "default")
    units: dict[Line, UnitResult] = {}
    # electricity on actual data needs a PPA (Reg. (EU) 2023/956 Annex IV point 5) that shipments do not carry:
    # that line alone is refused, not the period's other goods
    power = [x for x in actual if ref.category_of(x[2]) == "Electricity (export to EU)"]
    units.update({x: UnitResult(None, None, None, "cbam.error.ppa_missing") for x in power})
    actual = [x for x in actual if x not in power]
    try:
        ev = evaluate(replace(scenario, imports=tuple(ImportLine("actual", p, cn, country, 1.0, q)
                                                      for _b, p, cn, q in actual)), ref)
    except CbamError as e:
        return PeriodEvaluation(period.year, country, e.key)
    for line, r in zip(actual, ev.imports, strict=True):
        units[line] = UnitResult(r.see_basis, r.certificates, r.price_eur,
                                 deduction=r.carbon_price.certificates if r.carbon_price else 0.0)
    units.update(_default_units(scenario, ref, default, country))
    goods = []
    bm_period = ref.benchmark_period(scenario.reporting_year)
    for p in scenario.processes:
        if not p.cn_code:
            continue
        res = ev.processes[p.id]
        d = units.get(("default", None, p.cn_code, 1))
        bm = ref.benchmarks.column_b(p.cn_code, route_tag(p, ref, scenario), bm_period)
        goods.append(GoodSee(p.id, p.goods_category, p.cn_code, res.see_total, res.cbam_basis,
                             d.see_basis if d else None, bm.value if bm else None, bm.source if bm else ""))
    return PeriodEvaluation(period.year, country, None, units, tuple(goods), dict(ev.reference_versions))


def _default_units(scenario, ref, lines: list[Line], country: str) -> dict[Line, UnitResult]:
    """Default-value lines in one evaluation; if the engine refuses one, each on its own (to name which)."""
    if not lines:
        return {}
    imports = tuple(ImportLine("default", None, cn, country, 1.0, q) for _b, _p, cn, q in lines)
    try:
        ev = evaluate(replace(scenario, imports=imports), ref)
        return {x: UnitResult(r.see_basis, r.certificates, r.price_eur) for x, r in zip(lines, ev.imports, strict=True)}
    except CbamError:
        pass
    out = {}
    for x, imp in zip(lines, imports, strict=True):
        try:
            r = evaluate(replace(scenario, imports=(imp,)), ref).imports[0]
            out[x] = UnitResult(r.see_basis, r.certificates, r.price_eur)
        except CbamError as e:
            out[x] = UnitResult(None, None, None, e.key)
    return out


def period_evaluation(ctx: Context, period: PeriodRow, stamp: Hashable, lines: frozenset[Line]) -> PeriodEvaluation:
    """The period's unit results for `lines` (plus its goods), from the cache when nothing changed."""
    key = period_key(ctx, period, stamp, "units", lines)
    return period_cached(ctx, key, 1, lambda: _compute(ctx, period, lines))


def period_forecast(ctx: Context, period: PeriodRow, stamp: Hashable,
                    quantities: tuple[tuple[Line, float], ...]) -> list[ForecastPoint] | None:
    """The engine's 2026–2034 forecast of these quantities at EUR 1 per certificate (so a price path only
    multiplies): certificates and CBAM factor per year. None when the engine refuses the period's data."""
    key = period_key(ctx, period, stamp, "forecast", quantities)

    def compute() -> list[ForecastPoint] | None:
        data = dict(_scenario(ctx, period), imports=[])
        try:
            scenario, ref = load_for(data)
            country = scenario.installation_country
            imports = tuple(ImportLine(b, p, cn, country, qty, q) for (b, p, cn, q), qty in quantities)
            from core.cbam.forecast import FORECAST_YEARS

            # before the Art. 9 deduction (issue 13): its certificates depend on the price (EUR paid / price), so
            # they do not scale from EUR 1, and a carbon price paid abroad in later years is not known
            return forecast(replace(scenario, imports=imports, carbon_prices=()), ref,
                            {"unit": {y: 1 for y in FORECAST_YEARS}})
        except CbamError:
            return None

    return period_cached(ctx, key, 1, compute)


def period_findings_counts(ctx: Context, period: PeriodRow, stamp: Hashable,
                           customers: Hashable) -> tuple[int, int]:
    """(blocking, warning) data-quality findings of the period (`core.reporting.quality`), cached like results."""
    from core.dashboards.findings import findings_of

    key = period_key(ctx, period, stamp, "findings", customers)

    def compute() -> tuple[int, int]:
        try:
            found = findings_of(ctx, period.id)
        except CbamError:
            return (1, 0)
        return (sum(f.severity == "blocking" for f in found), sum(f.severity != "blocking" for f in found))

    return period_cached(ctx, key, 1, compute)
