"""A select box whose labels name a state that can change (a period's status, a member's role).

The browser keeps the chosen option by its label, and Streamlit sends the label again only when the value changes.
After an action that changes what the label says ("Draft" → "Submitted"), the box would keep showing the old label
until the person chooses again, and would even send the old label back, which matches no option any more. This
remembers the label the browser was last sent and, when the chosen option's label changed, sends the new one."""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import streamlit as st


def sync_label(key: str, labels: dict[Hashable, str]) -> None:
    """Before the box is drawn: if the chosen option's label changed since the browser was sent it, send it again
    (assigning the value makes Streamlit send it); an old label the browser sends back means the same option."""
    shown = st.session_state.get(f"{key}__shown")  # (value, label) the browser was last sent
    if shown is None or key not in st.session_state:
        return
    value, text = shown
    current = st.session_state[key]
    if isinstance(current, str) and current == text and current not in labels and value in labels:
        st.session_state[key] = value
    elif isinstance(current, Hashable) and current in labels and labels[current] != text:
        st.session_state[key] = current


def labelled_selectbox(label: str, labels: dict[Hashable, str], *, key: str, **kwargs: Any):
    """`st.selectbox` over the keys of `labels`, shown by their label, keeping the browser's label current."""
    sync_label(key, labels)
    chosen = st.selectbox(label, list(labels), format_func=labels.get, key=key, **kwargs)
    st.session_state[f"{key}__shown"] = (chosen, labels[chosen]) if chosen in labels else None
    return chosen
