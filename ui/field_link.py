"""Links from a finding or a comment to the entry page and row it concerns, and the landing side: which row and
field the link points at (`?period=<id>&row=<id>&field=<name>&pos=<n>`)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import streamlit as st

from core.access import pages_for
from core.errors import DomainError
from core.reporting.fields import FieldTarget, locate_field
from ui.navigation import page
from ui.state import acting, context, tr


@dataclass(frozen=True, slots=True)
class Focus:
    row: str | None  # the row id the link points at
    field: str
    stream: str | None = None
    position: int | None = None
    fresh: bool = False  # the first run after following the link (apply paging and selection once)


def field_link(period_id: uuid.UUID, path: str) -> None:
    """A link to where `path` is entered; nothing when the path names no entry page the person may open."""
    try:
        with context() as ctx:
            target = locate_field(ctx, period_id=period_id, path=path)
    except DomainError:
        return
    a = acting()
    if target is None or a is None or target.page not in pages_for(a.role):
        return
    params = {"period": str(period_id), "field": target.field}
    for name, value in (("row", target.row_id), ("stream", target.stream_id), ("pos", target.position)):
        if value is not None:
            params[name] = str(value)
    st.page_link(page(target.page), label=tr("entry.go_to_field", page=tr(f"page.{target.page}")),
                 icon=":material/edit_note:", query_params=params)


def current_focus() -> Focus | None:
    """The row and field the page was linked to, if any."""
    q = st.query_params
    if "field" not in q and "row" not in q:
        return None
    marker = "|".join(f"{k}={q.get(k)}" for k in ("period", "row", "field", "stream", "pos"))
    fresh = st.session_state.get("focus_applied") != marker
    st.session_state["focus_applied"] = marker
    pos = q.get("pos")
    return Focus(q.get("row"), q.get("field") or "", q.get("stream"),
                 int(pos) if pos and pos.isdigit() else None, fresh)


def show_focus(row: str, field: str) -> None:
    """Say which row and field a link points at (tables mark the row ⚑ themselves)."""
    st.info(tr("entry.focus", row=row, field=field or "—"), icon=":material/flag:")


__all__ = ["FieldTarget", "Focus", "current_focus", "field_link", "show_focus"]
