"""AI helper: questions about the organization's own CBAM data and the rules, in Chinese or English. The page only
renders: `core.assistant.ask` runs the tools under the person's own context and checks every number."""
import time

import streamlit as st

from core.access import Permission, can
from core.assistant import (
    VERIFIED,
    ask,
    consented_to_transfer,
    provider_enabled,
    set_provider_enabled,
    set_transfer_consent,
)
from core.assistant.service import provider_config
from core.errors import DomainError
from core.reporting import list_periods
from ui.navigation import guard
from ui.state import acting, context, tr

guard("assistant")

st.title(tr("page.assistant"))
st.caption(tr("assistant.caption"))
a = acting()

try:
    with context() as ctx:
        periods = list_periods(ctx)
        enabled = provider_enabled(ctx)
except DomainError as e:
    st.error(tr(e.key, **e.params), icon=":material/error:")
    st.stop()

with st.sidebar:
    options = [None, *[p.id for p in periods]]
    names = {p.id: f"{p.year} v{p.version_no} · {tr('reporting.status.' + p.status)}" for p in periods}
    period_id = st.selectbox(tr("assistant.period"), options, key="assistant_period",
                             format_func=lambda pid: tr("assistant.period_latest") if pid is None else names[pid])
    configured = provider_config() is not None
    if can(a.role, Permission.ORG_EDIT) and configured:
        wanted = st.toggle(tr("assistant.enable"), value=enabled, key="assistant_enable")
        if wanted != enabled:
            with context() as ctx:
                set_provider_enabled(ctx, enabled=wanted)
            enabled = wanted
    st.caption(tr("assistant.ai_enabled") if enabled and configured else tr("assistant.ai_disabled"))
    if enabled and configured:
        # the separate consent the privacy policy asks before names, e-mails and phones go to a service abroad;
        # without it they are masked in everything sent
        with context() as ctx:
            consented = consented_to_transfer(ctx)
        wanted_transfer = st.toggle(tr("assistant.transfer_consent"), value=consented, key="assistant_transfer",
                                    help=tr("assistant.transfer_consent_help"))
        if wanted_transfer != consented:
            with context() as ctx:
                set_transfer_consent(ctx, given=wanted_transfer)

_documents_period = period_id or (periods[0].id if periods else None)
with st.expander(tr("assistant.doc_title"), icon=":material/description:"):
    # figures read from a document are only proposals: each is saved when its own checkbox and button are used
    from core.assistant.documents import FIELDS as DOC_FIELDS
    from core.assistant.documents import confirm_proposal, read_document
    from core.evidence import link_targets

    doc = st.file_uploader(tr("assistant.doc_upload"), type=["pdf", "png", "jpg", "jpeg"], key="assistant_doc")
    if doc is not None and st.button(tr("assistant.doc_read"), key="assistant_doc_read"):
        try:
            with st.spinner(""), context() as ctx:
                reading = read_document(ctx, name=doc.name, data=doc.getvalue())
            st.session_state["assistant_reading"] = {"name": doc.name, "data": doc.getvalue(), "reading": reading}
        except DomainError as e:
            st.error(tr(e.key, **e.params), icon=":material/error:")
    held = st.session_state.get("assistant_reading")
    if held:
        reading = held["reading"]
        if not reading.proposals:
            st.info(tr("assistant.doc_none"))
        may_save = can(a.role, Permission.DATA_EDIT) and can(a.role, Permission.EVIDENCE_EDIT) and _documents_period
        targets = []
        if may_save:
            with context() as ctx:
                targets = link_targets(ctx, period_id=_documents_period)
        for i, p in enumerate(reading.proposals):
            st.markdown(f"**{tr('assistant.doc_field.' + p.field)}**: {p.number} {p.unit}")
            st.caption(tr("assistant.doc_quote", quote=p.quote))
            if not may_save:
                continue
            options = [t_ for t_ in targets if t_.entity_type == DOC_FIELDS[p.field][0]]
            target = st.selectbox(tr("assistant.doc_target"), options, key=f"assistant_doc_target_{i}",
                                  format_func=lambda t_: t_.label)
            ok = st.checkbox(tr("assistant.doc_confirm"), key=f"assistant_doc_ok_{i}")
            if st.button(tr("assistant.doc_save"), key=f"assistant_doc_save_{i}", disabled=not (ok and target)):
                try:
                    with context() as ctx:
                        confirm_proposal(ctx, period_id=_documents_period, proposal=p, entity_id=target.entity_id,
                                         name=held["name"], data=held["data"])
                    st.success(tr("assistant.doc_saved"), icon=":material/check:")
                except DomainError as e:
                    st.error(tr(e.key, **e.params), icon=":material/error:")

with st.expander(tr("assistant.examples")):
    for v in VERIFIED:
        st.markdown(f"- {tr(v.key)}")

history = st.session_state.setdefault("assistant_history", [])


def _md(text: str) -> str:
    """Each line of an answer its own paragraph or list item (Markdown would run single lines together)."""
    return "\n\n".join(line.replace("\n", " ") for line in text.splitlines())


def _sources(citations) -> None:
    if not citations:
        return
    with st.expander(tr("assistant.sources"), expanded=False):
        for c in citations:
            st.markdown(f"- [{c['label']}]({c['url']})" if c.get("url") else f"- {c['label']}")


for turn in history:
    with st.chat_message("user"):
        st.markdown(turn["question"])
    with st.chat_message("assistant"):
        st.markdown(_md(turn["answer"]))
        st.caption(turn["provider"])
        _sources(turn["citations"])

live = st.container()  # the new turn goes above the input, after the earlier ones
# inline (in a container) rather than pinned to the window's bottom: the page keeps the app's usual layout
with st.container():
    question = st.chat_input(tr("assistant.input"))
if question:
    with live.chat_message("user"):
        st.markdown(question)
    with live.chat_message("assistant"):
        try:
            with st.spinner(""), context() as ctx:
                answer = ask(ctx, question, period_id=period_id)
        except DomainError as e:
            st.error(tr(e.key, **e.params), icon=":material/error:")
            st.stop()

        def _words():  # the checked answer, shown as it streams in
            for line in _md(answer.text).split("\n\n"):
                yield line + "\n\n"
                time.sleep(0.01)

        st.write_stream(_words())
        provider = (tr("assistant.provider_offline") if answer.provider == "offline"
                    else tr("assistant.provider_model", model=answer.provider))
        st.caption(provider)
        citations = [c.to_dict() for c in answer.citations]
        _sources(citations)
    history.append({"question": question, "answer": answer.text, "provider": provider, "citations": citations})
