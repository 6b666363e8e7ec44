"""The costs dashboard: certificates and cost by customer, good and quarter; the 2026–2034 forecast under EUA
price paths with the CBAM factor phase-out; what actual data saves against default values."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from core.access import Permission
from core.cbam.forecast import FORECAST_YEARS
from core.context import Context
from core.dashboards.emissions import FilterOptions, Table, _category, _options, quarter_label
from core.dashboards.evaluations import org_cached, period_forecast
from core.dashboards.filters import Filters
from core.dashboards.results import engine_stamp, select_results
from core.errors import ValidationFailed
from core.i18n import Term
from core.numbers import PRICE_EUR, number_error
from core.reporting.common import reference

PATHS = ("low", "base", "high")
# Illustrative EUA price paths (EUR per certificate), editable on the page: an assumption, not a forecast. Each
# starts from the first published CBAM certificate price, Q1 2026 EUR 75.36 (Reg. (EU) 2023/956 Art. 21(1a),
# domain reference §3.1), and changes by a fixed rate a year: low −3 %, base +5 %, high +10 %.
_START = 75.36
DEFAULT_PRICE_PATHS: dict[str, dict[int, float]] = {
    name: {y: round(_START * (1 + rate) ** (y - 2026), 2) for y in FORECAST_YEARS}
    for name, rate in (("low", -0.03), ("base", 0.05), ("high", 0.10))
}

# Directive 2003/87/EC Art. 10a(1a), the CBAM factor (the engine's parameters.json names the same source)
CBAM_FACTOR_SOURCE = Term("dash.source.cbam_factor")


@dataclass(frozen=True)
class CostsDashboard:
    options: FilterOptions
    certificates: float
    cost_eur: Decimal  # at published certificate prices
    unpriced_certificates: float  # certificates of quarters without a published price yet
    by_customer: Table
    by_good: Table
    by_quarter: Table
    forecast: Table
    cbam_factor_source: Term  # a catalog key: the legal source in the person's language
    savings: Table
    saving_eur: Decimal
    # goods (CN codes) whose certificates the engine could not compute, e.g. a benchmark is missing: while any is
    # listed, the totals above are incomplete and the page says so instead of showing a smaller number
    incomplete: tuple[str, ...] = ()
    # the carbon price paid in the country of production (Art. 9, issue 13): certificates and EUR it takes off the
    # totals above (which are after it); zero without an entry
    deduction_certificates: float = 0.0
    deduction_eur: Decimal = Decimal(0)


def check_price_paths(paths: dict[str, dict[int, float | str]]) -> dict[str, dict[int, Decimal]]:
    """Every price of every path, parsed strictly (text as typed, or numbers): a value that is not a price of zero
    or more with at most two decimals, or is absurdly large, is refused in its cell, never altered."""
    errors = {}
    out: dict[str, dict[int, Decimal]] = {}
    for name in PATHS:
        out[name] = {}
        for y in FORECAST_YEARS:
            value = (paths.get(name) or {}).get(y)
            number, err = number_error(value, PRICE_EUR, required=True)
            if err is not None:
                errors[f"{name}.{y}"] = (err[0], {**err[1], "path": name, "year": y})
                out[name][y] = Decimal("NaN")
                continue
            out[name][y] = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(number))
    if errors:
        raise ValidationFailed(errors)
    return out


def costs_dashboard(ctx: Context, *, filters: Filters | None = None,
                    price_paths: dict[str, dict[int, float]] | None = None) -> CostsDashboard:
    ctx.require(Permission.DATA_VIEW)
    paths = check_price_paths(price_paths or DEFAULT_PRICE_PATHS)
    flt = filters or Filters()
    key = tuple((name, tuple(sorted(path.items()))) for name, path in sorted(paths.items()))
    return org_cached(ctx, "costs", (flt, key), lambda: _costs(ctx, flt, paths))


def _costs(ctx: Context, filters: Filters, paths: dict[str, dict[int, Decimal]]) -> CostsDashboard:
    sel = select_results(ctx, filters)
    ref = reference()
    by_customer: dict[str, list] = defaultdict(lambda: [0.0, Decimal(0)])
    by_good: dict[tuple, list] = defaultdict(lambda: [0.0, Decimal(0)])
    by_quarter: dict[str, list] = defaultdict(lambda: [0.0, Decimal(0), 0.0])
    savings: dict[tuple, list] = defaultdict(lambda: [0.0, Decimal(0), Decimal(0)])
    certs = unpriced = 0.0
    cost = Decimal(0)
    quantities: dict = defaultdict(lambda: defaultdict(float))
    incomplete: set[str] = set()
    for g in sel.groups:
        if g.certificates is None:
            incomplete.add(g.cn_code)
            continue
        certs += g.certificates
        c = g.cost_eur or Decimal(0)
        cost += c
        if g.cost_eur is None:
            unpriced += g.certificates
        cat = _category(ref.category_of(g.cn_code))
        by_customer[sel.customers.get(g.customer_id, "")][0] += g.certificates
        by_customer[sel.customers.get(g.customer_id, "")][1] += c
        by_good[(g.cn_code, cat)][0] += g.certificates
        by_good[(g.cn_code, cat)][1] += c
        q = by_quarter[quarter_label(g.year, g.quarter)]
        q[0] += g.certificates
        q[1] += c
        if g.cost_eur is None:
            q[2] += g.certificates
        if g.basis == "actual" and g.cost_eur is not None and g.default_cost_eur is not None:
            s = savings[(g.cn_code, cat)]
            s[0] += g.quantity
            s[1] += g.cost_eur
            s[2] += g.default_cost_eur
    deduction, deduction_eur = _deductions(sel.groups)
    for g in sel.groups:
        quantities[g.period_id][(g.basis, g.process, g.cn_code, g.quarter)] += g.quantity
    forecast_rows = _forecast(ctx, sel, quantities, paths)
    saving_rows = [(cn, cat, t, a, d, d - a) for (cn, cat), (t, a, d) in sorted(savings.items())]
    return CostsDashboard(
        _options(ctx), certs, cost, unpriced,
        Table(("dash.col.customer", "dash.col.certificates", "dash.col.cost_eur"),
              sorted((k, v[0], v[1]) for k, v in by_customer.items())),
        Table(("dash.col.cn_code", "dash.col.goods_category", "dash.col.certificates", "dash.col.cost_eur"),
              sorted((k[0], k[1], v[0], v[1]) for k, v in by_good.items()), keyed=("dash.col.goods_category",)),
        Table(("dash.col.quarter", "dash.col.certificates", "dash.col.cost_eur", "dash.col.unpriced_certificates"),
              sorted((k, v[0], v[1], v[2]) for k, v in by_quarter.items())),
        forecast_rows, CBAM_FACTOR_SOURCE,
        Table(("dash.col.cn_code", "dash.col.goods_category", "dash.col.actual_t", "dash.col.cost_actual_eur",
               "dash.col.cost_default_eur", "dash.col.saving_eur"), saving_rows, keyed=("dash.col.goods_category",)),
        sum((r[5] for r in saving_rows), Decimal(0)),
        tuple(sorted(incomplete)),
        deduction, deduction_eur,
    )


def _deductions(groups) -> tuple[float, Decimal]:
    """The Art. 9 deduction over the priced groups, in certificates and in EUR at each quarter's price."""
    certs, eur = 0.0, Decimal(0)
    for g in groups:
        if g.certificates is not None and g.deduction_certificates:
            certs += g.deduction_certificates
            eur += g.deduction_eur or Decimal(0)
    return certs, eur


