"""An importer's annual view (issue 13): per EU customer and definitive year, the goods shipped to it, their
embedded emissions, the certificates they need and what those cost, and where the customer stands against the
50-tonne de minimis threshold of Regulation (EU) 2023/956 Art. 2a (inserted by Regulation (EU) 2025/2083).

The numbers are the costs dashboard's: shipments summed in SQL per period × customer × good × basis × process ×
quarter (`aggregates.shipment_groups`), priced with the engine's per-tonne results of each period
(`results.select_results`, cached), then summed per customer and good here over those few groups.

The exporter sees only its own shipments. The threshold counts everything the importer imports from every
supplier in the calendar year, so "at or under 50 t" here can only ever mean *likely* exempt; "over 50 t" is
certain, because our shipments alone already exceed it.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from core.access import Permission
from core.context import Context
from core.dashboards import aggregates as agg
from core.dashboards.emissions import Table, _category
from core.dashboards.evaluations import org_cached
from core.dashboards.filters import Filters
from core.dashboards.results import select_results
from core.errors import ValidationFailed
from core.i18n import Term
from core.reporting.common import reference
from db.reporting_models import Customer

# The definitive period starts on 1 January 2026: the transitional period ran from 1 October 2023 until
# 31 December 2025 (Reg. (EU) 2023/956 Art. 32); 2026 is the first year declared and surrendered for, by
# 30 September 2027 (Art. 6(1) as amended by Reg. (EU) 2025/2083; domain reference §3).
FIRST_DEFINITIVE_YEAR = 2026
# The single mass-based threshold: 50 tonnes of net mass per importer per calendar year (Reg. (EU) 2023/956
# Annex VII point 1, inserted by Reg. (EU) 2025/2083). An importer is exempt where the net mass "does not
# cumulatively exceed" it (Art. 2a(1)): 50 t exactly is still exempt; above it, all obligations apply to all
# goods imported in that calendar year (Art. 2a(2)).
DE_MINIMIS_T = 50.0
# The Commission lists importers that exceed 90 % of the threshold for the competent authorities (Art. 25a(1)).
NEAR_SHARE = 0.9
# Quantities are entered to the gram (core.numbers.MASS_T: 6 decimals): sums are rounded back to the gram, so float
# arithmetic never moves a customer across the threshold (16.234 + 1.548 + 32.218 is 50.00000000000001 in floats).
GRAM_DECIMALS = 6
# The threshold counts the net mass of goods under all CN codes (Art. 2a(1)) except electricity and hydrogen, to
# which Art. 2a does not apply (Art. 2a(4)): iron and steel, aluminium, fertilisers and cement.
THRESHOLD_SECTORS = frozenset({"iron_steel", "aluminium", "fertilisers", "cement"})
EXCLUDED_SECTORS = frozenset({"hydrogen", "electricity"})  # Art. 2a(4): always in scope, whatever the tonnage

# threshold status of a customer (message keys "annual.status.<status>")
ABOVE = "above"  # our shipments alone exceed 50 t: certain
LIKELY_EXEMPT = "likely_exempt"  # ours stay at or under 50 t: other suppliers' tonnes count too
NOT_COUNTED = "not_counted"  # no goods the threshold counts (only hydrogen or electricity)

THRESHOLD_SOURCE = Term("annual.source.threshold")

GOODS_COLUMNS = ("dash.col.customer", "annual.col.eori", "dash.col.cn_code", "dash.col.goods_category",
                 "dash.col.basis", "annual.col.counted", "dash.col.quantity", "dash.col.embedded_emissions",
                 "dash.col.certificates", "dash.col.cost_eur")
SUMMARY_COLUMNS = ("dash.col.customer", "annual.col.eori", "annual.col.country", "dash.col.quantity",
                   "annual.col.counted_t", "annual.col.status", "dash.col.embedded_emissions",
                   "dash.col.certificates", "dash.col.cost_eur", "dash.col.unpriced_certificates")


@dataclass(frozen=True)
class GoodLine:
    """One good shipped to the customer in the year, on one basis."""

    cn_code: str
    category: str  # message key of the goods category
    sector: str
    basis: str  # actual | default
    quantity_t: float
    counted: bool  # counts toward the de minimis threshold
    embedded_emissions: float | None  # tCO2e; None: the engine could not price it
    certificates: float | None
    cost_eur: Decimal | None  # at published certificate prices (what has no price yet is left out)
    unpriced_certificates: float  # certificates of quarters without a published price yet


@dataclass(frozen=True)
class CustomerYear:
    customer_id: uuid.UUID
    name: str
    eori: str
    country: str
    goods: tuple[GoodLine, ...]
    quantity_t: float  # every good shipped to the customer
    counted_t: float  # the goods the threshold counts (Art. 2a(1), (4))
    embedded_emissions: float | None  # None while any good is incomplete: never a smaller number
    certificates: float | None
    cost_eur: Decimal | None
    unpriced_certificates: float
    status: str  # ABOVE | LIKELY_EXEMPT | NOT_COUNTED
    near: bool  # at or under the threshold but above 90 % of it (Art. 25a(1))
    excluded_goods: bool  # hydrogen or electricity shipped: in scope whatever the tonnage (Art. 2a(4))
    incomplete: tuple[str, ...] = ()  # CN codes the engine could not price


@dataclass(frozen=True)
class AnnualView:
    year: int
    customers: tuple[CustomerYear, ...]
    threshold_t: float
    source: Term  # the legal source, in the reader's language
    incomplete: tuple[str, ...] = ()

    @property
    def goods(self) -> Table:
        """Every customer's goods, one row per customer, good and basis (the CSV)."""
        rows = [(c.name, c.eori, g.cn_code, g.category, f"entry.basis.{g.basis}",
                 "annual.counted.yes" if g.counted else "annual.counted.no", g.quantity_t, g.embedded_emissions,
                 g.certificates, g.cost_eur) for c in self.customers for g in c.goods]
        return Table(GOODS_COLUMNS, rows, keyed=("dash.col.goods_category", "dash.col.basis", "annual.col.counted"))

    @property
    def summary(self) -> Table:
        """One row per customer: totals and the threshold status (the CSV)."""
        rows = [(c.name, c.eori, c.country, c.quantity_t, c.counted_t, f"annual.status.{c.status}",
                 c.embedded_emissions, c.certificates, c.cost_eur, c.unpriced_certificates) for c in self.customers]
        return Table(SUMMARY_COLUMNS, rows, keyed=("annual.col.status",))

    def customer_goods(self, customer: CustomerYear) -> Table:
        """One customer's goods, without the customer columns (the page's table per customer)."""
        cols = GOODS_COLUMNS[2:]
        rows = [(g.cn_code, g.category, f"entry.basis.{g.basis}", "annual.counted.yes" if g.counted
                 else "annual.counted.no", g.quantity_t, g.embedded_emissions, g.certificates, g.cost_eur)
                for g in customer.goods]
        return Table(cols, rows, keyed=("dash.col.goods_category", "dash.col.basis", "annual.col.counted"))


