"""Data import: download a period's data-entry workbook, upload it filled, see every problem, import; and a
supplier's filled communication template as a purchased precursor."""
import hashlib

import streamlit as st

from core.errors import DomainError
from core.exchange.workbook import (
    BY_KEY,
    export_workbook,
    filename,
    import_supplier_template,
    import_workbook,
    supplier_products,
)
from core.exchange.workbook.writer import header
from core.i18n import error_text
from core.reporting import EDITABLE
from ui.forms import show_flash
from ui.navigation import guard
from ui.period_picker import pick_period
from ui.state import context, lang, tr
from ui.uploads import file_uploader

UPLOAD_MB = st.get_option("server.maxUploadSize")  # the server's own limit (.streamlit/config.toml)

guard("data_import")

st.title(tr("page.data_import"))
show_flash()
st.caption(tr("data_import.intro"))
period = pick_period("di")  # the same installation and period as on the other pages

prepared = st.session_state.get("di_workbook")
if prepared is None or prepared[0] != (period.id, period.version):
    if st.button(tr("data_import.prepare"), key="di_prepare", icon=":material/table_view:"):
        with context() as ctx:
            st.session_state["di_workbook"] = ((period.id, period.version), export_workbook(ctx, period_id=period.id))
        st.rerun()
else:
    st.download_button(tr("data_import.download"), prepared[1], file_name=filename(period.year, period.version_no),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="di_download",
                       icon=":material/download:")
if period.status not in EDITABLE:
    st.info(tr("data_import.period_not_editable"), icon=":material/lock:")
    st.stop()


def _run(data: bytes, **options) -> None:
    """One import call with a progress bar; the outcome (or the refusal) is kept for the next run."""
    bar = st.progress(0.0, text=tr("data_import.checking"))
    try:
        with context() as c:
            result = import_workbook(c, period.id, data, progress=lambda done, total: bar.progress(
                min(done / max(total, 1), 1.0), text=tr("data_import.checking")), **options)
    except DomainError as exc:
        st.session_state["di_result"] = {"error": error_text(exc, lang())}
        return
    finally:
        bar.empty()
    st.session_state["di_result"] = {
        "digest": hashlib.sha256(data).hexdigest(), "period": period.id, "written": result.written,
        "changes": result.changes, "counts": result.counts(),
        "problems": [(p.sheet, p.row, p.column, p.cell, p.key, p.params) for p in result.problems]}


uploaded = file_uploader(tr("data_import.upload"), type=["xlsx"], max_mb=UPLOAD_MB, key="di_file")
if uploaded is not None:
    st.session_state["di_bytes"] = uploaded.getvalue()
data = st.session_state.get("di_bytes")
if data and st.button(tr("data_import.check"), key="di_check", icon=":material/rule:"):
    _run(data, check_only=True)

outcome = st.session_state.get("di_result")
if outcome and "error" in outcome:
    st.error(outcome["error"], icon=":material/error:")
elif outcome and data and outcome["digest"] == hashlib.sha256(data).hexdigest() and outcome["period"] == period.id:
    if outcome["written"]:
        totals = {k: sum(c[k] for c in outcome["counts"].values())
                  for k in ("created", "updated", "unchanged", "skipped")}
        st.success(tr("data_import.imported", **totals), icon=":material/check_circle:")
    elif not outcome["problems"]:
        st.success(tr("data_import.no_problems", changes=outcome["changes"]), icon=":material/check_circle:")
        if st.button(tr("data_import.import_all"), key="di_import_all", type="primary"):
            _run(data)
            st.rerun()
    else:
        st.warning(tr("data_import.problems", count=len(outcome["problems"])), icon=":material/warning:")
        st.dataframe([{tr("data_import.col_sheet"): BY_KEY[sheet].title, tr("data_import.col_row"): row,
                       tr("data_import.col_column"): f"{cell} {header(BY_KEY[sheet].column(col), lang())}"
                       if col else "", tr("data_import.col_message"): tr(key, **params)}
                      for sheet, row, col, cell, key, params in outcome["problems"]],
                     hide_index=True, width="stretch")
        sure = st.checkbox(tr("data_import.confirm_valid"), key="di_confirm")
        if st.button(tr("data_import.import_valid"), key="di_import_valid", disabled=not sure):
            _run(data, valid_rows_only=True)
            st.rerun()

st.divider()
st.subheader(tr("data_import.supplier_title"))
st.caption(tr("data_import.supplier_intro"))
supplier = file_uploader(tr("data_import.supplier_file"), type=["xlsx"], max_mb=UPLOAD_MB,
                         key="di_supplier_file")
if supplier is not None:
    st.session_state["di_supplier"] = supplier.getvalue()
template = st.session_state.get("di_supplier")
if template:
    try:
        products = supplier_products(template)
    except DomainError as exc:
        st.error(error_text(exc, lang()), icon=":material/error:")
        products = []
    if products:
        options = {p.process: tr("data_import.product_label", process=p.process, category=p.goods_category,
                                 cn=p.cn_code or "-", direct=f"{p.see_direct:.4f}", indirect=f"{p.see_indirect:.4f}")
                   for p in products}
        with st.form("di_supplier_form"):
            chosen = st.selectbox(tr("data_import.supplier_product"), list(options), format_func=options.get,
                                  key="di_supplier_product")
            code = st.text_input(tr("data_import.supplier_code"), max_chars=20, key="di_supplier_code")
            cn = st.text_input(tr("data_import.supplier_cn"), max_chars=10, key="di_supplier_cn")
            if st.form_submit_button(tr("data_import.supplier_import")):
                try:
                    with context() as c:
                        pp = import_supplier_template(c, period.id, template, process=chosen, code=code or None,
                                                      cn_code=cn or None)
                    st.session_state["flash"] = tr("data_import.supplier_done", code=pp.code,
                                                   direct=f"{pp.see_direct:.4f}", indirect=f"{pp.see_indirect:.4f}")
                    st.session_state.pop("di_supplier", None)
                    st.rerun()
                except DomainError as exc:
                    errors = getattr(exc, "errors", None) or {}
                    st.error(error_text(exc, lang()), icon=":material/error:")
                    for key, params in errors.values():
                        st.error(tr(key, **params), icon=":material/error:")
