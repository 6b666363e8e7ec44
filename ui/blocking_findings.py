"""The refusal of a submission or an approval for blocking data-quality findings: each finding, translated, with a
link to the field where it is fixed. The refusal's message itself shows as the form's error (ui/forms.py)."""
from __future__ import annotations

import uuid

import streamlit as st

from core.approval import BlockingFindings
from ui.field_link import field_link
from ui.state import tr

_KEY = "blocking_findings"


def remember(form: str, period_id: uuid.UUID, error: BlockingFindings) -> None:
    st.session_state[f"{form}__{_KEY}"] = (period_id, error.findings)


def forget(form: str) -> None:
    st.session_state.pop(f"{form}__{_KEY}", None)


def show_refusal(form: str, period_id: uuid.UUID) -> None:
    """The findings of the last refusal of `form` on this period, each with its link."""
    kept = st.session_state.get(f"{form}__{_KEY}")
    if not kept or kept[0] != period_id or not st.session_state.get(f"{form}__message"):
        return
    with st.container(border=True, key=f"{form}_blocking"):
        st.markdown(tr("approval.blocking_heading"))
        for f in kept[1]:
            st.error(tr("approval.blocking_line", rule=f.rule, message=tr(f.key, **f.params)),
                     icon=":material/block:")
            field_link(period_id, f.path)
