"""What every export starts from: an approved period's frozen snapshot, checked against its hash, and the
shipments of that period paired with the snapshot's import lines.

Exports are built only from a frozen snapshot and name it (DESIGN.md, Data). The customers, installation and
organization an export names, and each shipment's customer, date and order reference, come from the snapshot's
export details (frozen at approval), never from the live rows, which may have changed since.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import select

from core.context import Context
from core.errors import DomainError
from core.records import get_scoped
from core.reporting.common import APPROVED
from core.reporting.export_details import FORMAT as DETAILS_FORMAT
from core.reporting.export_details import SECTION as DETAILS_SECTION
from core.reporting.scenario import content_hash, snapshot_of
from db.reporting_models import ReportingPeriod


@dataclass(frozen=True, slots=True)
class FrozenCustomer:
    """A customer as it was when the period was approved."""

    id: uuid.UUID
    name: str
    eori: str
    country: str
    city: str = ""
    street: str = ""
    postcode: str = ""
    representative_eori: str = ""
    representative_name: str = ""
    representative_city: str = ""


@dataclass(frozen=True, slots=True)
class FrozenInstallation:
    id: uuid.UUID
    name: str
    country: str
    address: str = ""
    city: str = ""
    unlocode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    economic_activity: str = ""


@dataclass(frozen=True, slots=True)
class FrozenOrganization:
    name_en: str = ""
    name_zh: str = ""
    eori: str | None = None
    address: str = ""
    signatory_name: str = ""
    signatory_position: str = ""
    signature_place: str = ""
    # the operator's id, city and contact (absent from snapshots frozen before migration 0029: empty)
    uscc: str | None = None
    city: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass(slots=True)
class FrozenShipment:
    customer_id: uuid.UUID
    shipped_on: date
    order_reference: str
    line: dict[str, Any]  # the snapshot's import line for it
    index: int  # its position among the snapshot's imports (the engine's result index)


@dataclass(slots=True)
class Frozen:
    period: ReportingPeriod
    installation: FrozenInstallation
    organization: FrozenOrganization
    scenario: dict[str, Any]
    snapshot_hash: str
    frozen_at: datetime | None
    shipments: list[FrozenShipment]
    customers: dict[uuid.UUID, FrozenCustomer]

    @property
    def label(self) -> str:
        """How the snapshot is named in files and messages."""
        return f"{self.period.year} v{self.period.version_no} · SHA-256 {self.snapshot_hash[:12]}"

    def of_customer(self, customer_id: uuid.UUID) -> list[FrozenShipment]:
        return [s for s in self.shipments if s.customer_id == customer_id]


def _fields(cls, data: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's values of the class's fields; a text field frozen as null (a row written outside the services,
    e.g. bulk-loaded) reads as the empty text it means, so the export asks for it rather than failing."""
    specs = cls.__dataclass_fields__
    return {f: "" if data[f] is None and specs[f].default == "" else data[f]
            for f in specs if f in data and f != "id"}


def frozen_details(period: ReportingPeriod, scenario: dict[str, Any]) -> tuple[
        FrozenOrganization, FrozenInstallation, dict[uuid.UUID, FrozenCustomer], list[FrozenShipment]]:
    """The snapshot's export details (core/reporting/export_details.py), paired with its import lines; refused for
    a snapshot frozen before they were part of it (never filled in from live rows)."""
    details = scenario.get(DETAILS_SECTION)
    if not isinstance(details, dict) or details.get("format") != DETAILS_FORMAT:
        raise DomainError("frozen.error.incomplete", year=period.year, version=period.version_no)
    lines = scenario.get("imports") or []
    raw = details.get("shipments") or []
    if len(raw) != len(lines):
        raise DomainError("pack.error.snapshot_mismatch", year=period.year, version=period.version_no)
    customers_list = [FrozenCustomer(id=uuid.UUID(c["id"]), **_fields(FrozenCustomer, c))
                      for c in details.get("customers") or []]
    inst = details["installation"]
    installation = FrozenInstallation(id=uuid.UUID(inst["id"]), **_fields(FrozenInstallation, inst))
    organization = FrozenOrganization(**_fields(FrozenOrganization, details.get("organization") or {}))
    shipments = [FrozenShipment(customers_list[c].id, date.fromisoformat(day), ref, line, i)
                 for i, ((c, day, ref), line) in enumerate(zip(raw, lines, strict=True))]
    return organization, installation, {c.id: c for c in customers_list}, shipments


def load_frozen(ctx: Context, period_id: uuid.UUID) -> Frozen:
    """The approved period's snapshot (refused for a period that is not approved, whose snapshot no longer
    matches its hash, or that was frozen without its export details). Nothing live is read beyond the period
    row. Callers check the permission."""
    period = get_scoped(ctx, ReportingPeriod, period_id)
    if period.status != APPROVED:
        raise DomainError("pack.error.not_frozen", year=period.year, version=period.version_no, status=period.status)
    snap = snapshot_of(ctx, period)
    if not (content_hash(snap.content) == snap.hash == period.snapshot_hash):
        raise DomainError("pack.error.snapshot_broken", year=period.year, version=period.version_no)
    scenario = json.loads(snap.content)
    organization, installation, customers, shipments = frozen_details(period, scenario)
    return Frozen(period, installation, organization, scenario, snap.hash, period.frozen_at, shipments, customers)


def approved_periods(ctx: Context) -> list[ReportingPeriod]:
    """Approved period versions of the organization, newest first (callers check the permission)."""
    return list(ctx.session.exec(select(ReportingPeriod).where(
        ReportingPeriod.org_id == ctx.tenant, ReportingPeriod.status == APPROVED)
        .order_by(ReportingPeriod.year.desc(), ReportingPeriod.version_no.desc())))
