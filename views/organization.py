"""Organization setup: company names, EORI, Unified Social Credit Code, address, industry."""
import streamlit as st

from core.access import Permission, can
from core.approval import set_four_eyes_approval
from core.organizations import INDUSTRIES, OrganizationData, get_organization, update_organization
from ui.forms import field_error, form_error, prefill, reload_record, run_action
from ui.navigation import guard
from ui.privacy import cancellation_owner
from ui.state import context, labels, tr

guard("organization")
SIGNATORY = ("signatory_name", "signatory_position", "signature_place")  # who signs the registry reports
OPERATOR = ("city", "contact_phone", "contact_email")  # the operator's city and contact (registry report, template)

st.title(tr("page.organization"))
with context() as ctx:
    org = get_organization(ctx)
    editable = can(ctx.role, Permission.ORG_EDIT)

form = "org"
loaded_version = prefill(form, str(org.id), org.version, {
    "name_zh": org.name_zh, "name_en": org.name_en, "eori": org.eori or "", "uscc": org.uscc or "",
    "address": org.address, "industry": org.industry if org.industry in INDUSTRIES else "other",
    "signatory_name": org.signatory_name, "signatory_position": org.signatory_position,
    "signature_place": org.signature_place, "city": org.city, "contact_phone": org.contact_phone,
    "contact_email": org.contact_email})

form_error(form)
with st.form(form):
    st.text_input(tr("org.name_zh"), max_chars=200, key="org_name_zh")
    field_error(form, "name_zh")
    st.text_input(tr("org.name_en"), max_chars=200, key="org_name_en")
    st.text_input(tr("org.eori"), max_chars=17, help=tr("org.eori_help"), key="org_eori")
    field_error(form, "eori")
    st.text_input(tr("org.uscc"), max_chars=18, help=tr("org.uscc_help"), key="org_uscc")
    field_error(form, "uscc")
    st.text_area(tr("org.address"), max_chars=500, key="org_address")
    st.selectbox(tr("org.industry"), INDUSTRIES, format_func=labels("industry", INDUSTRIES).get, key="org_industry")
    st.markdown(f"**{tr('org.registry_details')}**")
    st.caption(tr("org.registry_details_help"))
    for f in SIGNATORY:
        st.text_input(tr(f"org.{f}"), max_chars=128, key=f"org_{f}")
        field_error(form, f)
    st.caption(tr("org.operator_help"))
    for f, limit in zip(OPERATOR, (35, 35, 256), strict=True):
        st.text_input(tr(f"org.{f}"), max_chars=limit, key=f"org_{f}")
        field_error(form, f)
    submitted = st.form_submit_button(tr("common.save"), type="primary", disabled=not editable)

if not editable:
    st.caption(tr("common.read_only"))
if submitted:
    data = OrganizationData(**{f: st.session_state[f"org_{f}"] for f in
                               ("name_zh", "name_en", "eori", "uscc", "address", "industry", *SIGNATORY,
                                *OPERATOR)})

    def _save() -> None:
        with context() as c:
            update_organization(c, data, expected_version=loaded_version)
        reload_record(form)

    run_action(form, _save, "common.saved")
st.button(tr("common.reload"), key="org_reload", on_click=reload_record, args=(form,))

st.subheader(tr("approval.four_eyes"))
st.caption(tr("approval.four_eyes_on" if org.four_eyes_approval else "approval.four_eyes_off"))
if editable:
    form_error("org_four_eyes")
    with st.form("org_four_eyes"):
        four_eyes = st.toggle(tr("approval.four_eyes"), value=org.four_eyes_approval,
                              help=tr("approval.four_eyes_help"), key="org_four_eyes_on")
        if st.form_submit_button(tr("approval.four_eyes_save")):
            def _switch() -> None:
                with context() as c:
                    set_four_eyes_approval(c, enabled=four_eyes, expected_version=org.version)

            run_action("org_four_eyes", _switch, "common.saved")

# cancelling the organization (owners only; the control draws nothing for other roles): ui/privacy
cancellation_owner.render()
