"""What an export of an approved period shows beyond the engine's numbers, frozen with them at approval: the
organization (and who signs its registry reports), the installation, the customers shipped to, and each
shipment's customer, date and order reference.

The snapshot's `export_details` section holds them, so that an export of version n reads nothing live: a customer
renamed or re-addressed later, an installation moved, an organization renamed, a shipment changed in version n+1
leaves every export of version n byte for byte as it was. `shipments[i]` belongs to `imports[i]` (both in the
listing order), naming its customer by position in `customers`.

A snapshot frozen before this section existed has none; its exports are refused (`frozen.error.incomplete`)
rather than filled from live rows, which could show a later name under an old hash.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import select

from core.context import Context
from core.reporting.shipments import LISTING_ORDER
from db.models import Installation, Organization
from db.reporting_models import Customer, ReportingPeriod, Shipment

SECTION = "export_details"
FORMAT = "cbam-export-details/1"
ORGANIZATION_FIELDS = ("name_en", "name_zh", "eori", "address", "signatory_name", "signatory_position",
                       "signature_place", "uscc", "city", "contact_phone", "contact_email")
INSTALLATION_FIELDS = ("name", "address", "city", "country", "unlocode", "latitude", "longitude", "economic_activity")
CUSTOMER_FIELDS = ("name", "eori", "country", "city", "street", "postcode", "representative_eori",
                   "representative_name", "representative_city")


def _value(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, dict) else getattr(row, name)


def _pick(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: _value(row, f) for f in fields}


def details_section(organization: Any, installation: Any, customers: dict[uuid.UUID, Any],
                    shipments: list[tuple[uuid.UUID, date, str]]) -> dict[str, Any]:
    """The section from rows (or dicts of their columns): every customer of the organization (a report for one
    with nothing shipped says so, rather than not knowing it), and `shipments` as (customer id, date, order
    reference) in the listing order of the period's import lines."""
    order = sorted(customers, key=str)
    position = {cid: n for n, cid in enumerate(order)}
    return {
        "format": FORMAT,
        "organization": _pick(organization, ORGANIZATION_FIELDS),
        "installation": {"id": str(_value(installation, "id"))} | _pick(installation, INSTALLATION_FIELDS),
        "customers": [{"id": str(cid)} | _pick(customers[cid], CUSTOMER_FIELDS) for cid in order],
        "shipments": [[position[c], day.isoformat(), ref or ""] for c, day, ref in shipments],
    }


def export_details(ctx: Context, period: ReportingPeriod) -> dict[str, Any]:
    """The section for a period about to be frozen (callers hold the period's lock and check the permission)."""
    org = ctx.session.get(Organization, ctx.tenant)
    inst = ctx.session.get(Installation, period.installation_id)
    sh = Shipment
    rows = [tuple(r) for r in ctx.session.execute(
        sa_select(sh.customer_id, sh.shipped_on, sh.order_reference)
        .where(sh.org_id == ctx.tenant, sh.period_id == period.id).order_by(*LISTING_ORDER)).all()]
    customers = {c.id: c for c in ctx.session.exec(select(Customer).where(Customer.org_id == ctx.tenant))}
    return details_section(org, inst, customers, rows)
