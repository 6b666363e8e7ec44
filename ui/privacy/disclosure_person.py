"""Every signed-in person's view of the platform's processors and third parties: the public disclosure table in
their language (the version of each processor that applies today). No SQL here: core.privacy.registers."""
from __future__ import annotations

import streamlit as st

from core.clock import SystemClock
from core.privacy.registers import processors as reg
from core.privacy.requests import local_day
from ui.state import lang, person_session, tr


def render() -> None:
    """The table for the signed-in person (no role needed: the registry is public)."""
    st.subheader(tr("privacy.disclosure.title"))
    st.caption(tr("privacy.disclosure.intro"))
    language = lang() if lang() in ("zh", "en") else "en"
    with person_session() as (s, _user):
        table = reg.disclosure_table(s, language, local_day(SystemClock().now()))
    if table:
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.info(tr("privacy.disclosure.none"))