def threshold_status(counted_t: float) -> tuple[str, bool]:
    """(status, near) for the tonnes of threshold goods we shipped to one importer in one year: over 50 t is
    certain (Art. 2a(2)); at or under it is only likely exempt, since other suppliers' tonnes count too."""
    if counted_t <= 0:
        return NOT_COUNTED, False
    if counted_t > DE_MINIMIS_T:  # "does not cumulatively exceed" (Art. 2a(1)): exactly 50 t is still exempt
        return ABOVE, False
    return LIKELY_EXEMPT, counted_t > NEAR_SHARE * DE_MINIMIS_T


def sector_of(cn_code: str) -> str:
    ref = reference()
    cat = ref.category_of(cn_code)
    return ref.categories[cat].sector if cat and cat in ref.categories else ""


def annual_years(ctx: Context) -> list[int]:
    """The definitive years the organization has reporting periods for (newest first); the first definitive year
    when it has none yet."""
    ctx.require(Permission.DATA_VIEW)
    years = [y for y in agg.period_years(ctx) if y >= FIRST_DEFINITIVE_YEAR]
    return years or [FIRST_DEFINITIVE_YEAR]


def annual_view(ctx: Context, *, year: int) -> AnnualView:
    """The acting organization's EU customers in `year` (a definitive year): goods, emissions, certificates, cost
    and the de minimis threshold. Read-only: DATA_VIEW."""
    ctx.require(Permission.DATA_VIEW)
    if not isinstance(year, int) or year < FIRST_DEFINITIVE_YEAR:
        raise ValidationFailed({"year": ("annual.error_year", {"first": FIRST_DEFINITIVE_YEAR})})
    return org_cached(ctx, "annual", (year,), lambda: _annual(ctx, year))


