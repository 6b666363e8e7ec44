"""Privacy center (DPO): the queue of rights requests with days left in colour, filters, assignment, notes,
pause/resume, extension and refusal with a reason; the register as CSV."""
import streamlit as st

from core.privacy import requests
from core.privacy.operator import is_operator
from ui.forms import form_error, run_action
from ui.navigation import guard
from ui.privacy import access_log, breaches, policies, processors, retention
from ui.state import acting, context, labels, lang, tr

guard("privacy_center")
TABS = ("requests", "retention", "breaches", "processors", "policies", "access_log")

st.title(tr("privacy.center.title"))
tabs = st.tabs([tr(f"privacy.center.tab.{k}") for k in TABS])
with tabs[0]:
    c1, c2, c3 = st.columns(3)
    status = c1.selectbox(tr("privacy.center.filter_status"), ["", *requests.STATUSES],
                          format_func=({"": tr("dash.all")} | labels("privacy.status", requests.STATUSES)).get,
                          key="pc_status")
    kind = c2.selectbox(tr("privacy.center.filter_type"), ["", *requests.TYPES],
                        format_func=({"": tr("dash.all")} | labels("privacy.type", requests.TYPES)).get, key="pc_type")
    overdue = c3.checkbox(tr("privacy.center.overdue_only"), key="pc_overdue")

    # a request received by e-mail, post or phone, from a person who may have no account
    with st.expander(tr("privacy.center.record"), icon=":material/add:"):
        form_error("privacy_record")
        with st.form("privacy_record"):
            r1, r2 = st.columns(2)
            rec_email = r1.text_input(tr("privacy.center.record_email"), max_chars=320, key="pc_rec_email")
            rec_type = r2.selectbox(tr("privacy.center.col.type"), requests.TYPES,
                                    format_func=labels("privacy.type", requests.TYPES).get, key="pc_rec_type")
            rec_channel = r1.selectbox(tr("privacy.center.record_channel"), requests.CHANNELS,
                                       format_func=labels("privacy.channel", requests.CHANNELS).get, key="pc_rec_channel")
            rec_day = r2.date_input(tr("privacy.center.record_received"), key="pc_rec_day")
            rec_details = st.text_area(tr("privacy.my_data.details"), max_chars=requests.DETAILS_MAX,
                                       key="pc_rec_details")
            recorded = st.form_submit_button(tr("privacy.center.record_save"), type="primary")
        if recorded:
            def _record_request() -> None:
                with context() as c:
                    req = requests.record_request(c, requester_email=rec_email, type=rec_type, details=rec_details,
                                                  channel=rec_channel, received_at=requests.received_at_of(rec_day,
                                                                                                           c.clock.now()))
                    st.session_state["pc_recorded"] = req.number

            run_action("privacy_record", _record_request, "privacy.center.done")
        if "pc_recorded" in st.session_state:
            st.info(tr("privacy.center.recorded", id=st.session_state["pc_recorded"]))

    with context() as ctx:
        rows = requests.list_requests(ctx, status=status or None, type=kind or None, overdue=overdue)
        today = requests.local_day(ctx.clock.now())
        register = requests.register_csv(ctx, lang() if lang() in ("zh", "en") else "en")

    if not rows:
        st.info(tr("privacy.center.none"))
    else:
        table = []
        for r in rows:
            left = requests.days_left(r, today) if r.status in requests.OPEN else None
            table.append({tr("privacy.center.col.id"): r.number, tr("privacy.center.col.type"): tr(f"privacy.type.{r.type}"),
                          tr("privacy.center.col.status"): tr(f"privacy.status.{r.status}"),
                          tr("privacy.center.col.requester"): r.requester_email,
                          tr("privacy.center.col.received"): r.received_on,
                          tr("privacy.center.col.due"): requests.due_on(r),
                          tr("privacy.center.col.days_left"): "" if left is None else f":{requests.colour(left)}[{left}]"})
        # days left in colour (green from 10, amber below 10, red below 5 and overdue)
        st.markdown("\n".join(f"- **{row[tr('privacy.center.col.id')]}** · {row[tr('privacy.center.col.type')]} · "
                              f"{row[tr('privacy.center.col.status')]} · {row[tr('privacy.center.col.due')]} · "
                              f"{row[tr('privacy.center.col.days_left')]}" for row in table))

        by_number = {r.number: r for r in rows}
        chosen = st.selectbox(tr("privacy.center.request"), list(by_number), key="pc_request")
        req = by_number[chosen]
        form_error("privacy_center")
        reason = st.text_input(tr("privacy.center.reason"), key="pc_reason")
        note = st.text_input(tr("privacy.center.note"), key="pc_note")
        b = st.columns(4)
        actions = {
            "assign": (b[0], "privacy.center.assign_to_me", lambda c: requests.assign(c, req.id, c.user.id)),
            "start": (b[1], "privacy.center.start", lambda c: requests.start(c, req.id)),
            "pause": (b[2], "privacy.center.pause", lambda c: requests.pause(c, req.id)),
            "resume": (b[3], "privacy.center.resume", lambda c: requests.resume(c, req.id)),
            "extend": (b[0], "privacy.center.extend", lambda c: requests.extend(c, req.id, reason)),
            "refuse": (b[1], "privacy.center.refuse", lambda c: requests.refuse(c, req.id, reason)),
            "complete": (b[2], "privacy.center.complete", lambda c: requests.complete(c, req.id)),
            "note": (b[3], "privacy.center.add_note", lambda c: requests.add_note(c, req.id, note)),
        }
        for name, (col, label, fn) in actions.items():
            if col.button(tr(label), key=f"pc_do_{name}"):
                def _do(fn=fn) -> None:  # noqa: ANN001
                    with context() as c:
                        fn(c)

                run_action("privacy_center", _do, "privacy.center.done")
        if req.verified_at is None and req.status in requests.OPEN:
            # a request received by another channel: verify the person by a code e-mailed to them, read back to the DPO
            v = st.columns(3)
            if v[0].button(tr("privacy.code.send"), key="pc_code_send"):
                def _send_code() -> None:
                    with context() as c:
                        requests.send_verification_code(c, req.id)

                run_action("privacy_center", _send_code, "privacy.code.sent")
            code = v[1].text_input(tr("privacy.code.entered"), max_chars=6, key="pc_code")
            if v[2].button(tr("privacy.code.check"), key="pc_code_check"):
                with context() as c:
                    st.session_state["pc_code_result"] = requests.check_verification_code(c, req.id, code)
            if "pc_code_result" in st.session_state:
                st.info(tr(f"privacy.code.result.{st.session_state.pop('pc_code_result')}"))
        if req.verified_at is None:
            st.warning(tr("privacy.center.unverified", channel=tr(f"privacy.channel.{req.channel}")))
        if req.correction and req.status in requests.OPEN:
            fix = req.correction
            where = f"{tr('privacy.table.' + str(fix.get('table')))} · {tr('field.' + str(fix.get('column')))}"
            st.info(tr("privacy.center.correction", where=where, current=fix.get("current", ""),
                       requested=fix.get("requested", "")))
            if st.button(tr("privacy.center.apply_correction"), key="pc_do_correct"):
                def _correct() -> None:
                    with context() as c:
                        requests.apply_correction(c, req.id)

                run_action("privacy_center", _correct, "privacy.controller.corrected")
        if req.type == "erasure" and req.status in requests.OPEN:
            # approval before erasure: a started, verified request (sign-in, or the e-mailed code); a person with an
            # account is erased from the platform, a person without one from this organization's records
            sure = st.checkbox(tr("privacy.controller.erase_confirm", email=req.requester_email), key="pc_sure")
            if st.button(tr("privacy.center.approve_erase"), type="primary", disabled=not sure, key="pc_do_erase"):
                def _erase() -> None:
                    from core.privacy.service import approve_erasure

                    with context() as c:
                        st.session_state["pc_receipt"] = approve_erasure(c, req.id).as_dict()

                run_action("privacy_center", _erase, "privacy.center.done")
        if "pc_receipt" in st.session_state:
            st.caption(tr("privacy.center.receipt"))
            st.json(st.session_state["pc_receipt"])
        with st.expander(tr("privacy.center.answer")):
            for language in ("zh", "en"):  # the requester gets it in both languages
                st.code(requests.templated_answer(req, language), language=None)
        if req.status == requests.REFUSED:
            st.caption(tr("privacy.center.refusal_route"))
        for n in req.notes or []:
            st.caption(f"{n.get('at', '')[:16]} · {n.get('text', '')}")

    st.download_button(tr("privacy.center.register_csv"), register, file_name="privacy-requests.csv", mime="text/csv",
                       key="pc_register")

# the other parts of the DPO's work, each rendered by its own module (ui/privacy/); the platform's own registers
# (breaches, processors, policies) are changed only by the operator organization's DPO (core/privacy/operator.py)
PLATFORM = (breaches.render, processors.render, policies.render)
for tab, render in zip(tabs[1:], (retention.render, breaches.render, processors.render, policies.render,
                                  access_log.render), strict=True):
    with tab:
        if render in PLATFORM and not is_operator(acting().org_id):
            st.info(tr("privacy.error.not_operator"), icon=":material/info:")
        render()
