"""Carbon-price entries of a period: one per production process, in the template's units (Summary_Products
carbon-price block). Every write checks DATA_EDIT and that the period may change, is audited (core.records) and
runs in the caller's transaction. Numbers are parsed strictly: refused, never altered (core/numbers); texts follow
the text rule (core/validation/text.py).

The exchange rate is kept with its date and source: the draft implementing act under Art. 9(5) converts at the
yearly average exchange rate (ECB) (domain reference §3.4; the act is not adopted, status UNVERIFIED), so the
entry records the rate used and where it came from rather than fetching one.
"""
from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import select

from core.access import Permission
from core.cbam.carbon_price import PRICE_TYPES, REBATE_TYPES, CarbonPrice
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.numbers import FACTOR, NumberField, parse_fields
from core.records import delete, get_scoped, insert, versioned_update
from core.reporting.common import period_for_edit
from core.validation.identifiers import validate_country
from core.validation.text import check_changes
from db.carbon_price_models import CarbonPriceEntry
from db.reporting_models import ProductionProcess, ReportingPeriod

CURRENCY = re.compile(r"[A-Z]{3}")  # ISO 4217 alphabetic code, as typed (a lower-case code is refused, not changed)
LOCAL_PRICE = NumberField("per tCO2e", "non_negative", 1e7, 6)
LOCAL_PER_T = NumberField("per t", "non_negative", 1e9, 6)
RATE = NumberField("per EUR", "positive", 1e7, 9)
NUMBER_FIELDS = {"covered_emissions": FACTOR, "rebated_emissions": FACTOR, "price_per_tco2": LOCAL_PRICE,
                 "compensation_per_t": LOCAL_PER_T, "rate_per_eur": RATE}
REQUIRED = ("covered_emissions", "price_per_tco2", "rate_per_eur")


class CarbonPriceData(BaseModel):
    instrument: str = Field(default="", max_length=200)
    country: str = ""
    price_type: str = "National ETS"
    covered_emissions: float | str | None = None  # tCO2e per t of good
    price_per_tco2: float | str | None = None     # local currency per tCO2e
    currency: str = ""
    rebate_type: str = "None"
    rebated_emissions: float | str | None = 0.0   # tCO2e per t of good (free allocation, baseline)
    compensation_per_t: float | str | None = 0.0  # local currency per t of good
    rate_per_eur: float | str | None = None       # local currency per EUR
    rate_date: date | None = None
    rate_source: str = Field(default="", max_length=300)

    def values(self) -> dict[str, Any]:
        empty0 = {f: 0.0 if getattr(self, f) in (None, "") else getattr(self, f)
                  for f in ("rebated_emissions", "compensation_per_t")}
        return dict(self.model_dump(), **empty0, instrument=self.instrument.strip(), country=self.country.strip(),
                    rate_source=self.rate_source.strip())


def _validate(data: CarbonPriceData) -> None:
    check_changes(CarbonPriceEntry, {k: v for k, v in dict(data).items() if isinstance(v, str)})
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    if not data.instrument.strip():
        errors["instrument"] = ("validation.required", {})
    if data.country and (err := validate_country(data.country)):
        errors["country"] = err
    if data.price_type not in PRICE_TYPES:
        errors["price_type"] = ("validation.choice", {})
    if data.rebate_type not in REBATE_TYPES:
        errors["rebate_type"] = ("validation.choice", {})
    if not CURRENCY.fullmatch(data.currency):
        errors["currency"] = ("carbon_price.error_currency", {"value": data.currency})
    if data.rate_date is None:
        errors["rate_date"] = ("validation.required", {})
    if not data.rate_source.strip():
        errors["rate_source"] = ("validation.required", {})
    parse_fields(data, NUMBER_FIELDS, errors, required=REQUIRED)
    if ("rebated_emissions" not in errors and "covered_emissions" not in errors
            and (data.rebated_emissions or 0.0) > (data.covered_emissions or 0.0)):
        errors["rebated_emissions"] = ("carbon_price.error_rebated_above_covered", {})
    if errors:
        raise ValidationFailed(errors)


def list_carbon_prices(ctx: Context, *, period_id: uuid.UUID) -> list[CarbonPriceEntry]:
    ctx.require(Permission.DATA_VIEW)
    return _entries(ctx, period_id)


def _entries(ctx: Context, period_id: uuid.UUID) -> list[CarbonPriceEntry]:
    """In the order of the period's processes (their codes), as the scenario lists them."""
    return list(ctx.session.exec(
        select(CarbonPriceEntry).join(ProductionProcess, ProductionProcess.id == CarbonPriceEntry.process_id)
        .where(CarbonPriceEntry.org_id == ctx.tenant, CarbonPriceEntry.period_id == period_id)
        .order_by(ProductionProcess.code)))


