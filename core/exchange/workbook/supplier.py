"""A precursor supplier's filled communication template → a purchased precursor with actual values.

The template is read with the template reader (python-calamine) and evaluated by the engine, so the SEE direct
and indirect are the supplier's own data computed the template's way, not figures typed over again. The supplier's
installation name and country come from its sheet A_InstData.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from sqlmodel import select

from core.cbam import CbamError, evaluate_data
from core.context import Context
from core.exchange.errors import ExchangeError
from core.exchange.safety import check_xlsx_package
from core.exchange.template.reader import MAX_BYTES, import_template
from core.reporting.common import period_for_edit
from core.reporting.precursors import (
    PurchasedPrecursorData,
    add_purchased_precursor,
    update_purchased_precursor,
)
from core.reporting.processes import code_taken
from db.reporting_models import PurchasedPrecursor


@dataclass(frozen=True)
class SupplierProduct:
    process: str  # the supplier's process id in its template ("P1")
    goods_category: str
    cn_code: str | None
    see_direct: float  # tCO2e/t
    see_indirect: float
    installation: str
    country: str


def supplier_products(data: bytes) -> list[SupplierProduct]:
    """The products (processes) of a supplier's filled template with their SEE, as the engine computes them."""
    check_xlsx_package(data, max_bytes=MAX_BYTES)
    scenario = import_template(data)
    if not scenario["processes"]:
        raise ExchangeError("exchange.supplier.error.no_products")
    try:
        ev = evaluate_data(scenario)
    except CbamError as e:
        raise ExchangeError("exchange.supplier.error.not_evaluable", reason=str(e.key)) from None
    inst = scenario["installation"]
    out = []
    for p in scenario["processes"]:
        r = ev.processes[p["id"]]
        if not all(math.isfinite(x) for x in (r.see_direct, r.see_indirect)):  # e.g. emissions over a 1e-300 t output
            raise ExchangeError("exchange.supplier.error.see_not_finite", process=p["id"])
        out.append(SupplierProduct(p["id"], p["goods_category"], p.get("cn_code"), r.see_direct, r.see_indirect,
                                   inst.get("name") or "", inst.get("country") or ""))
    return out


def _next_code(ctx: Context, period_id: uuid.UUID) -> str:
    n = 1
    while code_taken(ctx, period_id, f"PP{n}"):
        n += 1
    return f"PP{n}"


def import_supplier_template(ctx: Context, period_id: uuid.UUID, data: bytes, *, process: str | None = None,
                             code: str | None = None, cn_code: str | None = None) -> PurchasedPrecursor:
    """Create or update the purchased precursor a supplier's template describes (actual values).

    `process` picks the product when the template has several; `code` names the precursor (an existing code
    updates it; otherwise the precursor with the same supplier installation and CN code is updated, or a new one
    created as the next free PPn); `cn_code` fills in a CN code the template does not state.
    """
    period = period_for_edit(ctx, period_id)
    products = supplier_products(data)
    if process is None and len(products) > 1:
        raise ExchangeError("exchange.supplier.error.choose_product",
                            products=", ".join(f"{p.process} ({p.goods_category})" for p in products))
    chosen = next((p for p in products if process in (None, p.process)), None)
    if chosen is None:
        raise ExchangeError("exchange.supplier.error.unknown_product", process=process,
                            products=", ".join(p.process for p in products))
    cn = (cn_code or chosen.cn_code or "").replace(" ", "")
    stored = list(ctx.session.exec(select(PurchasedPrecursor).where(
        PurchasedPrecursor.org_id == ctx.tenant, PurchasedPrecursor.period_id == period.id)))
    if code:
        current = next((p for p in stored if p.code == code.strip()), None)
    else:
        current = next((p for p in stored if p.supplier_installation == chosen.installation.strip()
                        and p.cn_code == cn), None)
    values = PurchasedPrecursorData(
        code=code or (current.code if current else _next_code(ctx, period.id)), goods_category=chosen.goods_category,
        cn_code=cn, supplier_installation=chosen.installation[:300], country=chosen.country,
        see_direct=chosen.see_direct, see_indirect=chosen.see_indirect, data_source="actual")
    if current is None:
        return add_purchased_precursor(ctx, period_id=period.id, data=values)
    return update_purchased_precursor(ctx, precursor_id=current.id, data=values, expected_version=current.version)
