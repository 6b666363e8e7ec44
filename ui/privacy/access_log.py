"""The DPO's tab for issue 15: the personal-data access log (filters, chain verification), the impact assessments
(list, create, edit, history, delete once kept three years) and reports of a possible minor (report with a
confirmation, then adult / minor with a confirmation)."""
from __future__ import annotations

import streamlit as st

from core.clock import SystemClock
from core.privacy import access_log, impact, minors
from ui.forms import form_error, run_action
from ui.state import context, labels, tr


def render() -> None:
    _access_log()
    st.divider()
    _assessments()
    st.divider()
    _minor_reports()


def _access_log() -> None:
    st.subheader(tr("privacy.access.title"))
    c1, c2 = st.columns(2)
    resource = c1.selectbox(tr("privacy.access.filter_resource"), ["", *access_log.RESOURCES],
                            format_func=({"": "—"} | labels("privacy.access.resource", access_log.RESOURCES)).get,
                            key="al_resource")
    action = c2.selectbox(tr("privacy.access.filter_action"), ["", *access_log.ACTIONS],
                          format_func=({"": "—"} | labels("privacy.access.action", access_log.ACTIONS)).get,
                          key="al_action")
    with context() as ctx:
        result = access_log.verify_organization(ctx)
        rows, total = access_log.list_access(ctx, access_log.AccessFilter(resource=resource or None,
                                                                          action=action or None))
        names = access_log.viewer_names(ctx, {r.viewer for r in rows} | {s for r in rows for s in r.people})
    if result.ok:
        st.success(tr("privacy.access.verify_ok", checked=result.checked), icon=":material/verified:")
    else:
        st.error(tr("privacy.access.verify_broken", seq=result.broken_seq,
                    reason=tr(f"privacy.access.reason.{result.reason}")), icon=":material/gpp_bad:")
    if not rows:
        st.info(tr("privacy.access.none"))
        return
    st.caption(tr("privacy.access.count", shown=len(rows), total=total))
    st.dataframe([{
        tr("privacy.access.col.at"): r.at.strftime("%Y-%m-%d %H:%M"),
        tr("privacy.access.col.viewer"): names.get(r.viewer, r.viewer),
        tr("privacy.access.col.role"): tr(f"role.{r.viewer_role}") if r.viewer_role else "",
        tr("privacy.access.col.action"): tr(f"privacy.access.action.{r.action}"),
        tr("privacy.access.col.resource"): tr(f"privacy.access.resource.{r.resource}"),
        tr("privacy.access.col.people"): ", ".join(names.get(s, s) for s in r.people),
        tr("privacy.access.col.seq"): r.seq,
    } for r in rows], hide_index=True, width="stretch")


def _pia_fields(prefix: str, values: dict) -> impact.ImpactData:
    title = st.text_input(tr("privacy.pia.field.title"), value=values.get("title", ""), key=f"{prefix}_title")
    trigger = st.selectbox(tr("privacy.pia.field.trigger"), impact.TRIGGERS,
                           index=impact.TRIGGERS.index(values.get("trigger", "other")),
                           format_func=labels("privacy.pia.trigger", impact.TRIGGERS).get, key=f"{prefix}_trigger")
    purpose = st.text_area(tr("privacy.pia.field.purpose"), value=values.get("purpose", ""), key=f"{prefix}_purpose")
    risks = st.text_area(tr("privacy.pia.field.risks"), value=values.get("risks", ""), key=f"{prefix}_risks")
    measures = st.text_area(tr("privacy.pia.field.measures"), value=values.get("measures", ""),
                            key=f"{prefix}_measures")
    level = st.selectbox(tr("privacy.pia.field.risk_level"), impact.RISK_LEVELS,
                         index=impact.RISK_LEVELS.index(values.get("risk_level", "medium")),
                         format_func=labels("privacy.pia.risk", impact.RISK_LEVELS).get, key=f"{prefix}_level")
    return impact.ImpactData(title=title, trigger=trigger, purpose=purpose, risks=risks, measures=measures,
                             risk_level=level)


