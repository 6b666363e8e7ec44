"""A period's data-quality findings: the rules of `core.quality` over the period's scenario and what the scenario
format has no place for (justifications, customers, shipments)."""
from __future__ import annotations

import json
import uuid

from sqlmodel import select

from core.access import Permission
from core.context import Context
from core.evidence.links import evidence_counts
from core.quality import Finding, QualityInput, check
from core.records import get_scoped
from core.reporting.common import APPROVED
from core.reporting.scenario import LiveResults, scenario_of, snapshot_of
from core.reporting.shipments import LISTING_ORDER
from db.reporting_models import Customer, ProductionProcess, PurchasedPrecursor, ReportingPeriod, Shipment


def period_findings(ctx: Context, *, period_id: uuid.UUID, results: LiveResults | None = None) -> list[Finding]:
    """The findings of the period's data. Pass the `live_results` of the same render as `results` and the engine's
    evaluation is reused rather than run a second time (it is the expensive part)."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    snap = snapshot_of(ctx, period) if period.status == APPROVED else None
    scenario = json.loads(snap.content) if snap else scenario_of(ctx, period)
    same = (results is not None and results.period_id == period.id and results.version_no == period.version_no
            and results.status == period.status)
    s = ctx.session
    details = {p.code: {"justification": p.justification, "supplier_installation": p.supplier_installation}
               for p in s.exec(select(PurchasedPrecursor).where(PurchasedPrecursor.period_id == period.id,
                                                                PurchasedPrecursor.org_id == ctx.tenant))}
    codes = {p.id: p.code for p in s.exec(select(ProductionProcess).where(
        ProductionProcess.period_id == period.id, ProductionProcess.org_id == ctx.tenant))}
    shipments = s.exec(select(Shipment).where(Shipment.period_id == period.id, Shipment.org_id == ctx.tenant)
                       .order_by(*LISTING_ORDER)).all()
    customer_ids = {sh.customer_id for sh in shipments}
    customers = [c for c in s.exec(select(Customer).where(Customer.org_id == ctx.tenant).order_by(Customer.name))
                 if c.id in customer_ids]
    return check(QualityInput(
        scenario=scenario,
        precursor_details=details,
        customers=[{"id": str(c.id), "name": c.name, "eori": c.eori, "country": c.country} for c in customers],
        shipments=[{"id": str(sh.id), "customer": str(sh.customer_id), "process": codes.get(sh.process_id),
                    "cn_code": sh.cn_code, "quantity": sh.quantity, "date": sh.shipped_on.isoformat()}
                   for sh in shipments],
        evaluation=results.evaluation if same else None,
        evidence=evidence_counts(ctx, period),  # DQ28: files linked per figure (core/evidence)
    ))
