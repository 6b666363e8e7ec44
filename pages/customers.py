"""Customers: the EU importers the organization ships to (name, EORI, country, contact person)."""
import streamlit as st

from core.access import Permission, can
from core.reporting import EU_MEMBER_STATES, CustomerData, add_customer, list_customers
from ui.forms import field_error, form_error, run_action
from ui.navigation import guard
from ui.state import context, tr

guard("customers")

st.title(tr("page.customers"))
with context() as ctx:
    customers = list_customers(ctx)
    editable = can(ctx.role, Permission.DATA_EDIT)

st.dataframe([{tr("customers.name"): c.name, tr("customers.eori"): c.eori, tr("customers.country"): c.country,
               tr("customers.contact"): c.contact_name, tr("customers.email"): c.contact_email} for c in customers],
             hide_index=True, width="stretch")
if not customers:
    st.info(tr("customers.none_yet"), icon=":material/info:")
if not editable:
    st.stop()

st.subheader(tr("customers.add"))
form_error("cust")
with st.form("cust"):
    name = st.text_input(tr("customers.name"), max_chars=300, key="cust_name")
    field_error("cust", "name")
    eori = st.text_input(tr("customers.eori"), max_chars=17, help=tr("org.eori_help"), key="cust_eori")
    field_error("cust", "eori")
    country = st.selectbox(tr("customers.country"), sorted(EU_MEMBER_STATES), key="cust_country")
    field_error("cust", "country")
    contact = st.text_input(tr("customers.contact"), max_chars=200, key="cust_contact")
    email = st.text_input(tr("customers.email"), max_chars=320, key="cust_email")
    field_error("cust", "contact_email")
    if st.form_submit_button(tr("common.save"), type="primary"):
        data = CustomerData(name=name, eori=eori, country=country, contact_name=contact, contact_email=email)

        def _add() -> None:
            with context() as c:
                add_customer(c, data=data)
        run_action("cust", _add, "common.saved")
