"""Production processes of a period: goods, route, CN codes, activity level, qualifying parameters, heat, waste
gas and electricity; per process its source streams and the precursors it consumed; live SEE and cost."""
import streamlit as st

from core.access import Permission, can
from core.numbers import number_text
from core.numbers.display import printf
from core.reporting import (
    EDITABLE,
    ProcessData,
    add_process,
    delete_process,
    list_processes,
    list_purchased_precursors,
    update_process,
)
from core.reporting.common import goods_categories, qualifying_key, qualifying_parameters, route_key
from core.reporting.fields import field_path
from core.reporting.processes import BENCHMARK_ROUTES
from ui.carbon_price import render as carbon_price_section
from ui.comments import comment_action, comment_on_rows
from ui.field_link import current_focus, show_focus
from ui.forms import field_error, form_error, prefill, reload_record, run_action
from ui.goods import category_labels, cn_labels
from ui.navigation import guard
from ui.period_picker import pick_period
from ui.process_tables import input_table, source_stream_tables
from ui.results import load_results, show_results
from ui.state import context, labels, tr

guard("processes")

st.title(tr("page.processes"))
period = pick_period("proc")
with context() as ctx:
    processes = list_processes(ctx, period_id=period.id)
    precursors = list_purchased_precursors(ctx, period_id=period.id)
    editable = can(ctx.role, Permission.DATA_EDIT) and period.status in EDITABLE
if not editable:
    st.caption(tr("entry.read_only", status=tr(f"reporting.status.{period.status}")))

with st.expander(tr("entry.live_results"), expanded=True):
    results = load_results(period.id)
    if results:
        show_results(results, period=period)

cats = category_labels()
st.dataframe([{tr("entry.code"): p.code, tr("entry.process_name"): p.name,
               tr("entry.goods_category"): cats.get(p.goods_category, p.goods_category),
               tr("entry.cn_codes"): ", ".join(p.cn_codes or ([p.cn_code] if p.cn_code else [])),
               tr("entry.activity_level"): p.activity_level} for p in processes], hide_index=True, width="stretch",
             # tonnes, or MWh for electricity: both to three decimals (core.numbers.display)
             column_config={tr("entry.activity_level"): st.column_config.NumberColumn(format=printf("t"))})
comment_on_rows(period, "processes", {n: f"{p.code} {p.name}".strip() for n, p in enumerate(processes)},
                {"activity_level": tr("entry.activity_level"), "direct_emissions": tr("entry.direct_emissions"),
                 "cn_code": tr("entry.cn_codes"), "goods_category": tr("entry.goods_category")}, key="proc_rows")

NEW, form = "new", "procf"
focus = current_focus()
choices = {str(p.id): f"{p.code} {p.name}".strip() for p in processes} | ({NEW: tr("entry.new_process")} if editable else {})
if not choices:
    st.info(tr("entry.no_processes"), icon=":material/info:")
    st.stop()
if focus is not None and focus.fresh and focus.row in choices:
    st.session_state["proc_chosen"] = focus.row
if st.session_state.get("proc_select_next") in choices:
    st.session_state["proc_chosen"] = st.session_state.pop("proc_select_next")
chosen = st.selectbox(tr("entry.which_process"), list(choices), format_func=choices.get, key="proc_chosen")
current = next((p for p in processes if str(p.id) == chosen), None)
marked = focus if focus is not None and current is not None and focus.row == chosen else None
FIELD_LABELS = {"code": "entry.code", "name": "entry.process_name", "goods_category": "entry.goods_category",
                "route": "entry.route", "cn_code": "entry.cn_codes", "cn_codes": "entry.cn_codes",
                "activity_level": "entry.activity_level_unit", "direct_emissions": "entry.direct_emissions",
                "mass": "entry.input_mass", "from": "entry.input_from"}
if marked is not None and marked.stream is None:
    show_focus(choices[chosen], tr(FIELD_LABELS.get(marked.field, f"entry.field.{marked.field}")))
GROUPS = {"heat": ("heat_imported_tj", "heat_imported_ef", "heat_exported_tj", "heat_exported_ef", "heat_ef_source"),
          "waste_gas": ("waste_gas_imported_tj", "waste_gas_exported_tj"),
          "electricity": ("electricity_consumed_mwh", "electricity_ef", "electricity_exported_mwh",
                          "electricity_exported_ef", "electricity_ef_source")}
ENERGY = [n for names in GROUPS.values() for n in names]
ALL_QP = sorted({q for c in goods_categories() for q in qualifying_parameters(c)})


def _values(p) -> dict:
    qp = (p.qualifying_parameters if p else None) or {}
    return {"code": p.code if p else "", "name": p.name if p else "",
            "goods_category": p.goods_category if p else next(iter(cats)), "route": (p.route or "") if p else "",
            "benchmark_route": (p.benchmark_route or "") if p else "",
            "cn_codes": list(p.cn_codes or ([p.cn_code] if p.cn_code else [])) if p else [],
            "activity_level": number_text(p.activity_level) if p else "",
            "direct_given": bool(p and p.direct_emissions is not None),
            "direct_emissions": number_text(p.direct_emissions) if p else "",
            # numbers as text: what is typed reaches the service unaltered (it refuses, never strips or clamps);
            # an emission factor starts empty, which is not zero
            **{n: number_text(getattr(p, n, None)) if p else ("" if n.endswith(("_ef", "_source")) else "0")
               for n in ENERGY},
            **{f"qp_{i}": str(qp.get(q, "")) for i, q in enumerate(ALL_QP)}}


loaded_version = prefill(form, chosen, current.version if current else 0, _values(current))


