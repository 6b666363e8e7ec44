"""Reporting periods: results with "why this number", data quality, the review workflow and the history."""
import streamlit as st

from core.access import Permission, can
from core.approval import BlockingFindings
from core.reporting import (
    approve_period,
    create_period,
    period_history,
    reopen_period,
    request_changes,
    resolve_comment,
    start_review,
    submit_period,
)
from core.reporting.quality import period_findings
from core.review import comment_views
from ui.blocking_findings import forget, remember, show_refusal
from ui.comments import comment_action, may_comment
from ui.compare import show_comparison
from ui.field_link import field_link
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.period_picker import pick_period
from ui.results import load_results, show_results
from ui.state import context, tr

guard("reporting")

st.title(tr("page.reporting"))
with context() as ctx:
    role = ctx.role


def _new_period(inst_id) -> None:
    if not can(role, Permission.DATA_EDIT):
        return
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


period = pick_period("rep", below_installation=_new_period)
label = tr("reporting.period_label", year=period.year, version=period.version_no,
           status=tr(f"reporting.status.{period.status}"))
st.subheader(label)
if period.snapshot_hash:
    st.caption(tr("reporting.snapshot", hash=period.snapshot_hash))
    st.caption(tr("reporting.read_only_version", version=period.version_no,
                  status=tr(f"reporting.status.{period.status}")))
else:
    st.caption(tr("reporting.draft_numbers"))

form_error("rep_flow")
show_refusal("rep_flow", period.id)  # blocking findings that refused a submission or approval, with their links
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
                forget("rep_flow")
                try:
                    with context() as c:
                        fn(c, period_id=period.id, expected_version=period.version)
                except BlockingFindings as exc:
                    remember("rep_flow", period.id, exc)
                    raise
            run_action("rep_flow", _move, "common.saved")
with context() as ctx:
    history = period_history(ctx, period_id=period.id)
latest = period.version_no == max(h.version_no for h in history)
if period.status == "approved" and latest and can(role, Permission.PERIOD_REOPEN):  # only the latest version reopens
    with st.form("rep_reopen"):
        reason = st.text_input(tr("reporting.reopen_reason"), max_chars=1000, key="rep_reason")
        field_error("rep_flow", "reason")
        if st.form_submit_button(tr("reporting.reopen")):
            def _reopen() -> None:
                with context() as c:
                    reopen_period(c, period_id=period.id, reason=reason, expected_version=period.version)
            run_action("rep_flow", _reopen, "common.saved")

results_tab, quality_tab, comments_tab, history_tab = st.tabs(
    [tr("reporting.results"), tr("reporting.quality"), tr("reporting.comments"), tr("reporting.history")])
with results_tab:
    results = load_results(period.id)
    if results:
        show_results(results, period=period)
with quality_tab:
    with context() as ctx:
        findings = period_findings(ctx, period_id=period.id, results=results)
    if not findings:
        st.success(tr("reporting.no_findings"))
    for n, f in enumerate(findings):
        show = st.error if f.severity == "blocking" else st.warning
        params = {k: tr(v) if k == "reason" else v for k, v in f.params.items()}  # a limit's reason is a message
        show(f"{tr('quality.severity.' + f.severity)} {f.rule}: {tr(f.key, **params)} — {f.path}")
        field_link(period.id, f.path)
        comment_action(period, f.path, key=f"finding_{n}_{f.rule}")
with comments_tab:
    with context() as ctx:
        comments = comment_views(ctx, period_id=period.id)
    if not comments and may_comment(period):
        st.caption(tr("review.how_to_comment"))
    for view in comments:
        cm = view.comment
        st.markdown(tr("reporting.comment_line", path=cm.field_path, text=cm.text,
                       state=tr("reporting.resolved" if cm.resolved else "reporting.open")))
        st.caption(tr("review.by", author=view.author, at=view.written_at.strftime("%Y-%m-%d %H:%M UTC")))
        field_link(period.id, cm.field_path)
        if view.may_resolve:
            if st.button(tr("reporting.resolve"), key=f"rep_resolve_{cm.id}"):
                def _resolve(cid=cm.id, v=cm.version) -> None:
                    with context() as c:
                        resolve_comment(c, comment_id=cid, expected_version=v)
                run_action("rep_flow", _resolve, "common.saved")
with history_tab:
    st.dataframe([{tr("reporting.version"): h.version_no, tr("reporting.state"): tr(f"reporting.status.{h.status}"),
                   tr("reporting.reason"): h.reason, tr("reporting.snapshot_hash"): h.snapshot_hash or ""}
                  for h in history], hide_index=True, width="stretch")
    show_comparison(history, period)
