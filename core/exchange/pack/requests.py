"""The customer request log: what an EU customer asked for (received on, what, due date) and the answer (when,
by whom, which pack files with their SHA-256, from which frozen snapshot)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.records import get_scoped, insert, versioned_update
from core.validation.text import EMAIL
from db.exchange_models import CustomerRequest
from db.reporting_models import Customer, ReportingPeriod

OPEN, ANSWERED, OVERDUE = "open", "answered", "overdue"
_EMAIL = EMAIL  # core.validation.text: one shape for every stored address


class RequestData(BaseModel):
    customer_id: uuid.UUID | None = None
    received_on: date | None = None
    due_on: date | None = None
    subject: str = Field(default="", max_length=2000)
    requested_by: str = Field(default="", max_length=200)
    requested_by_email: str = Field(default="", max_length=320)

    def values(self) -> dict[str, Any]:
        return {"customer_id": self.customer_id, "received_on": self.received_on, "due_on": self.due_on,
                "subject": self.subject.strip(), "requested_by": self.requested_by.strip(),
                "requested_by_email": self.requested_by_email.strip().lower()}


@dataclass(slots=True)
class RequestView:
    request: CustomerRequest
    customer: Customer | None
    status: str  # open | answered | overdue

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE


def status_of(req: CustomerRequest, today: date) -> str:
    if req.answered_on is not None:
        return ANSWERED
    return OVERDUE if req.due_on < today else OPEN


def _validate(ctx: Context, data: RequestData) -> None:
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    customer = ctx.session.get(Customer, data.customer_id) if data.customer_id else None
    if customer is None or customer.org_id != ctx.tenant:
        errors["customer_id"] = ("validation.required", {})
    today = ctx.clock.now().date()
    if data.received_on is None:
        errors["received_on"] = ("validation.required", {})
    elif data.received_on > today:
        errors["received_on"] = ("request.error_received_future", {})
    if data.due_on is None:
        errors["due_on"] = ("validation.required", {})
    elif data.received_on is not None and data.due_on < data.received_on:
        errors["due_on"] = ("request.error_due_before_received", {})
    if not data.subject.strip():
        errors["subject"] = ("validation.required", {})
    if data.requested_by_email.strip() and not _EMAIL.fullmatch(data.requested_by_email.strip()):
        errors["requested_by_email"] = ("validation.email_format", {})
    if errors:
        raise ValidationFailed(errors)


def add_request(ctx: Context, *, data: RequestData) -> CustomerRequest:
    """Log a request received from an EU customer."""
    ctx.require(Permission.EXCHANGE_SEND)
    _validate(ctx, data)
    return insert(ctx, CustomerRequest(**data.values()), action="customer_request.created")


def list_requests(ctx: Context, *, customer_id: uuid.UUID | None = None) -> list[RequestView]:
    """Every logged request, open ones first (the most urgent on top), with its status as of today."""
    ctx.require(Permission.DATA_VIEW)
    q = select(CustomerRequest).where(CustomerRequest.org_id == ctx.tenant)
    if customer_id is not None:
        q = q.where(CustomerRequest.customer_id == customer_id)
    rows = list(ctx.session.exec(q))
    customers = {c.id: c for c in ctx.session.exec(select(Customer).where(Customer.org_id == ctx.tenant))}
    today = ctx.clock.now().date()
    views = [RequestView(r, customers.get(r.customer_id), status_of(r, today)) for r in rows]
    views.sort(key=lambda v: (v.status == ANSWERED, v.request.due_on, v.request.received_on))
    return views


def record_answer(ctx: Context, *, request_id: uuid.UUID, expected_version: int | None, customer_id: uuid.UUID,
                  period_id: uuid.UUID, files: list[dict[str, Any]], snapshot_hash: str) -> CustomerRequest:
    """Mark a request answered by a data pack (called by the pack service in the same transaction)."""
    ctx.require(Permission.EXCHANGE_SEND)
    req = get_scoped(ctx, CustomerRequest, request_id)
    get_scoped(ctx, ReportingPeriod, period_id)  # the answer's period is the acting organization's, or NotFound
    if req.customer_id != customer_id:
        raise DomainError("request.error_other_customer")
    if req.answered_on is not None:
        raise DomainError("request.error_already_answered", on=req.answered_on.isoformat())
    return versioned_update(ctx, req, req.version if expected_version is None else expected_version, {
        "answered_on": ctx.clock.now().date(), "answered_by": ctx.user.id, "answer_files": files,
        "answer_snapshot_hash": snapshot_hash, "period_id": period_id}, action="customer_request.answered")
