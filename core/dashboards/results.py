"""Shipment groups (summed in SQL) priced with the period's unit results: embedded emissions = quantity × SEE,
certificates = quantity × certificates per tonne, cost = certificates × the quarter's price."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from core.access import Permission
from core.context import Context
from core.dashboards import aggregates as agg
from core.dashboards.evaluations import PeriodEvaluation, period_evaluation
from core.dashboards.filters import Filters
from db.reporting_models import Customer


@dataclass(frozen=True, slots=True)
class PricedGroup:
    period_id: uuid.UUID
    installation_id: uuid.UUID
    year: int
    quarter: int
    customer_id: uuid.UUID
    cn_code: str
    basis: str
    process: str | None  # the process code for an actual-basis group
    quantity: float  # t
    shipments: int
    embedded_emissions: float | None  # tCO2e; None: the engine could not price it
    certificates: float | None
    cost_eur: Decimal | None
    default_certificates: float | None  # the same tonnes on default values (actual lines only)
    default_cost_eur: Decimal | None
    deduction_certificates: float | None = 0.0  # Art. 9 carbon price paid (issue 13); `certificates` are after it
    deduction_eur: Decimal | None = None  # the same at the quarter's price


@dataclass
class Selection:
    """What a dashboard shows for the filters: the latest periods, their results, the priced groups."""

    periods: list[agg.PeriodRow]
    stamps: dict[uuid.UUID, tuple]
    evaluations: dict[uuid.UUID, PeriodEvaluation]
    groups: list[PricedGroup]
    installations: dict[uuid.UUID, tuple[str, str]]
    customers: dict[uuid.UUID, str]


def _cost(certificates: float | None, price: Decimal | None) -> Decimal | None:
    if certificates is None or price is None:
        return None
    return Decimal(repr(certificates)) * price


def _deduction(quantity: float, u) -> tuple[float | None, Decimal | None]:
    """The Art. 9 deduction of a group (issue 13): certificates per tonne × tonnes, and its value in EUR."""
    if u is None or u.deduction is None:
        return None, None
    certs = quantity * u.deduction
    return certs, _cost(certs, u.price_eur)


def engine_stamp(stamp: tuple) -> tuple:
    """The part of a period's fingerprint the engine reads (shipments are priced per tonne, so not them)."""
    return tuple(x for x in stamp if x[0] != "shipment")


def customer_stamp(ctx: Context) -> tuple:
    c = Customer
    n, at = ctx.session.execute(select(func.count(), func.max(c.updated_at)).where(c.org_id == ctx.tenant)).one()
    return (int(n), str(at))


def select_results(ctx: Context, flt: Filters | None = None, *, by_customer: bool = True) -> Selection:
    ctx.require(Permission.DATA_VIEW)
    flt = flt or Filters()
    periods = agg.latest_periods(ctx, flt)
    ids = [p.id for p in periods]
    stamps = agg.data_stamps(ctx, ids)
    groups = agg.shipment_groups(ctx, ids, flt, by_customer=by_customer)
    codes = agg.process_codes(ctx, ids)
    by_period: dict[uuid.UUID, set] = {pid: set() for pid in ids}
    for g in groups:
        by_period[g.period_id].add((g.basis, codes.get(g.process_id) if g.basis == "actual" else None,
                                    g.cn_code, g.quarter))
    evaluations = {p.id: period_evaluation(ctx, p, engine_stamp(stamps[p.id]), frozenset(by_period[p.id]))
                   for p in periods}
    info = {p.id: p for p in periods}
    priced = []
    for g in groups:
        ev = evaluations[g.period_id]
        line = (g.basis, codes.get(g.process_id) if g.basis == "actual" else None, g.cn_code, g.quarter)
        u = ev.units.get(line)
        ok = u is not None and u.certificates is not None and ev.error_key is None
        cert = g.quantity * u.certificates if ok else None
        ee = g.quantity * u.see_basis if ok else None
        cost = _cost(cert, u.price_eur) if ok else None
        dcert = dcost = None
        if g.basis == "actual" and ok:
            d = ev.units.get(("default", None, g.cn_code, g.quarter))
            if d is not None and d.certificates is not None:
                dcert = g.quantity * d.certificates
                dcost = _cost(dcert, d.price_eur)
        p = info[g.period_id]
        priced.append(PricedGroup(g.period_id, p.installation_id, p.year, g.quarter, g.customer_id, g.cn_code,
                                  g.basis, line[1], g.quantity, g.count, ee, cert, cost, dcert, dcost,
                                  *_deduction(g.quantity, u if ok else None)))
    return Selection(periods, stamps, evaluations, priced, agg.installation_names(ctx), agg.customer_names(ctx))
