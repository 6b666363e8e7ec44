"""A small crafted dataset for the dashboard tests: two installations (steel, aluminium), two customers, shipments
in every quarter on both bases; the steel period approved (frozen), the aluminium one a draft."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from core.reporting import (
    ShipmentData,
    add_shipment,
    list_processes,
    list_shipments,
    live_results,
)
from tests.factories import (
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
    second_owner,
    sign_off,
)

DEMO = Path(__file__).resolve().parents[2] / "core" / "demo"


def scenario(name: str) -> dict:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


@dataclass
class Dataset:
    owner: object
    org: object
    periods: dict  # installation name → period id
    customers: dict  # name → id


def build(engine, *, name_en: str = "Dash Steel Co.", approve: bool = True) -> Dataset:
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner, name_en=name_en)
    c1 = make_customer(engine, owner, org, name="Rheinstahl Handel GmbH")
    c2 = make_customer(engine, owner, org, name="=HYPERLINK(\"evil\") Metaal BV", country="NL")
    periods = {}
    for file, inst_name in (("steel_2026.json", "Steel works"), ("aluminium_2026.json", "Smelter")):
        sc = scenario(file)
        inst = make_installation(engine, owner, org, name=inst_name, country="CN")
        period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
        ids = enter_scenario(engine, owner, org, period.id, sc, customer_id=c1.id)
        proc_code = "P2" if "steel" in file else "P1"
        cn = "72083900" if "steel" in file else "76011010"
        with context(engine, owner, org) as ctx:
            for n, (quarter, customer, basis, qty) in enumerate([
                    (2, c2.id, "actual", 120.5), (3, c1.id, "default", 80.0), (4, c2.id, "actual", 33.25),
                    (4, c2.id, "default", 10.0), (2, c1.id, "actual", 7.0)]):
                add_shipment(ctx, period_id=period.id, data=ShipmentData(
                    customer_id=customer, process_id=ids[proc_code] if basis == "actual" else None, cn_code=cn,
                    quantity=qty, shipped_on=date(2026, 3 * quarter - n % 3, 10 + n), basis=basis,  # every month of a quarter
                    order_reference=f"X-{n}"))
        periods[inst_name] = period.id
    if approve:  # four-eyes approval: a second owner approves what the owner submitted and reviewed
        sign_off(engine, org, periods["Steel works"], submitter=owner, review_by=owner,
                 approver=second_owner(engine, owner, org))
    return Dataset(owner, org, periods, {"Rheinstahl Handel GmbH": c1.id, c2.name: c2.id})


def expected(engine, ds: Dataset, *, customer=None, quarter=None, good=None) -> dict:
    """The straightforward computation: the engine per shipment (live_results), summed in Python."""
    out = {k: defaultdict(float) for k in ("by_inst", "by_good", "by_customer_cert")}
    cost_by_customer: dict = defaultdict(lambda: Decimal(0))
    totals = {"qty": 0.0, "ee": 0.0, "cert": 0.0, "cost": Decimal(0), "default_qty": 0.0}
    with context(engine, ds.owner, ds.org) as ctx:
        names = {v: k for k, v in ds.customers.items()}
        for inst, pid in ds.periods.items():
            res = live_results(ctx, period_id=pid, per_shipment=True)
            rows = {s.id: s for s in list_shipments(ctx, period_id=pid)}
            assert list_processes(ctx, period_id=pid)
            for c in res.shipments:
                s = rows[c.shipment_id]
                if (customer and s.customer_id != customer) or (quarter and c.quarter != quarter) or (
                        good and s.cn_code != good):
                    continue
                q = f"2026-Q{c.quarter}"
                out["by_inst"][(inst, q)] += c.embedded_emissions
                out["by_good"][(c.cn_code, q)] += c.embedded_emissions
                out["by_customer_cert"][names[s.customer_id]] += c.certificates
                cost_by_customer[names[s.customer_id]] += c.cost_eur
                totals["qty"] += c.quantity
                totals["ee"] += c.embedded_emissions
                totals["cert"] += c.certificates
                totals["cost"] += c.cost_eur
                totals["default_qty"] += c.quantity if c.basis == "default" else 0.0
    return {**out, "cost_by_customer": cost_by_customer, **totals}
