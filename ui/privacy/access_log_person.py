"""A person's own view (every member, not only the DPO): who viewed or exported my personal data in the acting
organization, and when (the entries about them only; not whom else a view showed)."""
from __future__ import annotations

import streamlit as st

from core.privacy import access_log
from ui.state import acting, context, tr


def render() -> None:
    st.subheader(tr("privacy.access.mine_title"))
    st.caption(tr("privacy.access.mine_intro"))
    a = acting()
    if a is None or a.org_id is None:
        st.info(tr("privacy.access.mine_no_org"))
        return
    with context() as ctx:
        rows = access_log.my_access(ctx)
        names = access_log.viewer_names(ctx, {r.viewer for r in rows})
    if not rows:
        st.info(tr("privacy.access.mine_none"))
        return
    st.dataframe([{
        tr("privacy.access.col.at"): r.at.strftime("%Y-%m-%d %H:%M"),
        tr("privacy.access.col.viewer"): names.get(r.viewer, r.viewer),
        tr("privacy.access.col.role"): tr(f"role.{r.viewer_role}") if r.viewer_role else "",
        tr("privacy.access.col.action"): tr(f"privacy.access.action.{r.action}"),
        tr("privacy.access.col.resource"): tr(f"privacy.access.resource.{r.resource}"),
    } for r in rows], hide_index=True, width="stretch")
