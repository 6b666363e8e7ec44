"""Customers: the EU importers (authorised CBAM declarants) the organization ships to."""
from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.errors import ConcurrentChange, ValidationFailed
from core.records import delete, get_scoped, insert, versioned_update, who
from core.validation import validate_country, validate_eori
from core.validation.text import EMAIL, check_changes
from db.reporting_models import Customer, Shipment

# The Member States: a CBAM declarant is established in one (Reg. (EU) 2023/956 Art. 5(1), Art. 17(2)(a));
# Greece as "GR" as in EORI numbers, and XI for Northern Ireland (Windsor Framework, Art. 5(4)).
EU_MEMBER_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split())
ARCHIVED, DELETED = "archived", "deleted"
_EMAIL = EMAIL  # core.validation.text: one shape for every stored address


class CustomerData(BaseModel):
    name: str = Field(default="", max_length=300)
    eori: str = Field(default="", max_length=17)
    country: str = ""
    contact_name: str = Field(default="", max_length=200)  # personal data (identity)
    contact_email: str = Field(default="", max_length=320)  # personal data (contact)
    # the declarant's address and customs representative, as the registry report names them (XSD lengths)
    city: str = Field(default="", max_length=35)
    street: str = Field(default="", max_length=70)
    postcode: str = Field(default="", max_length=17)
    representative_eori: str = Field(default="", max_length=17)
    representative_name: str = Field(default="", max_length=70)
    representative_city: str = Field(default="", max_length=35)

    def values(self) -> dict[str, Any]:
        return {"name": self.name.strip(), "eori": self.eori.strip().upper().replace(" ", ""),
                "country": self.country.strip().upper(), "contact_name": self.contact_name.strip(),
                "contact_email": self.contact_email.strip(), "city": self.city.strip(),
                "street": self.street.strip(), "postcode": self.postcode.strip(),
                "representative_eori": self.representative_eori.strip().upper().replace(" ", ""),
                "representative_name": self.representative_name.strip(),
                "representative_city": self.representative_city.strip()}


def _validate(ctx: Context, data: CustomerData, current_id: uuid.UUID | None) -> None:
    check_changes(Customer, dict(data))  # as typed, before any query (PostgreSQL refuses a NUL)
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
    if v["representative_eori"] and (err := validate_eori(v["representative_eori"])):
        errors["representative_eori"] = err
    if v["contact_email"] and not _EMAIL.fullmatch(v["contact_email"]):
        errors["contact_email"] = ("validation.email_format", {})
    if errors:
        raise ValidationFailed(errors)


def list_customers(ctx: Context, *, include_archived: bool = True) -> list[Customer]:
    """The organization's customers by name; archived ones too unless `include_archived=False` (past shipments
    still name them)."""
    ctx.require(Permission.DATA_VIEW)
    q = select(Customer).where(Customer.org_id == ctx.tenant)
    if not include_archived:
        q = q.where(Customer.archived_at.is_(None))
    return list(ctx.session.exec(q.order_by(Customer.name)))


def add_customer(ctx: Context, *, data: CustomerData) -> Customer:
    ctx.require(Permission.DATA_EDIT)
    _validate(ctx, data, None)
    return insert(ctx, Customer(**data.values()), action="customer.created")


def update_customer(ctx: Context, *, customer_id: uuid.UUID, data: CustomerData, expected_version: int) -> Customer:
    """Change a customer. Approved periods keep the customer as it was when they were frozen."""
    ctx.require(Permission.DATA_EDIT)
    customer = get_scoped(ctx, Customer, customer_id)
    _validate(ctx, data, customer.id)
    return versioned_update(ctx, customer, expected_version, data.values(), action="customer.updated")


def _shipped(ctx: Context, customer: Customer) -> int:
    return ctx.session.exec(select(func.count()).select_from(Shipment).where(
        Shipment.org_id == ctx.tenant, Shipment.customer_id == customer.id)).one()


def delete_customer(ctx: Context, *, customer_id: uuid.UUID, expected_version: int) -> str:
    """Delete a customer nothing was shipped to; one with shipments (they may sit in frozen periods) is archived
    instead: kept for what names it, no longer offered for new shipments. Returns "deleted" or "archived"."""
    ctx.require(Permission.DATA_EDIT)
    customer = get_scoped(ctx, Customer, customer_id)
    if _shipped(ctx, customer):
        if customer.archived_at is None:
            versioned_update(ctx, customer, expected_version, {"archived_at": ctx.clock.now()},
                             action="customer.archived")
        elif customer.version != expected_version:
            raise ConcurrentChange("customer", who(ctx.session, customer.updated_by),
                                   customer.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC"))
        return ARCHIVED
    delete(ctx, customer, expected_version, action="customer.deleted")
    return DELETED


def restore_customer(ctx: Context, *, customer_id: uuid.UUID, expected_version: int) -> Customer:
    """Offer an archived customer for new shipments again."""
    ctx.require(Permission.DATA_EDIT)
    customer = get_scoped(ctx, Customer, customer_id)
    return versioned_update(ctx, customer, expected_version, {"archived_at": None}, action="customer.restored")