def add_carbon_price(ctx: Context, *, process_id: uuid.UUID, data: CarbonPriceData) -> CarbonPriceEntry:
    ctx.require(Permission.DATA_EDIT)
    proc = get_scoped(ctx, ProductionProcess, process_id)
    period = period_for_edit(ctx, proc.period_id)
    _validate(data)
    taken = ctx.session.exec(select(CarbonPriceEntry.id).where(
        CarbonPriceEntry.org_id == ctx.tenant, CarbonPriceEntry.process_id == proc.id)).first()
    if taken is not None:
        raise DomainError("carbon_price.error_exists", code=proc.code)
    return insert(ctx, CarbonPriceEntry(period_id=period.id, process_id=proc.id, **data.values()),
                  action="carbon_price.created")


def update_carbon_price(ctx: Context, *, entry_id: uuid.UUID, data: CarbonPriceData,
                        expected_version: int) -> CarbonPriceEntry:
    ctx.require(Permission.DATA_EDIT)
    entry = get_scoped(ctx, CarbonPriceEntry, entry_id)
    period_for_edit(ctx, entry.period_id)
    _validate(data)
    return versioned_update(ctx, entry, expected_version, data.values(), action="carbon_price.updated")


def delete_carbon_price(ctx: Context, *, entry_id: uuid.UUID, expected_version: int) -> None:
    ctx.require(Permission.DATA_EDIT)
    entry = get_scoped(ctx, CarbonPriceEntry, entry_id)
    period_for_edit(ctx, entry.period_id)
    delete(ctx, entry, expected_version, action="carbon_price.deleted")


def delete_for_process(ctx: Context, process_id: uuid.UUID) -> None:
    """A process being deleted takes its entry with it (the caller checked the permission and the period)."""
    for entry in ctx.session.exec(select(CarbonPriceEntry).where(
            CarbonPriceEntry.org_id == ctx.tenant, CarbonPriceEntry.process_id == process_id)).all():
        delete(ctx, entry, entry.version, action="carbon_price.deleted")


def copy_carbon_prices(ctx: Context, old: ReportingPeriod, new: ReportingPeriod, new_ids: dict[uuid.UUID, uuid.UUID],
                       stamp: dict[str, Any]) -> None:
    """Reopening a period copies its entries onto the copied processes (and records the new ids in `new_ids`, so
    that the evidence links follow)."""
    skip = ("id", "org_id", "created_by", "updated_by", "created_at", "updated_at", "version")
    for e in _entries(ctx, old.id):
        fields = {k: v for k, v in e.model_dump().items() if k not in skip}
        copy = insert(ctx, CarbonPriceEntry(**(fields | stamp | {"period_id": new.id,
                                                                  "process_id": new_ids[e.process_id]})),
                      action="carbon_price.created")
        new_ids[e.id] = copy.id


def scenario_carbon_prices(ctx: Context, period_id: uuid.UUID, codes: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
    """The period's entries as the scenario's `carbon_prices` field (no permission check: callers check)."""
    out = []
    for e in _entries(ctx, period_id):
        d: dict[str, Any] = {
            "process": codes[e.process_id], "instrument": e.instrument, "type": e.price_type,
            "covered_emissions": e.covered_emissions, "price_per_tco2": e.price_per_tco2, "currency": e.currency,
            "rebate_type": e.rebate_type, "rebated_emissions": e.rebated_emissions,
            "compensation_per_t": e.compensation_per_t, "rate_per_eur": e.rate_per_eur,
            "rate_date": e.rate_date.isoformat() if e.rate_date else None, "rate_source": e.rate_source or None,
        }
        if e.country:
            d["country"] = e.country
        out.append(d)
    return out


def effective_per_t(entry: CarbonPriceEntry) -> tuple[float, float]:
    """The entry's effective carbon price per tonne of good, in its currency and in EUR, after free allocation and
    rebates (before the engine caps the covered emissions at those counted for CBAM)."""
    cp = CarbonPrice(process="", instrument=entry.instrument, country=entry.country, type=entry.price_type,
                     covered_emissions=entry.covered_emissions, price_per_tco2=entry.price_per_tco2,
                     currency=entry.currency, rebate_type=entry.rebate_type, rebated_emissions=entry.rebated_emissions,
                     compensation_per_t=entry.compensation_per_t, rate_per_eur=entry.rate_per_eur, rate_date="",
                     rate_source="")
    local = cp.effective_local_per_t()  # the engine's formula
    return local, local / entry.rate_per_eur