def _forecast(ctx: Context, sel, quantities, paths: dict[str, dict[int, Decimal]]) -> Table:
    """The engine's forecast per period (at EUR 1, cached), summed, then priced under each path."""
    ref = reference()
    per_year: dict[int, float] = defaultdict(float)
    unknown: set[int] = set()  # years some period cannot price (a benchmark is missing): no number for them
    for p in sel.periods:
        lines = tuple(sorted(quantities.get(p.id, {}).items()))
        if not lines or sel.evaluations[p.id].error_key:
            continue
        points = period_forecast(ctx, p, engine_stamp(sel.stamps[p.id]), lines)
        for pt in points or []:
            if pt.certificates is None:
                unknown.add(pt.year)
            else:
                per_year[pt.year] += pt.certificates
    rows = []
    for name in PATHS:
        for y in FORECAST_YEARS:
            c = None if y in unknown else per_year.get(y, 0.0)
            rows.append((f"dash.path.{name}", y, ref.cbam_factor(y), 1 - ref.cbam_factor(y), c, paths[name][y],
                         None if c is None else Decimal(repr(c)) * paths[name][y]))
    return Table(("dash.col.path", "dash.col.year", "dash.col.cbam_factor", "dash.col.phase_in",
                  "dash.col.certificates", "dash.col.price_eur", "dash.col.cost_eur"), rows,
                 keyed=("dash.col.path",))