def _assessments() -> None:
    st.subheader(tr("privacy.pia.title"))
    st.caption(tr("privacy.pia.intro"))
    form_error("privacy_pia")
    with context() as ctx:
        pias = impact.list_assessments(ctx)
        today = ctx.clock.now().date()
    if pias:
        st.dataframe([{
            tr("privacy.pia.field.title"): p.title, tr("privacy.pia.field.trigger"): tr(f"privacy.pia.trigger.{p.trigger}"),
            tr("privacy.pia.field.risk_level"): tr(f"privacy.pia.risk.{p.risk_level}"),
            tr("privacy.pia.field.assessed_on"): p.assessed_on.isoformat(),
            tr("privacy.pia.version"): p.version, tr("privacy.pia.keep_until"): impact.keep_until(p).isoformat(),
        } for p in pias], hide_index=True, width="stretch")
    else:
        st.info(tr("privacy.pia.none"))
    with st.expander(tr("privacy.pia.new")):
        data = _pia_fields("pia_new", {})
        if st.button(tr("privacy.pia.create"), key="pia_create"):
            def _create() -> None:
                with context() as c:
                    impact.create_assessment(c, data)

            run_action("privacy_pia", _create, "privacy.pia.saved")
    if not pias:
        return
    by_id = {p.id: p for p in pias}
    chosen = st.selectbox(tr("privacy.pia.choose"), list(by_id), format_func=lambda i: by_id[i].title,
                          key="pia_choose")
    pia = by_id[chosen]
    with st.expander(tr("privacy.pia.edit")):
        data = _pia_fields(f"pia_edit_{pia.id}_{pia.version}", pia.model_dump())
        if st.button(tr("privacy.pia.save"), key="pia_save"):
            def _save() -> None:
                with context() as c:
                    impact.update_assessment(c, pia.id, data, expected_version=pia.version)

            run_action("privacy_pia", _save, "privacy.pia.saved")
    with st.expander(tr("privacy.pia.history")):
        with context() as ctx:
            versions = impact.history(ctx, pia.id)
        st.dataframe([{tr("privacy.pia.version"): v.version, tr("privacy.access.col.at"): v.at.strftime("%Y-%m-%d %H:%M"),
                       tr("privacy.pia.field.title"): v.values.get("title", ""),
                       tr("privacy.pia.field.risk_level"): tr(f"privacy.pia.risk.{v.values.get('risk_level', 'medium')}")}
                      for v in versions], hide_index=True, width="stretch")
    until = impact.keep_until(pia)
    if today < until:
        st.caption(tr("privacy.pia.kept_until", until=until.isoformat()))
    confirm = st.checkbox(tr("privacy.pia.delete_confirm", title=pia.title), key="pia_delete_confirm")
    if st.button(tr("privacy.pia.delete"), key="pia_delete", disabled=not confirm):
        def _delete() -> None:
            with context() as c:
                impact.delete_assessment(c, pia.id, expected_version=pia.version)

        run_action("privacy_pia", _delete, "privacy.pia.deleted")


def _operator(step) -> None:  # noqa: ANN001
    """Run a minor-flow step as the acting DPO on the operator session (core.privacy.minors)."""
    from core.privacy.subject import operator_session

    with context() as c, operator_session() as s:
        step(minors.dpo_context(s, c.user, c.tenant, SystemClock().now()))


def _minor_reports() -> None:
    st.subheader(tr("privacy.minor.title"))
    st.caption(tr("privacy.minor.intro", days=minors.ANSWER_DAYS))
    form_error("privacy_minor")
    with context() as ctx:
        choices = minors.reportable_members(ctx)
        reports = minors.list_reports(ctx)
        names = access_log.viewer_names(ctx, {str(r.user_id) for r in reports if r.user_id})
    if choices:
        who = st.selectbox(tr("privacy.minor.member"), list(choices), format_func=choices.get, key="minor_member")
        reason = st.text_input(tr("privacy.minor.reason"), key="minor_reason")
        confirm = st.checkbox(tr("privacy.minor.report_confirm"), key="minor_report_confirm")
        if st.button(tr("privacy.minor.report"), key="minor_report", disabled=not confirm):
            run_action("privacy_minor", lambda: _operator(
                lambda c: minors.report_minor(c, user_id=who, reason=reason)), "privacy.minor.reported")
    if not reports:
        st.info(tr("privacy.minor.none"))
        return
    st.dataframe([{tr("privacy.minor.col.reported"): r.reported_at.strftime("%Y-%m-%d"),
                   tr("privacy.minor.col.person"): names.get(str(r.user_id), "—"),
                   tr("privacy.minor.col.status"): tr(f"privacy.minor.status.{r.status}"),
                   tr("privacy.minor.col.due"): r.answer_due_on.isoformat()} for r in reports],
                 hide_index=True, width="stretch")
    open_reports = {r.id: r for r in reports if r.status == minors.SUSPENDED}
    if not open_reports:
        return
    rid = st.selectbox(tr("privacy.minor.open"), list(open_reports),
                       format_func=lambda i: f"{open_reports[i].reported_at:%Y-%m-%d} · "
                                             f"{names.get(str(open_reports[i].user_id), '—')}",
                       key="minor_open")
    b1, b2 = st.columns(2)
    if b1.button(tr("privacy.minor.adult"), key="minor_adult"):
        run_action("privacy_minor", lambda: _operator(lambda c: minors.confirm_adult(c, rid)),
                   "privacy.minor.done")
    erase_ok = b2.checkbox(tr("privacy.minor.erase_confirm"), key="minor_erase_confirm")
    if b2.button(tr("privacy.minor.minor"), key="minor_minor", type="primary", disabled=not erase_ok):
        run_action("privacy_minor", lambda: _operator(lambda c: minors.confirm_minor(c, rid)),
                   "privacy.minor.done")

