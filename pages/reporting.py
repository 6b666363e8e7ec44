"""Reporting periods: results with "why this number", data quality, the review workflow and the history."""
import streamlit as st

from core.access import Permission, can
from core.errors import DomainError
from core.i18n import error_text
from core.installations import list_installations
from core.reporting import (
    add_comment,
    approve_period,
    create_period,
    list_comments,
    list_periods,
    live_results,
    period_history,
    reopen_period,
    request_changes,
    resolve_comment,
    start_review,
    submit_period,
)
from core.reporting.quality import period_findings
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import context, lang, tr

guard("reporting")

st.title(tr("page.reporting"))
with context() as ctx:
    installations = list_installations(ctx)
    role = ctx.role
if not installations:
    st.info(tr("reporting.no_installation"), icon=":material/info:")
    st.stop()
names = {i.id: i.name for i in installations}
inst_id = st.selectbox(tr("reporting.installation"), list(names), format_func=names.get, key="rep_installation")
with context() as ctx:
    periods = list_periods(ctx, installation_id=inst_id)

if can(role, Permission.DATA_EDIT):
    with st.expander(tr("reporting.new_period")):
        form_error("rep_new")
        with st.form("rep_new"):
            year = st.number_input(tr("reporting.year"), min_value=2026, max_value=2034, value=2026, key="rep_year")
            field_error("rep_new", "year")
            if st.form_submit_button(tr("reporting.create_period")):
                def _create() -> None:
                    with context() as c:
                        create_period(c, installation_id=inst_id, year=int(year))
                run_action("rep_new", _create, "common.saved")
if not periods:
    st.info(tr("reporting.no_period"), icon=":material/info:")
    st.stop()

labels = {p.id: tr("reporting.period_label", year=p.year, version=p.version_no,
                   status=tr(f"reporting.status.{p.status}")) for p in periods}
period_id = st.selectbox(tr("reporting.period"), list(labels), format_func=labels.get, key="rep_period")
period = next(p for p in periods if p.id == period_id)

st.subheader(labels[period.id])
if period.snapshot_hash:
    st.caption(tr("reporting.snapshot", hash=period.snapshot_hash))
else:
    st.caption(tr("reporting.draft_numbers"))

form_error("rep_flow")
steps = [
    (("draft", "changes_requested"), Permission.PERIOD_SUBMIT, submit_period, "reporting.submit"),
    (("submitted",), Permission.PERIOD_REVIEW, start_review, "reporting.start_review"),
    (("submitted", "in_review"), Permission.PERIOD_REVIEW, request_changes, "reporting.request_changes"),
    (("submitted", "in_review"), Permission.PERIOD_APPROVE, approve_period, "reporting.approve"),
]
cols = st.columns(4)
for col, (states, perm, action, key) in zip(cols, steps, strict=True):
    if period.status in states and can(role, perm):
        if col.button(tr(key), key=f"rep_{key}"):
            def _move(fn=action) -> None:
                with context() as c:
                    fn(c, period_id=period.id, expected_version=period.version)
            run_action("rep_flow", _move, "common.saved")
if period.status == "approved" and can(role, Permission.DATA_EDIT):
    with st.form("rep_reopen"):
        reason = st.text_input(tr("reporting.reopen_reason"), max_chars=1000, key="rep_reason")
        if st.form_submit_button(tr("reporting.reopen")):
            def _reopen() -> None:
                with context() as c:
                    reopen_period(c, period_id=period.id, reason=reason, expected_version=period.version)
            run_action("rep_flow", _reopen, "common.saved")

results_tab, quality_tab, comments_tab, history_tab = st.tabs(
    [tr("reporting.results"), tr("reporting.quality"), tr("reporting.comments"), tr("reporting.history")])
with results_tab:
    try:
        with context() as ctx:
            results = live_results(ctx, period_id=period.id)
    except DomainError as exc:
        st.error(error_text(exc, lang()))
        results = None
    if results:
        c1, c2 = st.columns(2)
        c1.metric(tr("reporting.certificates"), f"{results.total_certificates:,.1f}")
        c2.metric(tr("reporting.cost"), "—" if results.total_cost_eur is None else f"€ {results.total_cost_eur:,.2f}")
        st.dataframe([{tr("reporting.process"): f"{p.code} {p.name}", tr("reporting.cn_code"): p.cn_code or "",
                       tr("reporting.see_direct"): round(p.see_direct, 6), tr("reporting.see_indirect"):
                       round(p.see_indirect, 6), tr("reporting.see_basis"): round(p.cbam_basis, 6)}
                      for p in results.processes], hide_index=True, width="stretch")
        for p in results.processes:
            with st.expander(tr("reporting.why", process=p.code)):
                for term in p.terms:
                    st.markdown(f"**{tr(term.label_key)}**: {term.value:,.6g} {term.unit}")
                    if term.formula:
                        st.caption(tr("reporting.formula", formula=term.formula, source=term.source or "-"))
with quality_tab:
    with context() as ctx:
        findings = period_findings(ctx, period_id=period.id)
    if not findings:
        st.success(tr("reporting.no_findings"))
    for f in findings:
        show = st.error if f.severity == "blocking" else st.warning
        show(f"{tr('quality.severity.' + f.severity)} {f.rule}: {tr(f.key, **f.params)} — {f.path}")
with comments_tab:
    with context() as ctx:
        comments = list_comments(ctx, period_id=period.id)
    for cm in comments:
        st.markdown(tr("reporting.comment_line", path=cm.field_path, text=cm.text,
                       state=tr("reporting.resolved" if cm.resolved else "reporting.open")))
        if not cm.resolved and (can(role, Permission.DATA_EDIT) or can(role, Permission.REVIEW_COMMENT)):
            if st.button(tr("reporting.resolve"), key=f"rep_resolve_{cm.id}"):
                def _resolve(cid=cm.id, v=cm.version) -> None:
                    with context() as c:
                        resolve_comment(c, comment_id=cid, expected_version=v)
                run_action("rep_flow", _resolve, "common.saved")
    if can(role, Permission.REVIEW_COMMENT) and period.status != "approved":
        with st.form("rep_comment"):
            path = st.text_input(tr("reporting.comment_field"), placeholder="processes.P1.activity_level",
                                 key="rep_comment_path")
            text = st.text_area(tr("reporting.comment_text"), key="rep_comment_text")
            if st.form_submit_button(tr("reporting.add_comment")):
                def _comment() -> None:
                    with context() as c:
                        add_comment(c, period_id=period.id, field_path=path, text=text)
                run_action("rep_flow", _comment, "common.saved")
with history_tab:
    with context() as ctx:
        history = period_history(ctx, period_id=period.id)
    st.dataframe([{tr("reporting.version"): h.version_no, tr("reporting.state"): tr(f"reporting.status.{h.status}"),
                   tr("reporting.reason"): h.reason, tr("reporting.snapshot_hash"): h.snapshot_hash or ""}
                  for h in history], hide_index=True, width="stretch")
