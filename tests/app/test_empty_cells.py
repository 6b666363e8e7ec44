"""An empty cell of an entry table shows as empty, never as "None", and still saves as nothing.

A choice cell holding "" is drawn by the browser's grid as a grey "None" (seen in Chromium, issue 12), so an optional
choice left empty holds the option NO_CHOICE, labelled "—"."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from db.reporting_models import PurchasedPrecursor, Shipment
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from ui.table_editor import NO_CHOICE, _clean

# The demo data leaves these empty (a shipment without its process, a precursor without a benchmark route).
EMPTY = {"shipments": (Shipment, "process_id"), "precursors": (PurchasedPrecursor, "benchmark_route")}


@pytest.mark.parametrize("page", sorted(EMPTY))
def test_entry_tables_show_no_none(demo_data, page):
    model, column = EMPTY[page]
    with scoped_session(Scope(), get_engine()) as s:
        empty_before = sum(getattr(r, column) is None for r in s.exec(select(model)))
    assert empty_before
    at = open_app("editor", "zh", page)
    assert not at.exception
    frames = [t.value for t in [*at.data_editor, *at.dataframe]]
    assert any(column in f.columns for f in frames)
    shown = [(c, v) for f in frames for c in f.columns for v in f[c] if v is None or str(v) in ("None", "nan")]
    assert shown == []
    editor = next(e for e in [*at.data_editor, *at.dataframe] if column in e.value.columns)
    assert NO_CHOICE in list(editor.value[column])  # the option, not "" (which the grid draws as "None")
    options = json.loads(editor.proto.columns)[column]["type_config"]["options"]
    assert {"value": NO_CHOICE, "label": "—"} in options
    assert _clean(NO_CHOICE, column, ()) is None  # chosen again, it saves as nothing
    with scoped_session(Scope(), get_engine()) as s:  # showing "" wrote nothing back
        assert sum(getattr(r, column) is None for r in s.exec(select(model))) == empty_before
