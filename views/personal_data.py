"""Personal data in our records (owner, DPO): the organization as controller finds a third party's data across its
records, exports it, corrects a name or contact detail, or erases the person from its records with a receipt."""
import streamlit as st

from core.clock import SystemClock
from core.errors import DomainError
from core.i18n import error_text
from core.privacy import controller
from core.privacy.subject import operator_session
from ui.forms import form_error, run_action
from ui.navigation import guard
from ui.state import acting, context, lang, tr

guard("personal_data")

st.title(tr("privacy.controller.title"))
st.caption(tr("privacy.controller.intro"))
a = acting()

with st.form("pd_search"):
    query = st.text_input(tr("privacy.controller.query"), max_chars=320, key="pd_query")
    searched = st.form_submit_button(tr("privacy.controller.search"), type="primary")
if searched:
    st.session_state["pd_asked"] = query
    for k in ("pd_receipt", "pd_preview", "pd_zip"):
        st.session_state.pop(k, None)
form_error("pd")
asked = st.session_state.get("pd_asked")
if asked:
    try:
        with context() as ctx:
            hits = controller.search(ctx, asked)
    except DomainError as exc:  # a search too short: the person's to fix, shown next to the form
        st.error(error_text(exc, lang()), icon=":material/error:")
        hits = None
    if hits is not None and not hits:
        st.info(tr("privacy.controller.none", query=asked))
    elif hits:
        st.caption(tr("privacy.controller.found", count=len(hits)))
        st.dataframe([{tr("privacy.controller.col.table"): tr(f"privacy.table.{h.table}"),
                       tr("privacy.controller.col.column"): tr(f"field.{h.column}"),
                       tr("privacy.controller.col.value"): h.value,
                       tr("privacy.controller.col.correctable"): "✓" if h.correctable else ""}
                      for h in hits], hide_index=True, width="stretch")

        # -- correct a value ---------------------------------------------------------------------------------------
        fixable = [h for h in hits if h.correctable]
        if fixable:
            st.subheader(tr("privacy.controller.correct"))
            form_error("pd_correct")
            with st.form("pd_correct"):
                # labels made now: Streamlit may format the options again outside the script run
                shown = [f"{tr(f'privacy.table.{h.table}')} · {tr(f'field.{h.column}')} · {h.value}" for h in fixable]
                pick = st.selectbox(tr("privacy.controller.value_to_correct"), range(len(fixable)),
                                    format_func=shown.__getitem__, key="pd_pick")
                new_value = st.text_input(tr("privacy.controller.new_value"), max_chars=320, key="pd_new_value")
                save = st.form_submit_button(tr("privacy.controller.save_correction"))
            if save:
                chosen = fixable[pick]

                def _correct() -> None:
                    with context() as c:
                        controller.correct(c, table=chosen.table, row_id=chosen.row_id, column=chosen.column,
                                           current=chosen.value, value=new_value)

                run_action("pd_correct", _correct, "privacy.controller.corrected")

        # -- export or erase a person ------------------------------------------------------------------------------
        emails = controller.emails_in(hits)
        if not emails:
            st.caption(tr("privacy.controller.no_emails"))
        else:
            person = st.selectbox(tr("privacy.controller.person"), emails, key="pd_person")
            left, right = st.columns(2)
            if left.button(tr("privacy.controller.export"), icon=":material/download:", key="pd_export"):
                def _export() -> None:
                    with operator_session() as s:
                        result = controller.export_third_party(s, email=person, org_id=a.org_id,
                                                               actor_id=a.user_id, at=SystemClock().now())
                    st.session_state["pd_zip"] = (result.name, result.data)

                run_action("pd", _export, "privacy.controller.export_ready",
                           name=f"personal-data-{SystemClock().now():%Y%m%d}.zip")
            if "pd_zip" in st.session_state:
                name, data = st.session_state["pd_zip"]
                left.download_button(name, data, file_name=name, mime="application/zip", key="pd_download")
            if right.button(tr("privacy.controller.erase_preview"), key="pd_preview_btn"):
                def _preview() -> None:
                    with operator_session() as s:
                        receipt = controller.erase_third_party(s, email=person, org_id=a.org_id,
                                                               actor_id=a.user_id, at=SystemClock().now(),
                                                               dry_run=True)
                    st.session_state["pd_preview"] = (person, receipt.as_dict())

                run_action("pd", _preview, "privacy.center.done")
            preview = st.session_state.get("pd_preview")
            if preview and preview[0] == person:
                right.json(preview[1])
                sure = right.checkbox(tr("privacy.controller.erase_confirm", email=person), key="pd_sure")
                if right.button(tr("privacy.controller.erase"), type="primary", disabled=not sure, key="pd_erase"):
                    def _erase() -> None:
                        with operator_session() as s:
                            receipt = controller.erase_third_party(s, email=person, org_id=a.org_id,
                                                                   actor_id=a.user_id, at=SystemClock().now())
                        st.session_state["pd_receipt"] = receipt.as_dict()
                        st.session_state.pop("pd_preview", None)

                    run_action("pd", _erase, "privacy.controller.erased")
if "pd_receipt" in st.session_state:
    st.success(tr("privacy.controller.erased"))
    st.json(st.session_state["pd_receipt"])
