"""An editable table over service calls: `st.data_editor` in, one all-or-nothing save out.

The rows shown are kept while the person has unsaved edits (so a refused save loses nothing they typed, and the
versions they started from are the ones the save expects); otherwise they are read fresh on every run. Each
refused row's errors are listed under the table with the row and column they concern. Deleting rows needs a
confirmation."""
from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from core.context import Context
from core.errors import DomainError
from core.i18n import error_text
from core.numbers import number_text
from core.reporting.rows import RowChange, RowErrors, apply_row_changes
from ui.state import context, lang, tr

FOCUS = "focus"  # the marker column of the row a link points to
# An optional choice left empty: the grid draws an empty or unknown choice cell as a grey "None", so "nothing
# chosen" is an option of its own, shown as "—", and saved as nothing (None).
NO_CHOICE = "-"


@dataclass(slots=True)
class Row:
    id: str
    version: int
    values: dict[str, Any] = field(default_factory=dict)


# kind ("add" | "update" | "delete"), the stored row (None when added), the row's values → the service call
MakeChange = Callable[[str, Row | None, dict[str, Any]], Callable[[Context], object]]


def optional_choice(label: str, labels: dict[str, str], **kwargs: Any) -> Any:
    """A choice column that may stay empty: `labels` is value → label (computed at render time)."""
    return st.column_config.SelectboxColumn(label, options=[NO_CHOICE, *labels],
                                            format_func=({NO_CHOICE: "—"} | labels).get, **kwargs)


def _clean(value: Any, column: str, dates: tuple[str, ...]) -> Any:
    if value is None or value == NO_CHOICE or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if column in dates and isinstance(value, str):
        return date.fromisoformat(value[:10]) if value else None
    if column in dates and hasattr(value, "date"):
        return value.date()
    return value


def number_column(label: str, *, required: bool = False, help: str | None = None, width: str | None = None) -> Any:
    """A numeric input column that keeps the text as typed. The browser's number editor (glide data grid) strips
    what it thinks a column cannot hold — "-" when the minimum is 0, the "e" of "1e308" — so `-5` would be saved
    as `5` and `1e308` as `1308`. Here the text reaches the service, which parses it strictly and refuses what
    the field cannot hold in that row (core/numbers)."""
    return st.column_config.TextColumn(label, required=required, help=help, width=width)


def _is_text(config: Any) -> bool:
    return isinstance(config, dict) and (config.get("type_config") or {}).get("type") == "text"


def _is_choice(config: Any) -> bool:
    return isinstance(config, dict) and (config.get("type_config") or {}).get("type") == "selectbox"


def _has_no_choice(config: Any) -> bool:
    return _is_choice(config) and any(o.get("value") == NO_CHOICE if isinstance(o, dict) else o == NO_CHOICE
                                      for o in (config.get("type_config") or {}).get("options") or ())


def _shown(values: dict[str, Any], columns: dict[str, Any]) -> dict[str, Any]:
    """A stored number in a text column is shown with every digit it holds (saving it untouched keeps it), and an
    empty text or choice cell shows as empty rather than the grid's "None" (an untouched cell is saved from the stored row,
    so it still saves as nothing)."""
    return {k: NO_CHOICE if v is None and _has_no_choice(columns.get(k))
            else "" if v is None and (_is_text(columns.get(k)) or _is_choice(columns.get(k)))
            else number_text(v) if _is_text(columns.get(k)) and isinstance(v, int | float) and not isinstance(v, bool)
            else v for k, v in values.items()}


def _row_label(label: str) -> str:
    return tr("entry.new_row", n=label[1:]) if label.startswith("+") else tr("entry.row", n=label)


