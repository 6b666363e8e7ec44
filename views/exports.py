"""Exports: from an approved (frozen) period, the communication template, the registry XML per customer and
quarter (problems listed before the download), the shipments CSV and the customer data pack; and the log of
what customers asked for."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core.errors import DomainError
from core.exchange.overview import customer_files, exports_overview, template_file
from core.exchange.pack import ANSWERED, RequestData, add_request, build_customer_pack
from core.exchange.registry import ReportDetails, report_details
from core.exchange.registry.codes import LAST_QUARTERLY_REPORT_YEAR
from core.i18n import error_text
from ui.forms import field_error, form_error, prefill, run_action, show_flash
from ui.navigation import guard
from ui.state import context, lang, tr

guard("exports")

DETAIL_FIELDS = ("declarant_city", "declarant_street", "declarant_postcode", "installation_city", "signatory_name",
                 "signatory_position", "signature_place", "representative_eori", "representative_name",
                 "representative_city")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title(tr("page.exports"))
show_flash()
st.caption(tr("exports.intro"))
with context() as ctx:
    ov = exports_overview(ctx, period_id=st.session_state.get("exports_period"))


def problem_text(p) -> str:
    return tr(p.key, **{k: tr(v) if k == "field" else v for k, v in p.params.items()})


if not ov.periods:
    st.info(tr("exports.no_approved"), icon=":material/info:")
else:
    names = {p.id: tr("exports.period_label", year=p.year, version=p.version_no, installation=p.installation)
             for p in ov.periods}
    st.selectbox(tr("exports.period"), list(names), format_func=names.get, key="exports_period")
if ov.periods and ov.refused is not None:
    st.error(error_text(ov.refused, lang()), icon=":material/error:")
elif ov.periods:
    frozen_at = ov.frozen_at.strftime("%Y-%m-%d %H:%M UTC") if ov.frozen_at else "—"
    st.caption(tr("exports.snapshot", hash=ov.snapshot_hash, frozen_at=frozen_at))

    st.subheader(tr("exports.template_header"))
    # The file asks for a full recalculation on opening (Excel, WPS); LibreOffice needs a hard recalculation.
    st.caption(tr("exports.template_recalc_note"))
    tpl_key = f"exports_template_{ov.period_id}"
    if st.button(tr("exports.template_prepare"), key="exports_tpl_btn"):
        try:
            with context() as c:
                st.session_state[tpl_key] = template_file(c, period_id=ov.period_id)
        except DomainError as problem:  # a number the template cannot take: named, translated
            st.error(error_text(problem, lang()), icon=":material/error:")
    if tpl := st.session_state.get(tpl_key):
        st.download_button(tr("exports.template_download"), tpl.content, tpl.filename, mime=XLSX,
                           key="exports_tpl_dl", icon=":material/download:")

    st.subheader(tr("exports.customer_header"))
    if not ov.customers:
        st.info(tr("exports.no_customers"), icon=":material/info:")
    else:
        by_id = {ce.customer.id: ce for ce in ov.customers}
        cust_labels = {i: f"{ce.customer.name} ({ce.customer.eori})" for i, ce in by_id.items()}
        customer_id = st.selectbox(tr("exports.customer"), list(by_id), format_func=cust_labels.get,
                                   key="exports_customer")
        with context() as c:  # the stored details as frozen with the period, loaded once per period and customer
            stored = report_details(c, period_id=ov.period_id, customer_id=customer_id)
        prefill("exports_d", f"{ov.period_id}:{customer_id}", 0, stored.model_dump())
        with st.expander(tr("exports.details")):
            st.caption(tr("exports.details_help"))
            st.caption(tr("frozen.details_prefilled"))
            for f in DETAIL_FIELDS:
                st.text_input(tr(f"exports.{f}"), max_chars=200, key=f"exports_d_{f}")
        details = ReportDetails(**{f: st.session_state.get(f"exports_d_{f}", "") for f in DETAIL_FIELDS})
        with context() as c:
            files = customer_files(c, period_id=ov.period_id, customer_id=customer_id, details=details, lang=lang())
        st.markdown(f"**{tr('exports.xml_header')}**")
        st.caption(tr("exports.xml_purpose"))
        year = next((p.year for p in ov.periods if p.id == ov.period_id), None)
        if year is not None and year > LAST_QUARTERLY_REPORT_YEAR:
            st.warning(tr("exports.xml_definitive_year", year=year), icon=":material/info:")
        for report in files.reports:
            if report.problems:
                st.warning(tr("exports.xml_problems", quarter=report.quarter, count=len(report.problems)),
                           icon=":material/warning:")
                for p in report.problems:
                    st.caption("• " + problem_text(p))
            else:
                st.download_button(tr("exports.xml_download", quarter=report.quarter), report.xml, report.filename,
                                   mime="application/xml", key=f"exports_xml_{report.quarter}",
                                   icon=":material/download:")
        if files.csv is None:
            st.warning(error_text(files.csv_problem, lang()), icon=":material/warning:")
        else:
            st.download_button(tr("exports.csv_download"), files.csv.content, files.csv.filename, mime="text/csv",
                               key="exports_csv_dl", icon=":material/download:")

        st.subheader(tr("exports.pack_header"))
        st.caption(tr("exports.pack_explain"))
        if not ov.may_send:
            st.info(tr("exports.pack_not_allowed"), icon=":material/info:")
        else:
            open_reqs = {v.request.id: v for v in ov.requests
                         if v.request.customer_id == customer_id and v.status != ANSWERED}
            req_labels = {None: tr("exports.pack_no_request")} | {
                i: f"{v.request.received_on.isoformat()} · {v.request.subject[:60]}" for i, v in open_reqs.items()}
            request_id = st.selectbox(tr("exports.pack_request"), list(req_labels), format_func=req_labels.get,
                                      key="exports_pack_request")
            form_error("exports_pack")
            if st.button(tr("exports.pack_build"), type="primary", key="exports_pack_btn"):
                bar = st.progress(0.0, text=tr("pack.progress.snapshot"))

                def _build() -> None:
                    with context() as c:
                        pack = build_customer_pack(
                            c, period_id=ov.period_id, customer_id=customer_id, details=details, lang=lang(),
                            request_id=request_id,
                            request_version=open_reqs[request_id].request.version if request_id else None,
                            progress=lambda key, fraction: bar.progress(fraction, text=tr(key)))
                    st.session_state["exports_pack"] = (ov.period_id, customer_id, pack.filename, pack.content)
                run_action("exports_pack", _build, "pack.progress.done")
            ready = st.session_state.get("exports_pack")
            if ready and ready[:2] == (ov.period_id, customer_id):
                st.success(tr("exports.pack_ready", name=ready[2]), icon=":material/check_circle:")
                st.download_button(tr("exports.pack_download"), ready[3], ready[2], mime="application/zip",
                                   key="exports_pack_dl", icon=":material/download:")

st.subheader(tr("exports.requests_header"))
overdue = sum(v.overdue for v in ov.requests)
if overdue:
    st.warning(tr("exports.requests_overdue", count=overdue), icon=":material/schedule:")
if ov.requests:
    status_col = tr("exports.col_status")
    rows = [{tr("exports.col_customer"): v.customer.name if v.customer else "", tr("exports.col_received"):
             v.request.received_on, tr("exports.col_subject"): v.request.subject, tr("exports.col_due"): v.request.due_on,
             status_col: tr(f"request.status.{v.status}"), tr("exports.col_answered"): v.request.answered_on,
             tr("exports.col_files"): ", ".join(f["name"] for f in v.request.answer_files)} for v in ov.requests]
    overdue_label = tr("request.status.overdue")
    styled = pd.DataFrame(rows).style.apply(
        lambda row: ["background-color: #fde2e1" if row[status_col] == overdue_label else ""] * len(row), axis=1)
    st.dataframe(styled, hide_index=True, width="stretch")
else:
    st.info(tr("exports.requests_none"), icon=":material/info:")

if ov.may_send:
    st.subheader(tr("exports.request_add"))
    if not ov.all_customers:
        st.info(tr("exports.no_customer_to_log"), icon=":material/info:")
    else:
        customers = {c.id: f"{c.name} ({c.eori})" for c in ov.all_customers}
        form_error("exports_req")
        with st.form("exports_req"):
            req_customer = st.selectbox(tr("exports.request_customer"), list(customers), format_func=customers.get,
                                        key="exports_req_customer")
            field_error("exports_req", "customer_id")
            received = st.date_input(tr("exports.request_received"), value=date.today(), key="exports_req_received")
            field_error("exports_req", "received_on")
            due = st.date_input(tr("exports.request_due"), value=date.today() + timedelta(days=30),
                                key="exports_req_due")
            field_error("exports_req", "due_on")
            subject = st.text_area(tr("exports.request_subject"), max_chars=2000, key="exports_req_subject")
            field_error("exports_req", "subject")
            by = st.text_input(tr("exports.request_by"), max_chars=200, key="exports_req_by")
            email = st.text_input(tr("exports.request_email"), max_chars=320, key="exports_req_email")
            field_error("exports_req", "requested_by_email")
            if st.form_submit_button(tr("common.save"), type="primary"):
                data = RequestData(customer_id=req_customer, received_on=received, due_on=due, subject=subject,
                                   requested_by=by, requested_by_email=email)

                def _add() -> None:
                    with context() as c:
                        add_request(c, data=data)
                run_action("exports_req", _add, "exports.request_saved")
