"""Policy versions (the DPO's tab): the list with each version's status, drafting a new one, review, and
scheduling with the notice-period check (core.consent.policies). Reads and writes go through the operator session
after the DPO's own context is checked."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from core.consent import policies as pol
from core.settings import get_settings
from ui.forms import field_error, form_error, run_action
from ui.state import context, labels, tr

FORM = "policies"


def _fmt(at: datetime | None) -> str:
    if at is None:
        return "—"
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _run(fn, success: str = "consent.policies.done") -> None:  # noqa: ANN001
    from core.privacy.subject import operator_session

    def _do() -> None:
        with context() as c, operator_session() as op:
            fn(c, op)

    run_action(FORM, _do, success)


def _list(versions: list, now: datetime) -> None:
    if not versions:
        st.info(tr("consent.policies.none", label=get_settings().privacy_policy_version))
        return
    st.dataframe([{tr("consent.policies.col.kind"): tr(f"consent.kind.{v.kind}"),
                   tr("consent.policies.col.label"): v.label,
                   tr("consent.policies.col.status"): tr(f"consent.status.{pol.status_at(v, now)}"),
                   tr("consent.policies.col.notice"): _fmt(v.notice_at),
                   tr("consent.policies.col.effective"): _fmt(v.effective_at),
                   tr("consent.policies.col.changed"): tr("consent.yes" if v.changed_purposes else "consent.no"),
                   tr("consent.policies.col.notified"): v.notified} for v in versions],
                 hide_index=True, width="stretch")


def _actions(versions: list, now: datetime) -> None:
    open_ = [v for v in versions if v.status in (pol.DRAFT, pol.REVIEW)]
    if not open_:
        return
    by_id = {str(v.id): v for v in open_}
    names = {i: f"{tr('consent.kind.' + v.kind)} {v.label} · {tr('consent.status.' + v.status)}"
             for i, v in by_id.items()}  # fixed now: Streamlit may format options again outside the run
    chosen = st.selectbox(tr("consent.policies.choose"), list(by_id), key="pol_version", format_func=names.get)
    v = by_id[chosen]
    with st.expander(tr("consent.policies.read", label=v.label)):
        st.text(v.text_zh)
        st.text(v.text_en)
    if v.status == pol.DRAFT:
        if st.button(tr("consent.policies.submit"), key="pol_submit"):
            _run(lambda c, op: pol.submit_for_review(c, op, v.id))
        return
    if st.button(tr("consent.policies.return"), key="pol_return"):
        _run(lambda c, op: pol.return_to_draft(c, op, v.id))
    earliest = pol.earliest_effective(v.kind, now)
    st.caption(tr("consent.policies.earliest", earliest=_fmt(earliest), days=pol.NOTICE_DAYS[v.kind]))
    c1, c2 = st.columns(2)
    default = (earliest + timedelta(days=1)).date()  # the next midnight after the earliest instant
    day = c1.date_input(tr("consent.policies.effective_date"), value=default, key="pol_effective_date")
    at = c2.time_input(tr("consent.policies.effective_time"), value=time(0, 0), key="pol_effective_time")
    confirmed = st.checkbox(tr("consent.policies.confirm"), key="pol_confirm")
    if st.button(tr("consent.policies.schedule"), type="primary", key="pol_schedule"):
        if not confirmed:  # every active person is e-mailed: confirm first
            st.session_state[f"{FORM}__message"] = tr("consent.policies.confirm_needed")
            st.rerun()
        effective = datetime.combine(day, at, tzinfo=UTC)
        _run(lambda c, op: pol.schedule(c, op, v.id, effective), "consent.policies.scheduled_done")


def _new() -> None:
    with st.expander(tr("consent.policies.new")), st.form("pol_new"):
        kind = st.selectbox(tr("consent.policies.kind"), pol.KINDS, format_func=labels("consent.kind", pol.KINDS).get,
                            key="pol_new_kind")
        label = st.text_input(tr("consent.policies.label"), max_chars=40, key="pol_new_label")
        field_error(FORM, "label")
        summary_zh = st.text_area(tr("consent.policies.summary_zh"), max_chars=2000, key="pol_new_summary_zh")
        summary_en = st.text_area(tr("consent.policies.summary_en"), max_chars=2000, key="pol_new_summary_en")
        text_zh = st.text_area(tr("consent.policies.text_zh"), key="pol_new_text_zh")
        field_error(FORM, "text_zh")
        text_en = st.text_area(tr("consent.policies.text_en"), key="pol_new_text_en")
        field_error(FORM, "text_en")
        purposes = st.multiselect(tr("consent.policies.purposes"), pol.PURPOSES, default=list(pol.BASELINE_PURPOSES),
                                  format_func=labels("consent.purpose", pol.PURPOSES).get, key="pol_new_purposes")
        field_error(FORM, "purposes")
        changed = st.checkbox(tr("consent.policies.purposes_changed"), key="pol_new_changed")
        saved = st.form_submit_button(tr("consent.policies.create"), type="primary")
    if saved:
        data = pol.PolicyDraft(kind=kind, label=label, text_zh=text_zh, text_en=text_en, summary_zh=summary_zh,
                               summary_en=summary_en, purposes=purposes, purposes_changed=changed)
        _run(lambda c, op: pol.create_draft(c, op, data))


def render() -> None:
    from core.privacy.subject import operator_session

    st.subheader(tr("consent.policies.title"))
    st.caption(tr("consent.policies.rule"))
    with context() as ctx, operator_session() as op:
        now = ctx.clock.now()
        versions = pol.list_versions(ctx, op)
    form_error(FORM)
    _list(versions, now)
    _actions(versions, now)
    _new()
