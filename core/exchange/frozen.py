"""What every export starts from: an approved period's frozen snapshot, checked against its hash, and the
shipments of that period paired with the snapshot's import lines.

Exports are built only from a frozen snapshot and name it (DESIGN.md, Data). The snapshot's import lines carry
no customer; the shipment rows of an approved period cannot change (the services refuse edits once a period is
submitted), so each line is paired with its row in the order the snapshot was written, and the pairing is checked.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from core.context import Context
from core.errors import DomainError
from core.records import get_scoped
from core.reporting.common import APPROVED
from core.reporting.scenario import content_hash, snapshot_of
from db.models import Installation
from db.reporting_models import Customer, ReportingPeriod, Shipment


@dataclass(slots=True)
class FrozenShipment:
    row: Shipment
    line: dict[str, Any]  # the snapshot's import line for it
    index: int  # its position among the snapshot's imports (the engine's result index)


@dataclass(slots=True)
class Frozen:
    period: ReportingPeriod
    installation: Installation
    scenario: dict[str, Any]
    snapshot_hash: str
    frozen_at: datetime | None
    shipments: list[FrozenShipment]
    customers: dict[uuid.UUID, Customer]

    @property
    def label(self) -> str:
        """How the snapshot is named in files and messages."""
        return f"{self.period.year} v{self.period.version_no} · SHA-256 {self.snapshot_hash[:12]}"

    def of_customer(self, customer_id: uuid.UUID) -> list[FrozenShipment]:
        return [s for s in self.shipments if s.row.customer_id == customer_id]


def load_frozen(ctx: Context, period_id: uuid.UUID) -> Frozen:
    """The approved period's snapshot (refused for a period that is not approved, or whose snapshot no longer
    matches its hash). Callers check the permission."""
    period = get_scoped(ctx, ReportingPeriod, period_id)
    if period.status != APPROVED:
        raise DomainError("pack.error.not_frozen", year=period.year, version=period.version_no, status=period.status)
    snap = snapshot_of(ctx, period)
    if not (content_hash(snap.content) == snap.hash == period.snapshot_hash):
        raise DomainError("pack.error.snapshot_broken", year=period.year, version=period.version_no)
    scenario = json.loads(snap.content)
    rows = list(ctx.session.exec(select(Shipment).where(Shipment.org_id == ctx.tenant, Shipment.period_id == period.id)
                                 .order_by(Shipment.shipped_on, Shipment.created_at, Shipment.id)))
    lines = scenario.get("imports") or []
    if len(rows) != len(lines) or any(r.cn_code != ln.get("cn_code") or abs(r.quantity - float(ln.get("quantity", 0)))
                                      > 1e-9 or r.basis != ln.get("basis") for r, ln in zip(rows, lines, strict=False)):
        raise DomainError("pack.error.snapshot_mismatch", year=period.year, version=period.version_no)
    installation = ctx.session.get(Installation, period.installation_id)
    customers = {c.id: c for c in ctx.session.exec(select(Customer).where(Customer.org_id == ctx.tenant))}
    return Frozen(period, installation, scenario, snap.hash, period.frozen_at,
                  [FrozenShipment(r, ln, i) for i, (r, ln) in enumerate(zip(rows, lines, strict=True))], customers)


def approved_periods(ctx: Context) -> list[ReportingPeriod]:
    """Approved period versions of the organization, newest first (callers check the permission)."""
    return list(ctx.session.exec(select(ReportingPeriod).where(
        ReportingPeriod.org_id == ctx.tenant, ReportingPeriod.status == APPROVED)
        .order_by(ReportingPeriod.year.desc(), ReportingPeriod.version_no.desc())))
