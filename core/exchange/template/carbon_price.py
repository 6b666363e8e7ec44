"""The carbon-price block of the communication template's Summary_Products sheet (issue 13): one product line per
process (rows 10..39, the same rows the writer fills with the process), unlocked input cells only.

Columns [T Summary_Products row 8, template v2.1.1]: AL type of instrument, AM share of total embedded emissions
covered (fraction; the template computes AN = K × AM, K = SEE total), AP currency, AR carbon price due per produced
tonne, AT type of rebate, AU share of embedded emissions covered by the rebate (AV = K × AU), AX amount of rebate
per produced tonne; the template's result AZ = AR − AX is the effective carbon price due per tonne. The template
holds no exchange rate: the conversion to EUR is the engine's (core/cbam/carbon_price.py).
"""
from __future__ import annotations

from core.cbam.reference import ReferenceData
from core.cbam.scenario import Scenario
from core.exchange.template import cellmap as m
from core.exchange.template.package import Value

TYPE_COL, SHARE_COL, CURRENCY_COL, DUE_COL = "AL", "AM", "AP", "AR"
REBATE_TYPE_COL, REBATE_SHARE_COL, REBATE_AMOUNT_COL = "AT", "AU", "AX"
EFFECTIVE_COL = 51  # AZ (0-based), the template's result "Effective CP due (per produced t or MWh)"
COVERED_COL = 39    # AN (0-based), "Embedded emissions covered by the carbon price"
# The scenario's short names → the template's drop-down values (Parameters_Constants C45:I45, C46:G46); "None"
# leaves the cell empty (the template's lists have no "None").
TEMPLATE_TYPES = {"National ETS": "National Emissions Trading System",
                  "Regional ETS": "Regional Emissions Trading System"}


def carbon_price_cells(sc: Scenario, ref: ReferenceData) -> dict[str, Value]:
    if not sc.carbon_prices:
        return {}
    from core.cbam.engine import evaluate  # the SEE total (template column K) each share is a share of

    see = evaluate(sc, ref).processes
    row_of = {p.id: m.PRODUCT_FIRST_ROW + k for k, p in enumerate(sc.processes)}
    cells: dict[str, Value] = {}
    for cp in sc.carbon_prices:
        row, total = row_of[cp.process], see[cp.process].see_total
        due = cp.due_local_per_t()
        cells[f"{CURRENCY_COL}{row}"] = cp.currency
        cells[f"{DUE_COL}{row}"] = due
        if cp.type != "None":
            cells[f"{TYPE_COL}{row}"] = TEMPLATE_TYPES.get(cp.type, cp.type)
        if cp.rebate_type != "None":
            cells[f"{REBATE_TYPE_COL}{row}"] = cp.rebate_type
        if total > 0:
            cells[f"{SHARE_COL}{row}"] = cp.covered_emissions / total
            cells[f"{REBATE_SHARE_COL}{row}"] = min(cp.rebated_emissions, cp.covered_emissions) / total
        cells[f"{REBATE_AMOUNT_COL}{row}"] = due - cp.effective_local_per_t()
    return cells
