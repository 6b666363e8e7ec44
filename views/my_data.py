"""My data and rights (every signed-in person, from Profile): download my data, make a tracked request (receipt
with a number and due date), object to purposes, see how my data is processed and my requests."""
import streamlit as st

from core.clock import SystemClock
from core.privacy import objections, rectification, requests
from core.privacy.datamap import processing_facts
from core.privacy.export import build_export, log_download
from core.privacy.subject import operator_session
from ui.auth import recent_sign_in
from ui.forms import form_error, run_action
from ui.navigation import guard
from ui.privacy import access_log_person, consent_person, disclosure_person
from ui.state import acting, labels, lang, person_session, tr

guard("my_data")

st.title(tr("privacy.my_data.title"))
st.caption(tr("privacy.my_data.intro"))
a = acting()
tabs = st.tabs([tr(f"privacy.my_data.tab.{k}") for k in ("rights", "consents", "access", "recipients")])
with tabs[0]:

    # -- download my data -----------------------------------------------------------------------------------------------
    st.subheader(tr("privacy.my_data.export"))
    st.caption(tr("privacy.my_data.export_help"))
    if st.button(tr("privacy.my_data.export"), icon=":material/download:", key="my_data_export"):
        st.session_state["my_data_export_asked"] = True
    if st.session_state.get("my_data_export_asked") and recent_sign_in():
        st.session_state.pop("my_data_export_asked", None)
        with operator_session() as s:
            result = build_export(s, a.email or "", actor_id=a.user_id, at=SystemClock().now())
        st.session_state["my_data_zip"] = (result.name, result.data, SystemClock().now())
    ready = st.session_state.get("my_data_zip")
    if ready is not None:
        name, data, made = ready
        if (SystemClock().now() - made).total_seconds() > requests.EXPORT_TTL_SECONDS:
            st.session_state.pop("my_data_zip", None)
            st.warning(tr("privacy.error.export_expired"))
        else:
            st.success(tr("privacy.my_data.export_ready", name=name))

            def _logged() -> None:
                with person_session() as (s, u):
                    log_download(s, actor_id=u.id, name=name, at=SystemClock().now())

            st.download_button(name, data, file_name=name, mime="application/zip", on_click=_logged,
                               key="my_data_download")

    # -- a request ------------------------------------------------------------------------------------------------------
    st.subheader(tr("privacy.my_data.request_type"))
    form_error("privacy_request")
    with st.form("privacy_request"):
        kind = st.selectbox(tr("privacy.my_data.request_type"), requests.TYPES,
                            format_func=labels("privacy.type", requests.TYPES).get, key="my_data_type")
        details = st.text_area(tr("privacy.my_data.details"), max_chars=4000, key="my_data_details")
        sent = st.form_submit_button(tr("privacy.my_data.submit"), type="primary")
    if sent and kind == "erasure" and not recent_sign_in():
        sent = False
    if sent:
        def _send() -> None:
            with person_session() as (s, u):
                req = requests.create_request(s, user=u, org_id=a.org_id, type=kind, details=details,
                                              at=SystemClock().now())
                st.session_state["my_data_receipt"] = (req.number, req.received_on.isoformat(),
                                                       requests.due_on(req).isoformat())

        run_action("privacy_request", _send, "privacy.center.done")
    if "my_data_receipt" in st.session_state:
        number, received, due = st.session_state["my_data_receipt"]
        st.info(tr("privacy.my_data.receipt", id=number, received=received, due=due))

    # -- correct my data (guided rectification) --------------------------------------------------------------------------
    st.subheader(tr("privacy.rectify.title"))
    st.page_link("views/profile.py", label=tr("privacy.rectify.account"), icon=":material/person:")
    st.caption(tr("privacy.rectify.email"))
    with operator_session() as s:
        held = rectification.held_values(s, a.user_id, lang())
    if not held:
        st.caption(tr("privacy.rectify.none"))
    else:
        st.caption(tr("privacy.rectify.held"))
        form_error("privacy_rectify")
        with st.form("privacy_rectify"):
            # labels made now: Streamlit may format the options again outside the script run
            shown = [f"{h.org_name} · {tr(f'privacy.table.{h.table}')} · {tr(f'field.{h.column}')} · {h.value}"
                     for h in held]
            pick = st.selectbox(tr("privacy.rectify.value"), range(len(held)), format_func=shown.__getitem__,
                                key="my_data_fix_pick")
            requested = st.text_input(tr("privacy.rectify.requested"), max_chars=320, key="my_data_fix_value")
            why = st.text_area(tr("privacy.my_data.details"), max_chars=4000, key="my_data_fix_details")
            ask = st.form_submit_button(tr("privacy.rectify.send"))
        if ask:
            chosen = held[pick].key

            def _ask() -> None:
                with operator_session() as s:
                    req = rectification.request_correction(s, user_id=a.user_id, key=chosen,
                                                           requested=requested, details=why, at=SystemClock().now())
                    st.session_state["my_data_receipt"] = (req.number, req.received_on.isoformat(),
                                                           requests.due_on(req).isoformat())

            run_action("privacy_rectify", _ask, "privacy.rectify.sent")

    # -- objections -----------------------------------------------------------------------------------------------------
    st.subheader(tr("privacy.my_data.objections"))
    with person_session() as (s, u):
        current = objections.objections_of(s, u.id)
        mine = requests.my_requests(s, u)
    with st.form("privacy_objections"):
        choices = {p: st.checkbox(tr(f"privacy.purpose_flag.{p}"), value=current[p], key=f"my_data_obj_{p}")
                   for p in objections.PURPOSES}
        save = st.form_submit_button(tr("privacy.my_data.save_objections"))
    if save:
        def _save() -> None:
            with person_session() as (s, u):
                objections.set_objections(s, u, choices, at=SystemClock().now())

        run_action("privacy_objections", _save, "privacy.my_data.objections_saved")

    # -- my requests and how my data is processed -----------------------------------------------------------------------
    st.subheader(tr("privacy.my_data.my_requests"))
    st.dataframe([{tr("privacy.center.col.id"): r.number, tr("privacy.center.col.type"): tr(f"privacy.type.{r.type}"),
                   tr("privacy.center.col.status"): tr(f"privacy.status.{r.status}"),
                   tr("privacy.center.col.received"): r.received_on, tr("privacy.center.col.due"): requests.due_on(r),
                   tr("privacy.center.reason"): r.extension_reason or r.refusal_reason} for r in mine],
                 hide_index=True, width="stretch")
    with st.expander(tr("privacy.my_data.processing")):
        st.dataframe(processing_facts(lang() if lang() in ("zh", "en") else "en"), hide_index=True, width="stretch")

# consents and the policies in force, who viewed my data, who receives it (ui/privacy/)
for tab, render in zip(tabs[1:], (consent_person.render, access_log_person.render, disclosure_person.render),
                       strict=True):
    with tab:
        render()
