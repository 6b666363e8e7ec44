"""The emissions dashboard: embedded emissions by installation, good and quarter; SEE against the country default
and the benchmark; the share priced on default values; data completeness and open findings per period."""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from core.access import Permission
from core.cbam.obligation import ELECTRICITY
from core.context import Context
from core.dashboards import aggregates as agg
from core.dashboards.evaluations import org_cached, period_findings_counts
from core.dashboards.filters import Filters
from core.dashboards.results import Selection, customer_stamp, select_results
from core.reporting.common import category_key, reference


@dataclass(frozen=True)
class Table:
    """Chart data: column message keys and plain rows (the page translates the headers and offers a CSV)."""

    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    keyed: tuple[str, ...] = ()  # columns whose cells are message keys to translate


# The SEE chart compares like with like: the installation's SEE as certificates count it (direct only for iron and
# steel, aluminium and hydrogen, Regulation (EU) 2023/956 Annex II; direct and indirect for cement and fertilisers)
# against the country default as CBAM prices it (its counted emissions with the year's mark-up) and the benchmark.
SEE_CHART = ("dash.col.cbam_basis", "dash.col.default_value", "dash.col.benchmark")


def _category(name: str | None) -> str:
    """A goods category as the message key of its name: the page shows it in the reader's language."""
    return category_key(name) if name else ""


@dataclass(frozen=True)
class FilterOptions:
    installations: dict[uuid.UUID, str]
    years: list[int]
    customers: dict[uuid.UUID, str]
    goods: list[str]


@dataclass(frozen=True)
class EmissionsDashboard:
    options: FilterOptions
    quantity_t: float
    embedded_emissions: float  # tCO2e
    default_share: float | None  # share of the tonnes priced on default values
    unpriced_t: float  # tonnes the engine could not price (incomplete data)
    by_installation: Table
    by_good: Table
    see: Table
    default_share_by_period: Table
    completeness: Table
    electricity_mwh: float = 0.0  # electricity shipped (CN 2716 00 00): MWh, kept out of the tonnes above


def filter_options(ctx: Context) -> FilterOptions:
    ctx.require(Permission.DATA_VIEW)
    return org_cached(ctx, "options", (), lambda: _options(ctx))


def _options(ctx: Context) -> FilterOptions:
    periods = agg.latest_periods(ctx)
    return FilterOptions({k: v[0] for k, v in agg.installation_names(ctx).items()}, agg.period_years(ctx),
                         agg.customer_names(ctx), agg.goods_in_use(ctx, [p.id for p in periods]))


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def emissions_dashboard(ctx: Context, *, filters: Filters | None = None) -> EmissionsDashboard:
    ctx.require(Permission.DATA_VIEW)
    flt = filters or Filters()
    return org_cached(ctx, "emissions", (flt,), lambda: _emissions(ctx, flt))


