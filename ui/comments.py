"""Review comments from where the figure is: a "comment" action next to a figure or under a table opens a comment
box pre-filled with that field's path (the path the data-quality findings use), so nobody types a path."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.access import Permission, can
from core.reporting import add_comment
from core.reporting.fields import field_path
from db.reporting_models import ReportingPeriod
from ui.forms import field_error, form_error, run_action
from ui.state import acting, context, tr

OPEN = "comment_open"  # (period id, path, key) of the box that is open
FORM = "comment_box"


def may_comment(period: ReportingPeriod) -> bool:
    a = acting()
    return a is not None and can(a.role, Permission.REVIEW_COMMENT) and period.status != "approved"


def _open(period: ReportingPeriod, path: str, key: str) -> None:
    st.session_state[OPEN] = (str(period.id), path, key)
    st.session_state[f"{FORM}_text"] = ""
    for k in (f"{FORM}__errors", f"{FORM}__message"):
        st.session_state.pop(k, None)


def _box(period: ReportingPeriod, path: str) -> None:
    form_error(FORM)
    with st.form(f"{FORM}_form", border=True):
        st.session_state[f"{FORM}_path"] = path  # pre-filled, not typed
        st.text_input(tr("reporting.comment_field"), disabled=True, key=f"{FORM}_path")
        text = st.text_area(tr("reporting.comment_text"), key=f"{FORM}_text")
        field_error(FORM, "text")
        field_error(FORM, "field_path")
        buttons = st.container(horizontal=True)
        if buttons.form_submit_button(tr("reporting.add_comment"), type="primary"):
            def _add() -> None:
                with context() as c:
                    add_comment(c, period_id=period.id, field_path=path, text=text)
                st.session_state.pop(OPEN, None)
            run_action(FORM, _add, "review.added")
        if buttons.form_submit_button(tr("review.cancel")):
            st.session_state.pop(OPEN, None)
            st.rerun()


def comment_action(period: ReportingPeriod, path: str, *, key: str) -> None:
    """A small "comment" button for reviewers; pressed, the comment box opens in its place, pre-filled with `path`."""
    if not may_comment(period):
        return
    if st.session_state.get(OPEN) == (str(period.id), path, key):
        _box(period, path)
        return
    if st.button(tr("review.comment"), key=f"cmt_{key}", icon=":material/add_comment:", type="tertiary",
                 help=tr("review.comment_help", path=path)):
        _open(period, path, key)
        st.rerun()


def comment_on_rows(period: ReportingPeriod, page: str, rows: dict[int, str], fields: dict[str, str], *,
                    key: str, path_of: Callable[[int, str], str] | None = None) -> None:
    """Under a table: choose a row (by its place in the scenario, labelled as the table shows it) and a field, then
    "comment" opens the box pre-filled with that field's path (`path_of(row, field)`; by default `field_path`)."""
    if not may_comment(period) or not rows:
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        index = st.selectbox(tr("review.row"), list(rows), format_func=rows.get, key=f"{key}_cmt_row")
        choices = {"": tr("review.whole_row")} | fields
        field = st.selectbox(tr("review.field"), list(choices), format_func=choices.get, key=f"{key}_cmt_field")
        path = path_of(index, field) if path_of else field_path(page, index, field)
        opened = st.session_state.get(OPEN)
        if not (opened and opened[2] == key) and st.button(
                tr("review.comment"), key=f"cmt_{key}", icon=":material/add_comment:",
                help=tr("review.comment_help", path=path)):
            _open(period, path, key)
            st.rerun()
    opened = st.session_state.get(OPEN)
    if opened and opened[0] == str(period.id) and opened[2] == key:
        _box(period, opened[1])