def _customers(ctx: Context, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str, str]]:
    if not ids:
        return {}
    c = Customer
    return {r[0]: (r[1], r[2], r[3]) for r in ctx.session.execute(
        select(c.id, c.name, c.eori, c.country).where(c.org_id == ctx.tenant, c.id.in_(ids)))}


def _annual(ctx: Context, year: int) -> AnnualView:
    sel = select_results(ctx, Filters(year=year))
    ref = reference()
    # customer → (cn, basis) → [t, tCO2e, certificates, EUR, unpriced certificates, incomplete]
    per: dict[uuid.UUID, dict[tuple[str, str], list]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0, 0.0, Decimal(0), 0.0, False]))
    for g in sel.groups:
        if g.year != year:  # select_results already filters by year; kept explicit for the threshold's sake
            continue
        acc = per[g.customer_id][(g.cn_code, g.basis)]
        acc[0] += g.quantity
        if g.certificates is None or g.embedded_emissions is None:
            acc[5] = True
            continue
        acc[1] += g.embedded_emissions
        acc[2] += g.certificates
        if g.cost_eur is None:
            acc[4] += g.certificates
        else:
            acc[3] += g.cost_eur
    info = _customers(ctx, set(per))
    customers = []
    for cid, goods in per.items():
        lines = []
        for (cn, basis), (qty, ee, cert, cost, unpriced, bad) in sorted(goods.items()):
            sector = sector_of(cn)
            lines.append(GoodLine(cn, _category(ref.category_of(cn)), sector, basis, round(qty, GRAM_DECIMALS),
                                  sector in THRESHOLD_SECTORS, None if bad else ee, None if bad else cert,
                                  None if bad else cost, 0.0 if bad else unpriced))
        incomplete = tuple(sorted({g.cn_code for g in lines if g.certificates is None}))
        counted = round(sum(g.quantity_t for g in lines if g.counted), GRAM_DECIMALS)
        status, near = threshold_status(counted)
        name, eori, country = info.get(cid, ("", "", ""))
        customers.append(CustomerYear(
            cid, name, eori, country, tuple(lines), round(sum(g.quantity_t for g in lines), GRAM_DECIMALS), counted,
            None if incomplete else sum(g.embedded_emissions for g in lines),
            None if incomplete else sum(g.certificates for g in lines),
            None if incomplete else sum((g.cost_eur for g in lines), Decimal(0)),
            sum(g.unpriced_certificates for g in lines), status, near,
            any(g.sector in EXCLUDED_SECTORS for g in lines), incomplete))
    customers.sort(key=lambda c: (c.name.casefold(), str(c.customer_id)))
    return AnnualView(year, tuple(customers), DE_MINIMIS_T, THRESHOLD_SOURCE,
                      tuple(sorted({cn for c in customers for cn in c.incomplete})))


__all__ = ["ABOVE", "DE_MINIMIS_T", "EXCLUDED_SECTORS", "FIRST_DEFINITIVE_YEAR", "LIKELY_EXEMPT", "NEAR_SHARE",
           "NOT_COUNTED", "THRESHOLD_SECTORS", "AnnualView", "CustomerYear", "GoodLine", "annual_view",
           "annual_years", "sector_of", "threshold_status"]
