"""The tables of one production process on the processes page: its source streams (one table per monitoring
method, with that method's fields and units) and the precursors it consumed."""
from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from core.reporting import (
    METHOD_FIELDS,
    ProcessInputData,
    SourceStreamData,
    add_process_input,
    add_source_stream,
    delete_process_input,
    delete_source_stream,
    list_process_inputs,
    list_source_streams,
    update_process_input,
    update_source_stream,
)
from core.reporting.fields import field_path
from db.reporting_models import ProductionProcess, PurchasedPrecursor, ReportingPeriod
from ui.comments import comment_on_rows, may_comment
from ui.state import context, tr
from ui.table_editor import Row, number_column, table_editor

_CHOICE_FIELDS = ("activity_unit", "ncv_unit", "ef_unit", "carbon_content_unit", "gas")


def stream_columns(method: str) -> dict[str, Any]:
    columns: dict[str, Any] = {"name": st.column_config.TextColumn(tr("entry.stream_name"), max_chars=200,
                                                                   width="medium")}
    for name, unit in METHOD_FIELDS[method]:
        label = tr(f"entry.field.{name}")
        if name in _CHOICE_FIELDS:
            columns[name] = st.column_config.SelectboxColumn(label, options=[u.strip() for u in unit.split("|")])
        else:
            columns[name] = number_column(f"{label} ({unit})", help=unit)
    return columns


def source_stream_tables(process: ProductionProcess, *, editable: bool, focus_stream: str | None,
                         focus_field: str = "", period: ReportingPeriod | None = None,
                         position: int | None = None) -> None:
    """With `period` and the process's `position` (the `i` of `processes[i]`), reviewers comment on a stream."""
    with context() as ctx:
        streams = list_source_streams(ctx, process_id=process.id)
    methods = list(METHOD_FIELDS)
    counts = {m: sum(1 for s in streams if s.method == m) for m in methods}
    tabs = st.tabs([f"{tr(f'entry.method.{m}')} ({counts[m]})" for m in methods])
    for tab, method in zip(tabs, methods, strict=True):
        with tab:
            columns = stream_columns(method)

            def rows(method=method, columns=columns) -> list[Row]:
                with context() as c:
                    items = [s for s in list_source_streams(c, process_id=process.id) if s.method == method]
                return [Row(str(s.id), s.version, {"name": s.name} | {k: s.params.get(k) for k in columns
                                                                       if k != "name"}) for s in items]

            def change(kind, row, v, method=method):
                def data() -> SourceStreamData:
                    return SourceStreamData(name=v.get("name") or "", method=method,
                                            params={k: x for k, x in v.items() if k != "name"})
                if kind == "add":
                    return lambda c: add_source_stream(c, process_id=process.id, data=data())
                if kind == "update":
                    return lambda c: update_source_stream(c, stream_id=uuid.UUID(row.id), data=data(),
                                                          expected_version=row.version)
                return lambda c: delete_source_stream(c, stream_id=uuid.UUID(row.id), expected_version=row.version)

            table_editor(f"ss_{method}", token=str(process.id), load=rows, columns=columns,
                         editable=editable, make_change=change, focus_id=focus_stream, focus_field=focus_field)
            if period is not None and position is not None:
                places = {n: s.name or f"#{n + 1}" for n, s in enumerate(streams) if s.method == method}
                comment_on_rows(period, "processes", places,
                                {k: col["label"] for k, col in columns.items() if k != "name"}, key=f"ss_{method}_rows",
                                path_of=lambda n, f: field_path("processes", position, f, stream_index=n))


def input_table(process: ProductionProcess, processes: list[ProductionProcess],
                precursors: list[PurchasedPrecursor], *, editable: bool, period: ReportingPeriod | None = None,
                position: int | None = None) -> None:
    sources = {f"p:{p.id}": p.code for p in processes if p.id != process.id}
    sources |= {f"pp:{p.id}": tr("entry.input_purchased", code=p.code) for p in precursors}
    columns = {
        "from": st.column_config.SelectboxColumn(tr("entry.input_from"), options=list(sources),
                                                 format_func=sources.get, required=True, width="medium"),
        "mass": number_column(tr("entry.input_mass"), required=True),
    }

    def rows() -> list[Row]:
        with context() as c:
            items = list_process_inputs(c, process_id=process.id)
        return [Row(str(i.id), i.version, {"from": f"p:{i.from_process_id}" if i.from_process_id
                                           else f"pp:{i.from_precursor_id}", "mass": i.mass}) for i in items]

    def change(kind, row, v):
        def data() -> ProcessInputData:
            kind_, _, ident = (v.get("from") or "").partition(":")
            return ProcessInputData(from_process_id=ident if kind_ == "p" else None,
                                    from_precursor_id=ident if kind_ == "pp" else None, mass=v.get("mass"))
        if kind == "add":
            return lambda c: add_process_input(c, process_id=process.id, data=data())
        if kind == "update":
            return lambda c: update_process_input(c, input_id=uuid.UUID(row.id), data=data(),
                                                  expected_version=row.version)
        return lambda c: delete_process_input(c, input_id=uuid.UUID(row.id), expected_version=row.version)

    table_editor("pin", token=str(process.id), load=rows, columns=columns, editable=editable, make_change=change)
    if period is not None and position is not None and may_comment(period):
        with context() as c:
            items = list_process_inputs(c, process_id=process.id)
        names = {**{p.id: p.code for p in processes}, **{p.id: p.code for p in precursors}}
        comment_on_rows(period, "processes", {n: names.get(i.from_process_id or i.from_precursor_id, f"#{n + 1}")
                                              for n, i in enumerate(items)},
                        {"mass": tr("entry.input_mass")}, key="pin_rows",
                        path_of=lambda n, f: field_path("processes", position, f, input_index=n))
