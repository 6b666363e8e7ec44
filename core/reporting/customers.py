"""Customers: the EU importers (authorised CBAM declarants) the organization ships to."""
from __future__ import annotations

import re
import uuid
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.records import delete, get_scoped, insert, versioned_update
from core.validation import validate_country, validate_eori
from db.reporting_models import Customer, Shipment

# The Member States: a CBAM declarant is established in one (Reg. (EU) 2023/956 Art. 5(1), Art. 17(2)(a));
# Greece as "GR" as in EORI numbers, and XI for Northern Ireland (Windsor Framework, Art. 5(4)).
EU_MEMBER_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split())
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CustomerData(BaseModel):
    name: str = Field(default="", max_length=300)
    eori: str = Field(default="", max_length=17)
    country: str = ""
    contact_name: str = Field(default="", max_length=200)  # personal data (identity)
    contact_email: str = Field(default="", max_length=320)  # personal data (contact)

    def values(self) -> dict[str, Any]:
        return {"name": self.name.strip(), "eori": self.eori.strip().upper().replace(" ", ""),
                "country": self.country.strip().upper(), "contact_name": self.contact_name.strip(),
                "contact_email": self.contact_email.strip().lower()}


def _validate(ctx: Context, data: CustomerData, current_id: uuid.UUID | None) -> None:
    v = data.values()
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    if not v["name"]:
        errors["name"] = ("validation.required", {})
    if not v["eori"]:
        errors["eori"] = ("validation.required", {})
    elif err := validate_eori(v["eori"]):
        errors["eori"] = err
    else:
        q = select(func.count()).select_from(Customer).where(Customer.org_id == ctx.tenant, Customer.eori == v["eori"])
        if current_id is not None:
            q = q.where(Customer.id != current_id)
        if ctx.session.exec(q).one():
            errors["eori"] = ("reporting.error_customer_exists", {"eori": v["eori"]})
    if err := validate_country(v["country"]):
        errors["country"] = err
    elif v["country"] not in EU_MEMBER_STATES:
        errors["country"] = ("reporting.error_country_not_eu", {"country": v["country"]})
    if v["contact_email"] and not _EMAIL.match(v["contact_email"]):
        errors["contact_email"] = ("validation.email_format", {})
    if errors:
        raise ValidationFailed(errors)


def list_customers(ctx: Context) -> list[Customer]:
    ctx.require(Permission.DATA_VIEW)
    return list(ctx.session.exec(select(Customer).where(Customer.org_id == ctx.tenant).order_by(Customer.name)))


def add_customer(ctx: Context, *, data: CustomerData) -> Customer:
    ctx.require(Permission.DATA_EDIT)
    _validate(ctx, data, None)
    return insert(ctx, Customer(**data.values()), action="customer.created")


def update_customer(ctx: Context, *, customer_id: uuid.UUID, data: CustomerData, expected_version: int) -> Customer:
    ctx.require(Permission.DATA_EDIT)
    customer = get_scoped(ctx, Customer, customer_id)
    _validate(ctx, data, customer.id)
    return versioned_update(ctx, customer, expected_version, data.values(), action="customer.updated")


def delete_customer(ctx: Context, *, customer_id: uuid.UUID, expected_version: int) -> None:
    """Refused while shipments name the customer (they may sit in frozen periods)."""
    ctx.require(Permission.DATA_EDIT)
    customer = get_scoped(ctx, Customer, customer_id)
    shipped = ctx.session.exec(select(func.count()).select_from(Shipment).where(
        Shipment.org_id == ctx.tenant, Shipment.customer_id == customer.id)).one()
    if shipped:
        raise DomainError("reporting.error_customer_in_use", name=customer.name)
    delete(ctx, customer, expected_version, action="customer.deleted")
