"""Enter a whole `cbam-scenario/1` object into a period through the services, as a person would field by field
(used by the demo data, and by imports of scenario files and filled templates)."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from core.context import Context
from core.reporting.carbon_price import CarbonPriceData, add_carbon_price
from core.reporting.periods import get_period, update_period_parameters
from core.reporting.precursors import (
    ProcessInputData,
    PurchasedPrecursorData,
    add_process_input,
    add_purchased_precursor,
)
from core.reporting.processes import ProcessData, add_process
from core.reporting.shipments import ShipmentData, add_shipment
from core.reporting.source_streams import SourceStreamData, add_source_stream


def enter_scenario(ctx: Context, *, period_id: uuid.UUID, scenario: dict[str, Any], customer_id: uuid.UUID | None,
                   supplier_installation: str = "", justification: str = "") -> dict[str, uuid.UUID]:
    """Returns scenario id → row id. Imports become shipments of `customer_id` (mid-quarter dates)."""
    ids: dict[str, uuid.UUID] = {}
    if scenario.get("parameters"):
        period = get_period(ctx, period_id=period_id)
        update_period_parameters(ctx, period_id=period_id, parameters=scenario["parameters"],
                                 expected_version=period.version)
    for pp in scenario.get("purchased_precursors", []):
        ids[pp["id"]] = add_purchased_precursor(ctx, period_id=period_id, data=PurchasedPrecursorData(
            code=pp["id"], goods_category=pp["goods_category"], cn_code=pp["cn_code"], country=pp["country"],
            see_direct=pp["see_direct"], see_indirect=pp.get("see_indirect", 0.0),
            data_source=pp.get("data_source", "default"), supplier_installation=supplier_installation,
            justification=justification, benchmark_route=pp.get("benchmark_route"))).id
    for p in scenario["processes"]:
        heat, wg, el = p.get("heat") or {}, p.get("waste_gas") or {}, p.get("electricity") or {}
        ids[p["id"]] = add_process(ctx, period_id=period_id, data=ProcessData(
            code=p["id"], goods_category=p["goods_category"], route=p.get("route"), cn_code=p.get("cn_code"),
            benchmark_route=p.get("benchmark_route"), qualifying_parameters=p.get("qualifying_parameters") or {},
            activity_level=p["activity_level"], direct_emissions=p.get("direct_emissions"),
            heat_imported_tj=heat.get("imported_TJ", 0.0), heat_imported_ef=heat.get("imported_ef"),
            heat_exported_tj=heat.get("exported_TJ", 0.0), heat_exported_ef=heat.get("exported_ef"),
            waste_gas_imported_tj=wg.get("imported_TJ", 0.0), waste_gas_exported_tj=wg.get("exported_TJ", 0.0),
            electricity_consumed_mwh=el.get("consumed_MWh", 0.0), electricity_ef=el.get("ef"),
            electricity_exported_mwh=el.get("exported_MWh", 0.0),
            electricity_exported_ef=el.get("exported_ef"))).id
        for s in p.get("source_streams") or []:
            params = {k: v for k, v in s.items() if k not in ("method", "name")}
            add_source_stream(ctx, process_id=ids[p["id"]], data=SourceStreamData(
                name=s.get("name", ""), method=s["method"], params=params))
    own = {q["id"] for q in scenario["processes"]}
    for p in scenario["processes"]:
        for u in p.get("inputs") or []:
            src = ids[u["from"]]
            add_process_input(ctx, process_id=ids[p["id"]], data=ProcessInputData(
                from_process_id=src if u["from"] in own else None,
                from_precursor_id=None if u["from"] in own else src, mass=u["mass"]))
    for cp in scenario.get("carbon_prices") or []:  # Art. 9 (issue 13)
        add_carbon_price(ctx, process_id=ids[cp["process"]], data=CarbonPriceData(
            instrument=cp["instrument"], country=cp.get("country", ""), price_type=cp["type"],
            covered_emissions=cp["covered_emissions"], price_per_tco2=cp["price_per_tco2"], currency=cp["currency"],
            rebate_type=cp.get("rebate_type", "None"), rebated_emissions=cp.get("rebated_emissions", 0.0),
            compensation_per_t=cp.get("compensation_per_t", 0.0), rate_per_eur=cp["rate_per_eur"],
            rate_date=date.fromisoformat(cp["rate_date"]) if cp.get("rate_date") else None,
            rate_source=cp.get("rate_source") or ""))
    if customer_id is not None:
        for n, line in enumerate(scenario.get("imports", [])):
            month = 3 * (line.get("quarter", 1) - 1) + 2
            add_shipment(ctx, period_id=period_id, data=ShipmentData(
                customer_id=customer_id, process_id=ids.get(line.get("process", "")), cn_code=line["cn_code"],
                quantity=line["quantity"], shipped_on=date(scenario["reporting_year"], month, 15),
                order_reference=f"PO-{n + 1}", basis=line["basis"]))
    return ids
