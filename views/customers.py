"""Customers: the EU importers the organization ships to (name, EORI, country, contact person, and the address
and customs representative their registry reports name): add, edit, delete or archive."""
import streamlit as st

from core.access import Permission, can
from core.reporting import (
    EU_MEMBER_STATES,
    CustomerData,
    add_customer,
    delete_customer,
    list_customers,
    restore_customer,
    update_customer,
)
from ui.forms import field_error, form_error, prefill, reload_record, run_action, show_flash
from ui.navigation import guard
from ui.state import context, tr

guard("customers")

FORM, NEW = "cust", "new"
TEXT = (("name", 300), ("eori", 17), ("contact_name", 200), ("contact_email", 320))
REGISTRY = (("city", 35), ("street", 70), ("postcode", 17), ("representative_eori", 17),
            ("representative_name", 70), ("representative_city", 35))
LABELS = {"name": "customers.name", "eori": "customers.eori", "contact_name": "customers.contact",
          "contact_email": "customers.email"} | {f: f"customers.{f}" for f, _n in REGISTRY}

st.title(tr("page.customers"))
show_flash()
with context() as ctx:
    customers = list_customers(ctx)
    editable = can(ctx.role, Permission.DATA_EDIT)

st.dataframe([{tr("customers.name"): c.name, tr("customers.eori"): c.eori, tr("customers.country"): c.country,
               tr("customers.city"): c.city, tr("customers.contact"): c.contact_name,
               tr("customers.email"): c.contact_email,
               tr("customers.status"): tr("customers.archived") if c.archived_at else tr("customers.active")}
              for c in customers], hide_index=True, width="stretch")
if not customers:
    st.info(tr("customers.none_yet"), icon=":material/info:")
if not editable:
    st.stop()

choices = {NEW: tr("customers.add")} | {str(c.id): f"{c.name} ({c.eori})" for c in customers}
chosen = st.selectbox(tr("customers.edit_which"), list(choices), format_func=choices.get, key="cust_chosen")
current = next((c for c in customers if str(c.id) == chosen), None)
countries = sorted(EU_MEMBER_STATES)


def _values(c) -> dict:
    if c is None:
        return {f: "" for f, _n in TEXT + REGISTRY} | {"country": countries[0]}
    return {f: getattr(c, f) or "" for f, _n in TEXT + REGISTRY} | {"country": c.country}


loaded_version = prefill(FORM, chosen, current.version if current else 0, _values(current))
if current is not None and current.archived_at is not None:
    st.warning(tr("customers.is_archived"), icon=":material/inventory_2:")
form_error(FORM)
with st.form(FORM):
    for f, n in TEXT[:2]:
        st.text_input(tr(LABELS[f]), max_chars=n, key=f"{FORM}_{f}", help=tr("org.eori_help") if f == "eori" else None)
        field_error(FORM, f)
    st.selectbox(tr("customers.country"), countries, key=f"{FORM}_country")
    field_error(FORM, "country")
    for f, n in TEXT[2:]:
        st.text_input(tr(LABELS[f]), max_chars=n, key=f"{FORM}_{f}")
        field_error(FORM, f)
    st.markdown(f"**{tr('customers.registry_details')}**")
    for f, n in REGISTRY:
        st.text_input(tr(LABELS[f]), max_chars=n, key=f"{FORM}_{f}")
        field_error(FORM, f)
    submitted = st.form_submit_button(tr("common.save"), type="primary")

if submitted:
    data = CustomerData(**{f: st.session_state[f"{FORM}_{f}"] for f in _values(None)})

    def _save() -> None:
        with context() as c:
            if current is None:
                add_customer(c, data=data)
            else:
                update_customer(c, customer_id=current.id, data=data, expected_version=loaded_version)
        reload_record(FORM)  # a new customer's form starts empty again

    run_action(FORM, _save, "common.saved")

if current is not None:
    st.button(tr("common.reload"), key="cust_reload", on_click=reload_record, args=(FORM,))
    if current.archived_at is not None:
        if st.button(tr("customers.restore"), key="cust_restore"):
            def _restore() -> None:
                with context() as c:
                    restore_customer(c, customer_id=current.id, expected_version=current.version)
                reload_record(FORM)
            run_action(FORM, _restore, "common.saved")
    else:
        with st.expander(tr("customers.delete")):
            st.caption(tr("customers.delete_help"))
            confirm = st.checkbox(tr("customers.confirm_delete", name=current.name), key="cust_confirm_delete")
            if st.button(tr("customers.delete"), disabled=not confirm, key="cust_delete"):
                def _delete() -> None:
                    with context() as c:
                        delete_customer(c, customer_id=current.id, expected_version=current.version)
                    st.session_state.pop("cust_chosen", None)
                    reload_record(FORM)
                run_action(FORM, _delete, "customers.removed", name=current.name)
