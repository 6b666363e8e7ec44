"""Forms that keep what the user typed and show each error next to its field, translated."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.errors import ConcurrentChange, DomainError, ValidationFailed
from core.i18n import error_text
from ui.state import lang, tr


def _errors_key(form: str) -> str:
    return f"{form}__errors"


def field_error(form: str, field: str) -> None:
    err = st.session_state.get(_errors_key(form), {}).get(field)
    if err:
        key, params = err
        st.error(tr(key, **params), icon=":material/error:")


def form_error(form: str) -> None:
    msg = st.session_state.get(f"{form}__message")
    if msg:
        st.error(msg, icon=":material/error:")


def run_action(form: str, action: Callable[[], object], success_key: str, **params: object) -> bool:
    """Run a service call. On a domain error: remember it for the form and rerun, nothing saved."""
    st.session_state.pop(_errors_key(form), None)
    st.session_state.pop(f"{form}__message", None)
    try:
        action()
    except ValidationFailed as exc:
        st.session_state[_errors_key(form)] = exc.errors
        st.session_state[f"{form}__message"] = error_text(exc, lang())
        st.rerun()
    except ConcurrentChange as exc:
        st.session_state[f"{form}__message"] = error_text(exc, lang())
        st.rerun()
    except DomainError as exc:
        st.session_state[f"{form}__message"] = error_text(exc, lang())
        st.rerun()
    st.session_state["flash"] = tr(success_key, **params)
    st.rerun()
    return True  # not reached: st.rerun() ends the run


def show_flash() -> None:
    """The confirmation of the last action, shown once after its rerun."""
    msg = st.session_state.pop("flash", None)
    if msg:
        st.toast(msg, icon=":material/check_circle:")


def prefill(form: str, record: str, version: int, values: dict[str, object]) -> int:
    """Load a record's values into the form's widgets once per record, so that what the user typed survives
    reruns and a refused save (widgets are keyed `<form>_<field>` and take no `value=`). Returns the version
    that was loaded: the one a save must expect, even if someone else has saved since."""
    marker = f"{form}__record"
    if st.session_state.get(marker) != record:
        for field, value in values.items():
            st.session_state[f"{form}_{field}"] = value
        st.session_state[marker] = record
        st.session_state[f"{form}__version"] = version
        st.session_state.pop(_errors_key(form), None)
        st.session_state.pop(f"{form}__message", None)
    return st.session_state[f"{form}__version"]


def reload_record(form: str) -> None:
    """Drop the user's edits and load the stored record on the next run."""
    st.session_state.pop(f"{form}__record", None)
