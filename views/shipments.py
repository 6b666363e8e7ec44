"""Shipments: goods sent to EU customers, one page of rows at a time, filtered by customer and quarter."""
import math
import uuid
from datetime import date

import streamlit as st

from core.access import Permission, can
from core.reporting import (
    EDITABLE,
    ShipmentData,
    add_shipment,
    delete_shipment,
    list_customers,
    list_processes,
    update_shipment,
)
from core.reporting.fields import shipment_positions
from core.reporting.shipments import BASES, page_shipments, quarter_of
from ui.comments import comment_on_rows, may_comment
from ui.field_link import current_focus
from ui.navigation import guard
from ui.period_picker import pick_period
from ui.state import context, labels, tr
from ui.table_editor import Row, number_column, optional_choice, table_editor

guard("shipments")

PAGE_SIZE = 100
ALL = "all"
st.title(tr("page.shipments"))
period = pick_period("ship")
with context() as ctx:
    customers = list_customers(ctx)
    processes = list_processes(ctx, period_id=period.id)
    editable = can(ctx.role, Permission.DATA_EDIT) and period.status in EDITABLE
if not editable:
    st.caption(tr("entry.read_only", status=tr(f"reporting.status.{period.status}")))

focus = current_focus()
if focus is not None and focus.fresh and focus.position is not None:  # a link opens the page holding the row
    st.session_state.update(ship_customer=ALL, ship_quarter=ALL, ship_page=focus.position // PAGE_SIZE + 1)
# archived customers stay listed for the shipments that name them; the service refuses them for new ones
cust_names = {str(c.id): f"{c.name} ({c.eori})" + (f" · {tr('customers.archived')}" if c.archived_at else "")
              for c in customers}
c1, c2, c3 = st.columns([3, 1, 1])
customer_labels = {ALL: tr("entry.all")} | cust_names
quarter_labels = {ALL: tr("entry.all")} | {str(q): f"Q{q}" for q in (1, 2, 3, 4)}
chosen_customer = c1.selectbox(tr("entry.filter_customer"), list(customer_labels), key="ship_customer",
                               format_func=customer_labels.get)
chosen_quarter = c2.selectbox(tr("entry.filter_quarter"), list(quarter_labels), key="ship_quarter",
                              format_func=quarter_labels.get)
customer = None if chosen_customer == ALL else chosen_customer
quarter = None if chosen_quarter == ALL else int(chosen_quarter)
page_no = int(st.session_state.get("ship_page") or 1)
with context() as ctx:
    listing = page_shipments(ctx, period_id=period.id, customer_id=uuid.UUID(customer) if customer else None, quarter=quarter,
                             offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
pages = max(1, math.ceil(listing.total / PAGE_SIZE))
if page_no > pages:
    page_no = st.session_state["ship_page"] = pages
    with context() as ctx:
        listing = page_shipments(ctx, period_id=period.id, customer_id=uuid.UUID(customer) if customer else None, quarter=quarter,
                                 offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
c3.number_input(tr("entry.page_of", pages=pages), min_value=1, max_value=pages, step=1, key="ship_page")
st.caption(tr("entry.rows_shown", first=min(listing.offset + 1, listing.total),
              last=listing.offset + len(listing.rows), total=listing.total))

proc_codes = {str(p.id): p.code for p in processes}
# archived customers are offered only where a shown row already names them
shown = {str(s.customer_id) for s in listing.rows}
offered = [str(c.id) for c in customers if c.archived_at is None or str(c.id) in shown]
first, last = date(period.year, 1, 1), date(period.year, 12, 31)
columns = {
    "customer_id": st.column_config.SelectboxColumn(tr("entry.customer"), options=offered,
                                                    format_func=cust_names.get, required=True, width="medium"),
    "cn_code": st.column_config.TextColumn(tr("reporting.cn_code"), max_chars=10, required=True),
    "quantity": number_column(tr("entry.quantity_t"), required=True),
    "shipped_on": st.column_config.DateColumn(tr("entry.shipped_on"), min_value=first, max_value=last, required=True),
    "quarter": st.column_config.NumberColumn(tr("entry.quarter"), disabled=True, width="small"),
    "process_id": optional_choice(tr("reporting.process"), proc_codes),
    "basis": st.column_config.SelectboxColumn(tr("entry.basis"), options=list(BASES), required=True,
                                              format_func=labels("entry.basis", BASES).get),
    "order_reference": st.column_config.TextColumn(tr("entry.order_reference"), max_chars=100),
}


def _rows() -> list[Row]:
    return [Row(str(s.id), s.version, {
        "customer_id": str(s.customer_id), "cn_code": s.cn_code, "quantity": s.quantity, "shipped_on": s.shipped_on,
        "quarter": quarter_of(s.shipped_on), "process_id": str(s.process_id) if s.process_id else None,
        "basis": s.basis, "order_reference": s.order_reference}) for s in listing.rows]


def _change(kind, row, v):
    def data() -> ShipmentData:
        return ShipmentData(customer_id=v["customer_id"], process_id=v["process_id"], cn_code=v["cn_code"] or "",
                            quantity=v["quantity"], shipped_on=v["shipped_on"],
                            order_reference=v["order_reference"] or "", basis=v["basis"] or "actual")
    if kind == "add":
        return lambda c: add_shipment(c, period_id=period.id, data=data())
    if kind == "update":
        return lambda c: update_shipment(c, shipment_id=uuid.UUID(row.id), data=data(), expected_version=row.version)
    return lambda c: delete_shipment(c, shipment_id=uuid.UUID(row.id), expected_version=row.version)


table_editor("ship", token=f"{period.id}:{customer}:{quarter}:{page_no}", load=_rows, columns=columns,
             editable=editable, make_change=_change, first_number=listing.offset + 1,
             focus_id=focus.row if focus else None, focus_field=focus.field if focus else "", dates=("shipped_on",))
if may_comment(period):
    if customer is None and quarter is None:
        places = {s.id: listing.offset + n for n, s in enumerate(listing.rows)}
    else:
        with context() as ctx:
            places = shipment_positions(ctx, period_id=period.id, shipments=listing.rows)
    comment_on_rows(period, "shipments", {places[s.id]: f"{listing.offset + n + 1}: {s.shipped_on} {s.cn_code} "
                                          f"{s.quantity:g} t" for n, s in enumerate(listing.rows)},
                    {k: columns[k]["label"] for k in ("quantity", "shipped_on", "cn_code", "customer_id",
                                                      "process_id", "basis", "order_reference")}, key="ship_rows")
if not customers and editable:
    st.info(tr("entry.no_customers"), icon=":material/info:")