def _emissions(ctx: Context, filters: Filters) -> EmissionsDashboard:
    sel = select_results(ctx, filters, by_customer=False)
    ref = reference()
    names = sel.installations
    by_inst: dict[tuple, float] = defaultdict(float)
    by_good: dict[tuple, float] = defaultdict(float)
    qty = ee = dflt = unpriced = mwh = 0.0
    per_period: dict[uuid.UUID, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for g in sel.groups:
        if ref.category_of(g.cn_code) == ELECTRICITY:  # MWh, not tonnes: its own total, its emissions counted
            mwh += g.quantity
        else:
            qty += g.quantity
            per_period[g.period_id][g.basis == "default"] += g.quantity
            if g.basis == "default":
                dflt += g.quantity
            if g.embedded_emissions is None:
                unpriced += g.quantity
        if g.embedded_emissions is None:
            continue
        ee += g.embedded_emissions
        by_inst[(names.get(g.installation_id, ("", ""))[0], quarter_label(g.year, g.quarter))] += g.embedded_emissions
        by_good[(g.cn_code, _category(ref.category_of(g.cn_code)), quarter_label(g.year, g.quarter))] += g.embedded_emissions
    see_rows = []  # the table keeps the actual SEE too; the chart compares SEE_CHART (what certificates count)
    for p in sel.periods:
        for good in sel.evaluations[p.id].goods:
            see_rows.append((names.get(p.installation_id, ("", ""))[0], p.year, good.cn_code, _category(good.goods_category),
                             good.see_total, good.cbam_basis, good.default_value, good.benchmark))
    share_rows = []
    for p in sel.periods:
        actual, default = per_period.get(p.id, [0.0, 0.0])
        total = actual + default
        share_rows.append((names.get(p.installation_id, ("", ""))[0], p.year, actual, default,
                           default / total if total else None))
    return EmissionsDashboard(
        _options(ctx), qty, ee, (dflt / qty) if qty else None, unpriced,
        Table(("dash.col.installation", "dash.col.quarter", "dash.col.embedded_emissions"),
              sorted((k[0], k[1], v) for k, v in by_inst.items())),
        Table(("dash.col.cn_code", "dash.col.goods_category", "dash.col.quarter", "dash.col.embedded_emissions"),
              sorted((k[0], k[1], k[2], v) for k, v in by_good.items()), keyed=("dash.col.goods_category",)),
        Table(("dash.col.installation", "dash.col.year", "dash.col.cn_code", "dash.col.goods_category",
               "dash.col.see_total", "dash.col.cbam_basis", "dash.col.default_value", "dash.col.benchmark"),
              see_rows, keyed=("dash.col.goods_category",)),
        Table(("dash.col.installation", "dash.col.year", "dash.col.actual_t", "dash.col.default_t",
               "dash.col.default_share"), share_rows),
        completeness_table(ctx, sel), mwh,
    )


def completeness_table(ctx: Context, sel: Selection) -> Table:
    """Per period: workflow status, processes and shipments entered, whether the engine can evaluate it, open
    data-quality findings (blocking, warnings) and unresolved review comments."""
    ids = [p.id for p in sel.periods]
    comments = agg.open_comments(ctx, ids)
    customers = customer_stamp(ctx)
    rows = []
    for p in sel.periods:
        stamp = dict((k, n) for k, n, _at in sel.stamps.get(p.id, ()))
        ev = sel.evaluations[p.id]
        blocking, warnings = period_findings_counts(ctx, p, sel.stamps.get(p.id, ()), customers)
        rows.append((sel.installations.get(p.installation_id, ("", ""))[0], p.year, p.version_no,
                     f"reporting.status.{p.status}", stamp.get("process", 0), stamp.get("shipment", 0),
                     "dash.engine_incomplete" if ev.error_key else "dash.engine_ok", blocking, warnings, comments.get(p.id, 0)))
    return Table(("dash.col.installation", "dash.col.year", "dash.col.version", "dash.col.status",
                  "dash.col.processes", "dash.col.shipments", "dash.col.engine", "dash.col.blocking",
                  "dash.col.warnings", "dash.col.open_comments"), rows,
                 keyed=("dash.col.status", "dash.col.engine"))


# The unit of each figure column of the dashboards' tables (core.numbers.display rounds what is shown by it).
COLUMN_UNITS = {
    "dash.col.actual_t": "t", "dash.col.default_t": "t", "dash.col.quantity": "t",
    "dash.col.embedded_emissions": "tco2e", "dash.col.certificates": "tco2e",
    "dash.col.unpriced_certificates": "tco2e", "annual.col.counted_t": "t",
    "dash.col.cost_eur": "eur", "dash.col.cost_actual_eur": "eur", "dash.col.cost_default_eur": "eur",
    "dash.col.saving_eur": "eur", "dash.col.price_eur": "eur",
    "dash.col.see_total": "tco2e_per_t", "dash.col.cbam_basis": "tco2e_per_t", "dash.col.default_value": "tco2e_per_t",
    "dash.col.benchmark": "tco2e_per_t",
    "dash.col.shipments": "count", "dash.col.processes": "count", "dash.col.blocking": "count",
    "dash.col.warnings": "count", "dash.col.open_comments": "count",
}
