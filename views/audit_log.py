"""Audit log (owner, DPO): filter the organization's events and verify the hash chain."""
from datetime import UTC, datetime, time, timedelta

import streamlit as st

from core.audit import AuditFilter, actor_names, audit_actions, list_events, verify_organization
from ui.navigation import guard
from ui.state import context, tr

guard("audit_log")

PAGE_SIZE = 100
st.title(tr("page.audit_log"))

with context() as ctx:
    actions = audit_actions(ctx)
c1, c2, c3 = st.columns(3)
action = c1.selectbox(tr("audit.action"), [""] + actions, format_func=({"": tr("audit.all")} | {a: tr(f"audit.event.{a}") for a in actions}).get,
                      key="audit_action")
since = c2.date_input(tr("audit.since"), value=None, key="audit_since")
until = c3.date_input(tr("audit.until"), value=None, key="audit_until")
flt = AuditFilter(action=action or None,
                  since=datetime.combine(since, time.min, UTC) if since else None,
                  until=datetime.combine(until, time.min, UTC) + timedelta(days=1) if until else None)

# One count per render: the rows and their total come from one service call; the page selector is drawn above
# them afterwards (a container keeps its place), with the page read from the widget's state.
pager = st.container()
page = max(1, int(st.session_state.get("audit_page", 1)))
with context() as ctx:
    events, total = list_events(ctx, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    total_pages = max(1, -(-total // PAGE_SIZE))
    if page > total_pages:  # the filters shrank the result: show its last page
        page = total_pages
        events, total = list_events(ctx, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    names = actor_names(ctx, [e.actor_id for e in events])
st.session_state["audit_page"] = page
pager.number_input(tr("audit.page"), min_value=1, max_value=total_pages, key="audit_page")
st.caption(tr("audit.count", total=total, page=page, pages=total_pages))
st.dataframe([{tr("audit.at"): e.at, tr("audit.action"): tr(f"audit.event.{e.action}"), tr("audit.entity"): tr(f"entity.{e.entity}"),
               tr("audit.entity_id"): e.entity_id, tr("audit.actor"): names.get(e.actor_id, ""), tr("audit.seq"): e.seq,
               tr("audit.hash"): e.hash[:12]} for e in events],
             hide_index=True, width="stretch")

if st.button(tr("audit.verify"), icon=":material/verified:", key="audit_verify"):
    with st.spinner(tr("audit.verifying")), context() as ctx:
        result = verify_organization(ctx)
    if result.ok:
        st.success(tr("audit.verify_ok", checked=result.checked))
    else:
        st.error(tr("audit.verify_broken", seq=result.broken_seq, reason=tr(f"audit.reason.{result.reason}"),
                    checked=result.checked))
