"""A period's data-quality findings: the rules of `core.quality` over the period's scenario and what the scenario
format has no place for (justifications, customers, shipments).

Read with column queries rather than ORM objects: a period can hold 200,000 shipments, and every rule over them is
a single pass."""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace

from sqlalchemy import select

from core.access import Permission
from core.context import Context
from core.quality import Finding, QualityInput, check
from core.records import get_scoped
from core.reporting.common import APPROVED
from core.reporting.scenario import (
    LiveResults,
    ShipmentGroup,
    first_position,
    group_lines,
    scenario_of,
    shipment_groups,
    snapshot_of,
)
from db.reporting_models import Customer, ProductionProcess, PurchasedPrecursor, ReportingPeriod


def period_findings(ctx: Context, *, period_id: uuid.UUID, results: LiveResults | None = None) -> list[Finding]:
    """The findings of the period's data. Pass the `live_results` of the same render as `results` and the engine's
    evaluation is reused rather than run a second time (it is the expensive part)."""
    ctx.require(Permission.DATA_VIEW)
    return findings_of_period(ctx, get_scoped(ctx, ReportingPeriod, period_id), results=results)


def findings_of_period(ctx: Context, period: ReportingPeriod, *, results: LiveResults | None = None,
                       with_evidence: bool = True) -> list[Finding]:
    """`period_findings` without the permission check, for callers that have checked (the dashboards)."""
    from core.evidence.links import evidence_counts  # evidence builds on reporting, not the other way round

    s = ctx.session
    same = (results is not None and results.period_id == period.id and results.version_no == period.version_no
            and results.status == period.status)
    groups = results.groups if same and results.groups is not None else shipment_groups(ctx, period.id)
    codes = dict(s.execute(select(ProductionProcess.id, ProductionProcess.code).where(
        ProductionProcess.org_id == ctx.tenant, ProductionProcess.period_id == period.id)).all())
    if period.status == APPROVED:
        scenario = json.loads(snapshot_of(ctx, period).content)
    else:
        scenario = scenario_of(ctx, period, with_imports=False)
    # the rules see one import line and one shipment per group (`imports[k]`, `shipments[k]`: group k); a finding
    # then points at the group's first shipment in the listing order (below)
    scenario["imports"] = group_lines(groups, codes, scenario["installation"]["country"])
    pp = PurchasedPrecursor
    details = {code: {"justification": j, "supplier_installation": sup} for code, j, sup in s.execute(
        select(pp.code, pp.justification, pp.supplier_installation).where(pp.period_id == period.id,
                                                                          pp.org_id == ctx.tenant))}
    used = {g.customer_id for g in groups}
    c = Customer
    customers = [{"id": str(cid), "name": name, "eori": eori, "country": cc} for cid, name, eori, cc in s.execute(
        select(c.id, c.name, c.eori, c.country).where(c.org_id == ctx.tenant).order_by(c.name)) if cid in used]
    found = check(QualityInput(
        scenario=scenario,
        precursor_details=details,
        customers=customers,
        shipments=[{"id": f"group-{k}", "customer": str(g.customer_id), "process": codes.get(g.process_id),
                    "cn_code": g.cn_code, "quantity": g.quantity, "largest": g.largest,
                    "date": g.first_day.isoformat()}
                   for k, g in enumerate(groups)],
        evaluation=results.evaluation if same else None,
        # DQ28: files linked per figure (core/evidence)
        evidence=evidence_counts(ctx, period) if with_evidence else None,
    ))
    return [_at_first_shipment(ctx, period, groups, f) for f in found]


_GROUP_PATH = re.compile(r"^(imports|shipments)\[(\d+)\]")


def _at_first_shipment(ctx: Context, period: ReportingPeriod, groups: list[ShipmentGroup], f: Finding) -> Finding:
    """A finding about group k points at the group's first shipment (DQ33: its largest), and says how many
    shipments share it."""
    m = _GROUP_PATH.match(f.path)
    if not m:
        return f
    g = groups[int(m.group(2))]
    # a single shipment too large to be plausible (DQ33) is the group's largest: the finding points at that one
    position = first_position(ctx, period.id, g, largest=f.rule == "DQ33")
    return replace(f, path=f"{m.group(1)}[{position}]{f.path[m.end():]}", params=f.params | {"shipments": g.count})