def table_editor(name: str, *, token: str, load: Callable[[], list[Row]], columns: dict[str, Any], editable: bool,
                 make_change: MakeChange, first_number: int = 1, focus_id: str | None = None,
                 focus_field: str = "", dates: tuple[str, ...] = ()) -> None:
    """`columns`: column → `st.column_config` (its label is used in error messages); `token` names what is shown
    (period, process, page, filters): a new token drops the kept rows. `focus_id`/`focus_field`: the row and field
    a link points at, marked ⚑ and named above the table."""
    snap_key, gen_key = f"{name}__rows", f"{name}__gen"
    err_key, msg_key = f"{name}__errors", f"{name}__message"
    gen = st.session_state.setdefault(gen_key, 0)
    editor_key = f"{name}__ed{gen}_{hashlib.sha1(token.encode()).hexdigest()[:8]}"
    edits = st.session_state.get(editor_key) or {}
    pending = any(edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    snap = st.session_state.get(snap_key)
    if snap is None or snap[0] != token or not (pending or st.session_state.get(err_key)):
        snap = (token, load())
        st.session_state[snap_key] = snap
    rows: list[Row] = snap[1]
    frame = pd.DataFrame([_shown(r.values, columns) for r in rows], columns=list(columns))
    config = dict(columns)
    marked = next((n for n, r in enumerate(rows) if r.id == focus_id), None) if focus_id else None
    if marked is not None:
        frame.insert(0, FOCUS, ["⚑" if r.id == focus_id else "" for r in rows])
        config[FOCUS] = st.column_config.TextColumn("⚑", disabled=True, width="small",
                                                    help=tr("entry.focus_help"))
        column = (columns.get(focus_field) or {}).get("label") or focus_field or "—"
        st.info(tr("entry.focus", row=_row_label(str(first_number + marked)), field=column), icon=":material/flag:")
    if not editable:
        st.dataframe(frame, column_config=config, hide_index=True, width="stretch")
        return
    st.data_editor(frame, key=editor_key, num_rows="dynamic", column_config=config, hide_index=True,
                   width="stretch", disabled=[FOCUS])
    if st.session_state.get(msg_key):
        st.error(st.session_state[msg_key], icon=":material/error:")
    for label, fields in (st.session_state.get(err_key) or {}).items():
        for fld, (key, params) in fields.items():
            col = config.get(fld) or config.get(fld.rsplit(".", 1)[-1]) or {}
            where = f"{_row_label(label)} · {col.get('label') or fld}" if fld else _row_label(label)
            st.error(f"{where}: {tr(key, **params)}", icon=":material/error:")

    edits = st.session_state.get(editor_key) or {}
    deleted = sorted(edits.get("deleted_rows") or [])
    confirmed = True
    if deleted:
        confirmed = st.checkbox(tr("entry.confirm_delete", count=len(deleted)), key=f"{name}__confirm{gen}")
    buttons = st.container(horizontal=True)
    save = buttons.button(tr("common.save"), type="primary", key=f"{name}__save", disabled=not confirmed)
    if buttons.button(tr("common.reload"), key=f"{name}__reload"):
        _reset(name)
        st.rerun()
    if not save:
        return
    changes: list[RowChange] = []
    for idx, changed in sorted((int(k), v) for k, v in (edits.get("edited_rows") or {}).items()):
        if idx in deleted or idx >= len(rows):
            continue
        row = rows[idx]
        values = row.values | {k: _clean(v, k, dates) for k, v in changed.items() if k in columns}
        changes.append(RowChange(str(first_number + idx), "update", make_change("update", row, values)))
    for n, added in enumerate(edits.get("added_rows") or [], start=1):
        values = {k: None for k in columns} | {k: _clean(v, k, dates) for k, v in added.items() if k in columns}
        changes.append(RowChange(f"+{n}", "add", make_change("add", None, values)))
    for idx in deleted:
        if idx < len(rows):
            changes.append(RowChange(str(first_number + idx), "delete", make_change("delete", rows[idx], {})))
    st.session_state.pop(err_key, None)
    st.session_state.pop(msg_key, None)
    try:
        with context() as ctx:
            count = apply_row_changes(ctx, changes)
    except RowErrors as exc:
        st.session_state[err_key] = exc.errors
        st.rerun()
    except DomainError as exc:
        st.session_state[msg_key] = error_text(exc, lang())
        st.rerun()
    _reset(name)
    st.session_state["flash"] = tr("entry.saved_rows", count=count)
    st.rerun()


def _reset(name: str) -> None:
    """Drop the kept rows and the editor's edits: the next run shows what is stored."""
    for suffix in ("__rows", "__errors", "__message"):
        st.session_state.pop(f"{name}{suffix}", None)
    st.session_state[f"{name}__gen"] = st.session_state.get(f"{name}__gen", 0) + 1
