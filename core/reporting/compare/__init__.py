"""What changed between two versions of a reporting period, field by field: processes, source streams,
precursors, the shipments' totals, the customers shipped to, and the parameters.

An approved version is read from its frozen snapshot (and its customers as they were frozen); a version still
open, from its rows. Each side is flattened into `section → item → field → value`, and the two are compared.

    compare_versions(ctx, old_period_id=, new_period_id=) -> Comparison
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from core.access import Permission
from core.context import Context
from core.errors import DomainError
from core.records import get_scoped
from core.reporting.common import APPROVED
from core.reporting.export_details import SECTION as DETAILS_SECTION
from core.reporting.scenario import scenario_of, shipment_columns, snapshot_of
from db.reporting_models import Customer, ReportingPeriod

SECTIONS = ("processes", "source_streams", "precursors", "shipments", "customers", "parameters")
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
CUSTOMER_FIELDS = ("name", "eori", "country", "city", "street", "postcode", "representative_eori",
                   "representative_name", "representative_city")


@dataclass(frozen=True, slots=True)
class FieldChange:
    section: str  # one of SECTIONS
    item: str  # the process or precursor code, "P1 / coke", a customer's EORI, "Q2", "total"
    field: str  # "activity_level", "heat.imported_TJ", "quantity_t"
    old: Any  # None: not in the older version
    new: Any  # None: not in the newer version
    kind: str  # added | removed | changed


@dataclass(slots=True)
class Comparison:
    old: ReportingPeriod
    new: ReportingPeriod
    changes: list[FieldChange] = field(default_factory=list)
    customers_known: bool = True  # False: an old snapshot without its customers (frozen before they were kept)

    def of(self, section: str) -> list[FieldChange]:
        return [c for c in self.changes if c.section == section]


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted field names; lists as their JSON text (inputs are keyed separately)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out |= _flat(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(value, list):
        return {prefix: json.dumps(value, sort_keys=True, ensure_ascii=False)}
    return {prefix: value}


def _shipment_facts(imports: list[dict[str, Any]], customer_of: list[str] | None,
                    customers: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    shipments: dict[str, dict[str, Any]] = {}
    per_customer: dict[str, dict[str, float]] = {}

    def add(item: str, fld: str, amount: float) -> None:
        row = shipments.setdefault(item, {})
        row[fld] = round(row.get(fld, 0) + amount, 6)

    for n, line in enumerate(imports):
        qty = float(line.get("quantity", 0))
        for item in ("total", f"Q{line.get('quarter')}", f"CN {line.get('cn_code')}"):
            add(item, "quantity_t", qty)
            add(item, "count", 1)
        if customer_of is not None:
            sums = per_customer.setdefault(customer_of[n], {"quantity_t": 0.0, "shipments": 0})
            sums["quantity_t"] = round(sums["quantity_t"] + qty, 6)
            sums["shipments"] += 1
    shown = {key: dict(c) | per_customer.get(key, {}) for key, c in customers.items() if key in per_customer}
    return {"shipments": shipments, "customers": shown}


def _facts(ctx: Context, period: ReportingPeriod) -> tuple[dict[str, dict[str, dict[str, Any]]], bool]:
    """section → item → field → value of one version; and whether its customers are known."""
    known = True
    if period.status == APPROVED:
        scenario = json.loads(snapshot_of(ctx, period).content)
        details = scenario.get(DETAILS_SECTION)
        if details:
            listed = details.get("customers") or []
            customers = {c["eori"]: {f: c.get(f) for f in CUSTOMER_FIELDS} for c in listed}
            customer_of = [listed[c]["eori"] for c, _day, _ref in details.get("shipments") or []]
        else:
            customers, customer_of, known = {}, None, False
    else:
        scenario = scenario_of(ctx, period, pin_reference=True)  # as it would be frozen today
        rows = {c.id: c for c in ctx.session.exec(select(Customer).where(Customer.org_id == ctx.tenant))}
        customers = {c.eori: {f: getattr(c, f) for f in CUSTOMER_FIELDS} for c in rows.values()}
        customer_of = [rows[r[1]].eori for r in shipment_columns(ctx, period.id)]
    processes, streams = {}, {}
    for p in scenario.get("processes") or []:
        plain = {k: v for k, v in p.items() if k not in ("id", "inputs", "source_streams")}
        processes[p["id"]] = _flat(plain) | {f"input {i['from']}": i["mass"] for i in p.get("inputs") or []}
        for s in p.get("source_streams") or []:
            streams[f"{p['id']} / {s.get('name') or s.get('method')}"] = _flat(s)
    precursors = {pp["id"]: _flat({k: v for k, v in pp.items() if k != "id"})
                  for pp in scenario.get("purchased_precursors") or []}
    params = scenario.get("parameters") or {}
    return {"processes": processes, "source_streams": streams, "precursors": precursors,
            "parameters": {"parameters": _flat(params)} if params else {},
            **_shipment_facts(scenario.get("imports") or [], customer_of, customers)}, known


def _changes(section: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[FieldChange]:
    out = []
    for item in sorted(set(old) | set(new)):
        a, b = old.get(item), new.get(item)
        for fld in sorted(set(a or {}) | set(b or {})):
            va, vb = (a or {}).get(fld), (b or {}).get(fld)
            if a is not None and b is not None and va == vb:
                continue
            kind = ADDED if a is None or fld not in a else REMOVED if b is None or fld not in b else CHANGED
            out.append(FieldChange(section, item, fld, va, vb, kind))
    return out


def compare_versions(ctx: Context, *, old_period_id: uuid.UUID, new_period_id: uuid.UUID) -> Comparison:
    """Field-by-field changes from one version of an installation's reporting year to another."""
    ctx.require(Permission.DATA_VIEW)
    old = get_scoped(ctx, ReportingPeriod, old_period_id)
    new = get_scoped(ctx, ReportingPeriod, new_period_id)
    if (old.installation_id, old.year) != (new.installation_id, new.year):
        raise DomainError("compare.error_other_period")
    a, known_a = _facts(ctx, old)
    b, known_b = _facts(ctx, new)
    out = Comparison(old, new, customers_known=known_a and known_b)
    for section in SECTIONS:
        if section == "customers" and not out.customers_known:
            continue
        out.changes += _changes(section, a.get(section, {}), b.get(section, {}))
    return out
