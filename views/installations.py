"""Installations: create, edit and archive the sites where goods are made."""
import streamlit as st

from core.access import Permission, can
from core.installations import (
    InstallationData,
    add_installation,
    archive_installation,
    list_installations,
    restore_installation,
    update_installation,
)
from core.validation import COUNTRIES
from ui.forms import field_error, form_error, prefill, reload_record, run_action
from ui.navigation import guard
from ui.state import context, tr

guard("installations")

COUNTRY_LIST = sorted(COUNTRIES)

st.title(tr("page.installations"))
show_archived = st.toggle(tr("installations.show_archived"), key="inst_show_archived")
with context() as ctx:
    items = list_installations(ctx, include_archived=show_archived)
    editable = can(ctx.role, Permission.INSTALLATION_EDIT)

st.dataframe([{tr("installations.name"): i.name, tr("installations.country"): i.country,
               tr("installations.unlocode"): i.unlocode or "", tr("installations.address"): i.address,
               tr("installations.status"): tr("installations.archived") if i.archived_at else tr("installations.active")}
              for i in items], hide_index=True, width="stretch")
if not items:
    st.info(tr("installations.none_yet"), icon=":material/info:")
if not editable:
    st.stop()

NEW = "new"
labels = {NEW: tr("installations.new")} | {str(i.id): i.name for i in items}
chosen = st.selectbox(tr("installations.edit_which"), list(labels), format_func=labels.get, key="inst_chosen")
current = next((i for i in items if str(i.id) == chosen), None)
form = "inst"


def _values(i) -> dict:
    if i is None:
        return {"name": "", "address": "", "city": "", "country": "CN", "unlocode": "", "latitude": None, "longitude": None,
                "economic_activity": ""}
    return {"name": i.name, "address": i.address, "city": i.city, "country": i.country, "unlocode": i.unlocode or "",
            "latitude": i.latitude, "longitude": i.longitude, "economic_activity": i.economic_activity}


loaded_version = prefill(form, chosen, current.version if current else 0, _values(current))
form_error(form)
if current and current.archived_at:
    st.warning(tr("installations.is_archived"))
    if st.button(tr("installations.restore"), key="inst_restore"):
        def _restore() -> None:
            with context() as c:
                restore_installation(c, current.id, expected_version=current.version)
        run_action(form, _restore, "common.saved")
    st.stop()

with st.form(form):
    st.text_input(tr("installations.name"), max_chars=200, key="inst_name")
    field_error(form, "name")
    st.text_area(tr("installations.address"), max_chars=500, key="inst_address")
    field_error(form, "address")
    st.text_input(tr("installations.city"), max_chars=35, help=tr("installations.city_help"), key="inst_city")
    field_error(form, "city")
    st.selectbox(tr("installations.country"), COUNTRY_LIST, key="inst_country")
    field_error(form, "country")
    st.text_input(tr("installations.unlocode"), max_chars=6, help=tr("installations.unlocode_help"), key="inst_unlocode")
    field_error(form, "unlocode")
    c1, c2 = st.columns(2)
    c1.number_input(tr("installations.latitude"), min_value=-90.0, max_value=90.0, format="%.6f", key="inst_latitude")
    c2.number_input(tr("installations.longitude"), min_value=-180.0, max_value=180.0, format="%.6f",
                    key="inst_longitude")
    field_error(form, "latitude")
    field_error(form, "longitude")
    st.text_input(tr("installations.economic_activity"), max_chars=300, key="inst_economic_activity")
    submitted = st.form_submit_button(tr("common.save"), type="primary")

if submitted:
    data = InstallationData(**{f: st.session_state[f"inst_{f}"] for f in _values(None)})

    def _save() -> None:
        with context() as c:
            if current is None:
                add_installation(c, data)
            else:
                update_installation(c, current.id, data, expected_version=loaded_version)
        reload_record(form)

    run_action(form, _save, "common.saved")

if current is not None:
    st.button(tr("common.reload"), key="inst_reload", on_click=reload_record, args=(form,))
    with st.expander(tr("installations.archive")):
        confirm = st.checkbox(tr("installations.confirm_archive", name=current.name), key="inst_confirm_archive")
        if st.button(tr("installations.archive"), disabled=not confirm, key="inst_archive"):
            def _archive() -> None:
                with context() as c:
                    archive_installation(c, current.id, expected_version=current.version)
            run_action(form, _archive, "installations.archived_done", name=current.name)
