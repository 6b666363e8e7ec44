"""What the exports page shows: the approved periods to export from, the selected one's snapshot, the customers
it shipped to (with their quarters), and the customer request log; and the template of a frozen period."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select

from core.access import Permission, can
from core.context import Context
from core.errors import DomainError
from core.exchange.errors import ExchangeError
from core.exchange.frozen import FrozenCustomer, approved_periods, load_frozen
from core.exchange.pack.requests import RequestView, list_requests
from core.exchange.template import export_template
from db.models import Installation
from db.reporting_models import Customer


@dataclass(slots=True)
class PeriodChoice:
    id: uuid.UUID
    year: int
    version_no: int
    installation: str


@dataclass(slots=True)
class CustomerExports:
    customer: FrozenCustomer  # as it was when the period was approved
    quarters: list[int]
    shipments: int


@dataclass(slots=True)
class ExportsOverview:
    periods: list[PeriodChoice]
    period_id: uuid.UUID | None = None
    snapshot_hash: str = ""
    frozen_at: datetime | None = None
    customers: list[CustomerExports] = field(default_factory=list)
    all_customers: list[Customer] = field(default_factory=list)
    requests: list[RequestView] = field(default_factory=list)
    may_send: bool = False
    refused: DomainError | None = None  # why the chosen period cannot be exported (its snapshot is incomplete)


def exports_overview(ctx: Context, *, period_id: uuid.UUID | None = None) -> ExportsOverview:
    """The approved periods (newest first); for `period_id` (default: the newest) its snapshot and customers."""
    ctx.require(Permission.DATA_VIEW)
    names = {i.id: i.name for i in ctx.session.exec(select(Installation).where(Installation.org_id == ctx.tenant))}
    periods = [PeriodChoice(p.id, p.year, p.version_no, names.get(p.installation_id, "")) for p in approved_periods(ctx)]
    out = ExportsOverview(periods, requests=list_requests(ctx), may_send=can(ctx.role, Permission.EXCHANGE_SEND),
                          all_customers=list(ctx.session.exec(select(Customer).where(Customer.org_id == ctx.tenant)
                                                              .order_by(Customer.name))))
    if not periods:
        return out
    chosen = period_id if period_id in {p.id for p in periods} else periods[0].id
    try:
        frozen = load_frozen(ctx, chosen)
    except DomainError as e:  # said on the page; the other periods and the request log stay usable
        out.period_id, out.refused = chosen, e
        return out
    out.period_id, out.snapshot_hash, out.frozen_at = chosen, frozen.snapshot_hash, frozen.period.frozen_at
    for c in sorted(frozen.customers.values(), key=lambda c: c.name):
        ships = frozen.of_customer(c.id)
        if ships:
            out.customers.append(CustomerExports(c, sorted({int(s.line["quarter"]) for s in ships}), len(ships)))
    return out


@dataclass(slots=True)
class TemplateFile:
    filename: str
    content: bytes
    snapshot_hash: str


def template_file(ctx: Context, *, period_id: uuid.UUID) -> TemplateFile:
    """The communication template v2.1.1 filled from an approved period's frozen snapshot."""
    ctx.require(Permission.DATA_VIEW)
    frozen = load_frozen(ctx, period_id)
    p = frozen.period
    return TemplateFile(f"communication_template_{p.year}_v{p.version_no}_{frozen.snapshot_hash[:12]}.xlsx",
                        export_template(frozen.scenario), frozen.snapshot_hash)


@dataclass(slots=True)
class CustomerFiles:
    reports: list  # RegistryReport per quarter the customer was shipped goods in
    csv: object  # CsvExport of the customer's shipments; None when it cannot be written (`csv_problem` says why)
    csv_problem: DomainError | None = None


def customer_files(ctx: Context, *, period_id: uuid.UUID, customer_id: uuid.UUID, details, lang: str = "en"
                   ) -> CustomerFiles:
    """The registry XML of each quarter (or its problems) and the shipments CSV of one customer."""
    from core.exchange.csv_export import shipments_csv_of
    from core.exchange.registry import build_report, quarters_of, report_data

    ctx.require(Permission.DATA_VIEW)
    frozen = load_frozen(ctx, period_id)
    eori = frozen.customers[customer_id].eori if customer_id in frozen.customers else ""
    now = ctx.clock.now()
    reports = [build_report(report_data(frozen, customer_id, q, details, now), eori=eori)
               for q in quarters_of(frozen, customer_id)]
    try:
        return CustomerFiles(reports, shipments_csv_of(frozen, customer_id=customer_id, lang=lang))
    except ExchangeError as problem:  # a number the CSV cannot write: said next to the reports' own problems
        return CustomerFiles(reports, None, problem)
