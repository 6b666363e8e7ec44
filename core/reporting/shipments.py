"""Shipments: goods of the period sent to an EU importer. The date puts a shipment in a quarter, which sets the
certificate price (Reg. (EU) 2023/956 Art. 21(1a): quarterly average price in 2026)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Integer, cast, extract
from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.errors import ValidationFailed
from core.numbers import MASS_T, parse_fields
from core.records import delete, get_scoped, insert, versioned_update
from core.reporting.common import clean_cn, cn_error, period_for_edit, positive, reference
from core.validation.text import check_changes
from db.reporting_models import Customer, ProductionProcess, ReportingPeriod, Shipment

BASES = ("actual", "default")  # priced on the installation's actual SEE, or on default values
MAX_PAGE = 500  # rows one listing call returns at most
# The order shipments are listed in everywhere (pages, the scenario's imports, the quality rules), so that
# "imports[7]" names the same row on every screen.
LISTING_ORDER = (Shipment.shipped_on, Shipment.created_at, Shipment.id)


def quarter_of_date(column):
    """The quarter of a date column, computed in the database (as `quarter_of` does in Python)."""
    # `//` (floor division): `/` is true division in SQLAlchemy 2 and becomes NUMERIC on PostgreSQL, which the cast
    # would round (March: 5/3 = 1.67 → 2)
    return (cast(extract("month", column), Integer) + 2) // 3


def year_of_date(column):
    return cast(extract("year", column), Integer)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


class ShipmentData(BaseModel):
    customer_id: uuid.UUID | None = None
    process_id: uuid.UUID | None = None  # the process that made the good (required for basis "actual")
    cn_code: str = ""
    quantity: float | str | None = None  # t; text as typed is parsed strictly by the service
    shipped_on: date | None = None
    order_reference: str = Field(default="", max_length=100)
    basis: str = "actual"

    def values(self) -> dict[str, Any]:
        return dict(self.model_dump(), cn_code=clean_cn(self.cn_code) or "",
                    order_reference=self.order_reference.strip())


def _validate(ctx: Context, period: ReportingPeriod, data: ShipmentData,
              current_customer: uuid.UUID | None = None) -> None:
    check_changes(Shipment, dict(data))  # as typed, before any query (PostgreSQL refuses a NUL)
    customer = ctx.session.get(Customer, data.customer_id) if data.customer_id else None
    proc = ctx.session.get(ProductionProcess, data.process_id) if data.process_id else None
    check_shipment(ctx.tenant, period, data, customer, proc, current_customer)


def check_shipment(tenant: uuid.UUID, period: ReportingPeriod, data: ShipmentData, customer: Customer | None,
                   proc: ProductionProcess | None, current_customer: uuid.UUID | None = None,
                   cn_errors: dict[str, Any] | None = None) -> None:
    """The shipment rules on rows already read: `customer` and `proc` are the rows `data` names (None when there
    are none); the workbook import passes its own, read once for 200,000 rows, and a cache of CN code verdicts."""
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    if customer is None or customer.org_id != tenant:
        errors["customer_id"] = ("validation.required", {})
    elif customer.archived_at is not None and customer.id != current_customer:  # not offered for new shipments
        errors["customer_id"] = ("customers.error_archived", {"name": customer.name})
    if data.basis not in BASES:
        errors["basis"] = ("validation.choice", {})
    if proc is not None and (proc.org_id != tenant or proc.period_id != period.id):
        proc = None
        errors["process_id"] = ("validation.choice", {})
    elif proc is None and data.basis == "actual":
        errors["process_id"] = ("reporting.error_process_required", {})
    if cn_errors is None:
        err = cn_error(data.cn_code, reference())
    elif data.cn_code in cn_errors:
        err = cn_errors[data.cn_code]
    else:
        err = cn_errors[data.cn_code] = cn_error(data.cn_code, reference())
    if err:
        errors["cn_code"] = err
    elif proc is not None and clean_cn(data.cn_code) not in (proc.cn_codes or [proc.cn_code]):
        errors["cn_code"] = ("reporting.error_cn_not_produced", {"value": data.cn_code, "process": proc.code})
    parse_fields(data, {"quantity": MASS_T}, errors, required=("quantity",))
    if "quantity" not in errors and not positive(data.quantity):
        errors["quantity"] = ("reporting.error_positive", {})
    if data.shipped_on is None:
        errors["shipped_on"] = ("validation.required", {})
    elif data.shipped_on.year != period.year:
        errors["shipped_on"] = ("reporting.error_date_outside_year", {"year": period.year})
    if errors:
        raise ValidationFailed(errors)


def list_shipments(ctx: Context, *, period_id: uuid.UUID) -> list[Shipment]:
    ctx.require(Permission.DATA_VIEW)
    return list(ctx.session.exec(select(Shipment).where(Shipment.org_id == ctx.tenant, Shipment.period_id == period_id)
                                 .order_by(*LISTING_ORDER)))


def add_shipment(ctx: Context, *, period_id: uuid.UUID, data: ShipmentData) -> Shipment:
    period = period_for_edit(ctx, period_id)
    _validate(ctx, period, data)
    return insert(ctx, Shipment(period_id=period.id, **data.values()),
                  action="shipment.created")


def update_shipment(ctx: Context, *, shipment_id: uuid.UUID, data: ShipmentData, expected_version: int) -> Shipment:
    ctx.require(Permission.DATA_EDIT)
    row = get_scoped(ctx, Shipment, shipment_id)
    period = period_for_edit(ctx, row.period_id)
    _validate(ctx, period, data, current_customer=row.customer_id)
    return versioned_update(ctx, row, expected_version, data.values(), action="shipment.updated")


def delete_shipment(ctx: Context, *, shipment_id: uuid.UUID, expected_version: int) -> None:
    ctx.require(Permission.DATA_EDIT)
    row = get_scoped(ctx, Shipment, shipment_id)
    period_for_edit(ctx, row.period_id)
    delete(ctx, row, expected_version, action="shipment.deleted")


@dataclass(slots=True)
class ShipmentPage:
    rows: list[Shipment]
    total: int  # rows matching the filters, over every page
    offset: int
    limit: int


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def page_shipments(ctx: Context, *, period_id: uuid.UUID, customer_id: uuid.UUID | None = None,
                   quarter: int | None = None, offset: int = 0, limit: int = 100) -> ShipmentPage:
    """One page of the period's shipments, filtered by customer and quarter in SQL (LIMIT/OFFSET and a COUNT):
    a period may hold hundreds of thousands of rows and only one page is ever loaded."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    conds = [Shipment.org_id == ctx.tenant, Shipment.period_id == period.id]
    if customer_id is not None:
        conds.append(Shipment.customer_id == customer_id)
    if quarter is not None:
        if quarter not in (1, 2, 3, 4):
            raise ValidationFailed({"quarter": ("validation.choice", {})})
        start, end = _quarter_bounds(period.year, quarter)
        conds += [Shipment.shipped_on >= start, Shipment.shipped_on < end]
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    total = ctx.session.exec(select(func.count()).select_from(Shipment).where(*conds)).one()
    # the page's ids first, from the listing index alone (OFFSET steps over index entries, not rows), then the rows
    ids = select(Shipment.id).where(*conds).order_by(*LISTING_ORDER).offset(offset).limit(limit).subquery()
    rows = list(ctx.session.exec(select(Shipment).where(Shipment.org_id == ctx.tenant, Shipment.id.in_(select(ids.c.id)))
                                 .order_by(*LISTING_ORDER)))
    return ShipmentPage(rows, total, offset, limit)

