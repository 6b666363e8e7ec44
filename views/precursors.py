"""Purchased precursors: bought from other installations, with their supplier's SEE or default values."""
import uuid

import streamlit as st

from core.access import Permission, can
from core.reporting import (
    EDITABLE,
    PurchasedPrecursorData,
    add_purchased_precursor,
    delete_purchased_precursor,
    list_purchased_precursors,
    update_purchased_precursor,
)
from core.reporting.precursors import DATA_SOURCES
from core.reporting.processes import BENCHMARK_ROUTES
from core.validation import COUNTRIES
from ui.comments import comment_on_rows, may_comment
from ui.field_link import current_focus
from ui.goods import category_labels
from ui.navigation import guard
from ui.period_picker import pick_period
from ui.state import context, labels, tr
from ui.table_editor import Row, number_column, optional_choice, table_editor

guard("precursors")

st.title(tr("page.precursors"))
period = pick_period("prec")
with context() as ctx:
    editable = can(ctx.role, Permission.DATA_EDIT) and period.status in EDITABLE
st.caption(tr("entry.precursors_intro"))
if not editable:
    st.caption(tr("entry.read_only", status=tr(f"reporting.status.{period.status}")))
focus = current_focus()

cats = category_labels()
columns = {
    "code": st.column_config.TextColumn(tr("entry.code"), max_chars=20, required=True, width="small"),
    "goods_category": st.column_config.SelectboxColumn(tr("entry.goods_category"), options=list(cats),
                                                       format_func=cats.get, required=True),
    "cn_code": st.column_config.TextColumn(tr("reporting.cn_code"), max_chars=10, required=True),
    "country": st.column_config.SelectboxColumn(tr("entry.country"), options=sorted(COUNTRIES), required=True,
                                                width="small"),
    "supplier_installation": st.column_config.TextColumn(tr("entry.supplier_installation"), max_chars=300),
    "see_direct": number_column(tr("entry.see_direct")),
    "see_indirect": number_column(tr("entry.see_indirect")),
    "data_source": st.column_config.SelectboxColumn(tr("entry.data_source"), options=list(DATA_SOURCES),
                                                    format_func=labels("entry.basis", DATA_SOURCES).get, required=True),
    "justification": st.column_config.TextColumn(tr("entry.justification"), max_chars=2000, width="large"),
    # where the precursor's Column B depends on the route (a billet: C/D/E), the route is required
    "benchmark_route": optional_choice(tr("entry.benchmark_route"), labels("entry.bm_route", BENCHMARK_ROUTES),
                                       help=tr("entry.benchmark_route_help")),
}


def _rows() -> list[Row]:
    with context() as c:
        items = list_purchased_precursors(c, period_id=period.id)
    return [Row(str(p.id), p.version, {name: getattr(p, name) for name in columns}) for p in items]


def _change(kind, row, v):
    def data() -> PurchasedPrecursorData:
        return PurchasedPrecursorData(**{k: ("" if v[k] is None and k not in ("see_direct", "see_indirect") else v[k])
                                         for k in columns} | {"data_source": v["data_source"] or "default",
                                                              "benchmark_route": v.get("benchmark_route") or None})
    if kind == "add":
        return lambda c: add_purchased_precursor(c, period_id=period.id, data=data())
    if kind == "update":
        return lambda c: update_purchased_precursor(c, precursor_id=uuid.UUID(row.id), data=data(),
                                                    expected_version=row.version)
    return lambda c: delete_purchased_precursor(c, precursor_id=uuid.UUID(row.id), expected_version=row.version)


table_editor("prec", token=str(period.id), load=_rows, columns=columns, editable=editable, make_change=_change,
             focus_id=focus.row if focus else None, focus_field=focus.field if focus else "")
with context() as ctx:
    listed = list_purchased_precursors(ctx, period_id=period.id) if may_comment(period) else []
comment_on_rows(period, "precursors", {n: p.code for n, p in enumerate(listed)},
                {k: columns[k]["label"] for k in ("see_direct", "see_indirect", "data_source", "justification",
                                                  "supplier_installation", "cn_code", "country", "goods_category",
                                                  "benchmark_route")},
                key="prec_rows")