position = next((n for n, p in enumerate(processes) if p is current), None)  # the `i` of `processes[i]` (by code)


def _after(field: str) -> None:
    field_error(form, field)
    if marked is not None and marked.field == field:
        st.info(tr("entry.focus_field"), icon=":material/flag:")
    if position is not None:
        comment_action(period, field_path("processes", position, field), key=f"proc_{field}")


form_error(form)
c1, c2 = st.columns([1, 3])
c1.text_input(tr("entry.code"), max_chars=20, key=f"{form}_code", disabled=not editable)
c2.text_input(tr("entry.process_name"), max_chars=200, key=f"{form}_name", disabled=not editable)
_after("code")
category = st.selectbox(tr("entry.goods_category"), list(cats), format_func=cats.get, key=f"{form}_goods_category",
                        disabled=not editable)
_after("goods_category")
routes = ["", *goods_categories()[category]]
if st.session_state.get(f"{form}_route") not in routes:
    st.session_state[f"{form}_route"] = ""
route_labels = {r: tr(route_key(r)) if r else "—" for r in routes}
st.selectbox(tr("entry.route"), routes, format_func=route_labels.get, key=f"{form}_route", disabled=not editable)
_after("route")
# stated only where the production route and the charge do not settle the benchmark's route (2025/2620)
bm_routes = {"": "—", **labels("entry.bm_route", BENCHMARK_ROUTES)}
st.selectbox(tr("entry.benchmark_route"), list(bm_routes), format_func=bm_routes.get, key=f"{form}_benchmark_route",
             help=tr("entry.benchmark_route_help"), disabled=not editable)
_after("benchmark_route")
cn_options = cn_labels(category)
st.session_state[f"{form}_cn_codes"] = [c for c in st.session_state.get(f"{form}_cn_codes", []) if c in cn_options]
st.multiselect(tr("entry.cn_codes"), list(cn_options), format_func=cn_options.get, key=f"{form}_cn_codes",
               help=tr("entry.cn_codes_help"), disabled=not editable)
_after("cn_code")
c1, c2 = st.columns(2)
c1.text_input(tr("entry.activity_level_unit"), key=f"{form}_activity_level", disabled=not editable)
c2.text_input(tr("entry.direct_emissions"), key=f"{form}_direct_emissions",
              disabled=not (editable and st.session_state.get(f"{form}_direct_given")))
direct = st.toggle(tr("entry.direct_given"), key=f"{form}_direct_given", disabled=not editable)
_after("activity_level")
_after("direct_emissions")
params = qualifying_parameters(category)
if params:
    st.markdown(f"**{tr('entry.qualifying_parameters')}**")
    qcols = st.columns(min(3, len(params)))
    for n, q in enumerate(params):
        qcols[n % len(qcols)].text_input(tr(qualifying_key(q)),
                                         key=f"{form}_qp_{ALL_QP.index(q)}", disabled=not editable)
for group, names in GROUPS.items():
    st.markdown(f"**{tr(f'entry.group.{group}')}**")
    gcols = st.columns(len(names))
    for col, n in zip(gcols, names, strict=True):
        with col:
            if n.endswith("_source"):
                st.text_input(tr(f"entry.field.{n}"), max_chars=300, key=f"{form}_{n}", disabled=not editable)
            else:
                st.text_input(tr(f"entry.field.{n}"), key=f"{form}_{n}", disabled=not editable)
            _after(n)

if editable and st.button(tr("common.save"), type="primary", key="proc_save"):
    s = st.session_state
    codes = list(s[f"{form}_cn_codes"])
    qp = {q: s[f"{form}_qp_{ALL_QP.index(q)}"].strip() for q in params if s[f"{form}_qp_{ALL_QP.index(q)}"].strip()}
    data = ProcessData(code=s[f"{form}_code"], name=s[f"{form}_name"], goods_category=category,
                       route=s[f"{form}_route"] or None, cn_code=codes[0] if codes else None, cn_codes=codes,
                       benchmark_route=s.get(f"{form}_benchmark_route") or None,
                       activity_level=s[f"{form}_activity_level"], qualifying_parameters=qp,
                       direct_emissions=s[f"{form}_direct_emissions"] if direct else None,
                       **{n: s[f"{form}_{n}"] for n in ENERGY})

    def _save() -> None:
        with context() as c:
            if current is None:
                st.session_state["proc_select_next"] = str(add_process(c, period_id=period.id, data=data).id)
            else:
                update_process(c, process_id=current.id, data=data, expected_version=loaded_version)
        reload_record(form)

    run_action(form, _save, "common.saved")
if current is None:
    st.stop()
if editable:
    c1, c2 = st.columns(2)
    c1.button(tr("common.reload"), key="proc_reload", on_click=reload_record, args=(form,))
    with c2.expander(tr("entry.delete_process", code=current.code)):
        sure = st.checkbox(tr("entry.confirm_delete_process", code=current.code), key="proc_confirm_delete")
        if st.button(tr("entry.delete"), disabled=not sure, key="proc_delete"):
            def _delete() -> None:
                with context() as c:
                    delete_process(c, process_id=current.id, expected_version=loaded_version)
            run_action(form, _delete, "common.saved")

st.subheader(tr("entry.source_streams"))
if current.direct_emissions is not None:
    st.caption(tr("entry.streams_unused"))
else:
    source_stream_tables(current, editable=editable, focus_stream=marked.stream if marked else None,
                         focus_field=marked.field if marked else "", period=period, position=position)
st.subheader(tr("entry.inputs"))
input_table(current, processes, precursors, editable=editable, period=period, position=position)
carbon_price_section(period, current, editable=editable)
