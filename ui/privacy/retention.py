"""The DPO's retention tab: the schedule, what a run today would do to the organization's data (a dry run), the
deletions coming in the next 30 days, the run log with its alerts, and the legal holds (set, release)."""
from __future__ import annotations

import streamlit as st

from core.retention import holds as holds_service
from core.retention import service
from core.retention.holds import is_active
from ui.forms import form_error, run_action
from ui.state import context, lang, tr

FORM = "retention_holds"


def _overview():  # noqa: ANN202
    from core.privacy.subject import operator_session

    with context() as ctx, operator_session() as s:
        return service.overview(ctx, s)


def _totals(counts: dict) -> tuple[int, int, int]:
    tables = (counts or {}).get("tables", {})
    return tuple(sum(c.get(k, 0) for c in tables.values()) for k in ("deleted", "pseudonymised", "held"))


def render() -> None:
    st.header(tr("retention.ui.title"))
    ov = _overview()
    for alert in ov.alerts[:1]:
        st.error(tr("retention.ui.alert", day=alert.as_of.isoformat(), count=len(alert.errors)),
                 icon=":material/warning:")
    if ov.deletion_on:
        st.warning(tr("retention.ui.deletion_on", day=ov.deletion_on.isoformat()))

    st.subheader(tr("retention.ui.schedule"))
    st.table([{tr(f"retention.ui.col.{k}"): row[k] for k in ("rule", "table", "trigger", "period", "action")}
              for row in service.schedule(lang() if lang() in ("zh", "en") else "en")])

    st.subheader(tr("retention.ui.preview"))
    rows = [{tr("retention.ui.col.table"): tr(f"retention.table.{name}"),
             tr("retention.ui.col.deleted"): c.deleted, tr("retention.ui.col.pseudonymised"): c.pseudonymised,
             tr("retention.ui.col.held"): c.held}
            for name, c in sorted(ov.preview.tables.items()) if c.deleted or c.pseudonymised or c.held]
    if rows:
        st.table(rows)
    else:
        st.info(tr("retention.ui.preview_none"))

    st.subheader(tr("retention.ui.upcoming", count=service.UPCOMING_DAYS))
    if ov.upcoming:
        st.table([{tr("retention.ui.col.day"): day.isoformat(), tr("retention.ui.col.table"):
                   tr(f"retention.table.{name}"), tr("retention.ui.col.rows"): n} for day, name, n in ov.upcoming])
    else:
        st.info(tr("retention.ui.upcoming_none", count=service.UPCOMING_DAYS))

    st.subheader(tr("retention.ui.runs"))
    if ov.runs:
        table = []
        for r in ov.runs:
            deleted, pseudonymised, held = _totals(r.counts)
            table.append({tr("retention.ui.col.started"): r.started_at.strftime("%Y-%m-%d %H:%M"),
                          tr("retention.ui.col.as_of"): r.as_of.isoformat(),
                          tr("retention.ui.col.dry_run"): tr("retention.ui.yes" if r.dry_run else "retention.ui.no"),
                          tr("retention.ui.col.status"): tr(f"retention.ui.status.{r.status}"),
                          tr("retention.ui.col.deleted"): deleted,
                          tr("retention.ui.col.pseudonymised"): pseudonymised,
                          tr("retention.ui.col.held"): held,
                          tr("retention.ui.col.duration"): r.duration_ms,
                          tr("retention.ui.col.errors"): len(r.errors or [])})
        st.table(table)
    else:
        st.info(tr("retention.ui.runs_none"))

    _holds(ov.today)


def _holds(today) -> None:  # noqa: ANN001
    st.subheader(tr("retention.ui.holds"))
    st.caption(tr("retention.ui.holds_help"))
    with context() as ctx:
        holds = holds_service.list_holds(ctx)
        people = service.hold_people(ctx)
    active = [h for h in holds if is_active(h, today)]
    if active:
        st.table([{tr("retention.ui.col.person"): people.get(h.user_id, tr("retention.ui.whole_org"))
                   if h.user_id else tr("retention.ui.whole_org"),
                   tr("retention.ui.col.reason"): h.reason,
                   tr("retention.ui.col.expires"): h.expires_on.isoformat() if h.expires_on else "—",
                   tr("retention.ui.col.set_at"): h.set_at.strftime("%Y-%m-%d")} for h in active])
    else:
        st.info(tr("retention.ui.holds_none"))
    form_error(FORM)
    options = ["", *people]
    person = st.selectbox(tr("retention.ui.hold_person"), options, key="ret_hold_person",
                          format_func=lambda o: people.get(o, "—") if o else "—")
    reason = st.text_input(tr("retention.ui.hold_reason"), key="ret_hold_reason")
    expires = st.date_input(tr("retention.ui.hold_expires"), value=None, key="ret_hold_expires")
    if st.button(tr("retention.ui.hold_set"), key="ret_hold_set", icon=":material/lock:"):
        def _set() -> None:
            with context() as c:
                holds_service.set_hold(c, reason=reason, user_id=person or None, expires_on=expires)

        run_action(FORM, _set, "retention.ui.done")
    if active:
        labels = {h.id: f"{h.reason} · {people.get(h.user_id, tr('retention.ui.whole_org'))}" for h in active}
        chosen = st.selectbox(tr("retention.ui.hold_to_release"), list(labels), format_func=labels.get,
                              key="ret_hold_release_id")
        sure = st.checkbox(tr("retention.ui.confirm_release"), key="ret_hold_release_sure")
        if st.button(tr("retention.ui.hold_release"), key="ret_hold_release", disabled=not sure):
            def _release() -> None:
                with context() as c:
                    holds_service.release_hold(c, chosen)

            run_action(FORM, _release, "retention.ui.done")
