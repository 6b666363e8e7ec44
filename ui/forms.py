"""Forms that keep what the user typed and show each error next to its field, translated."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.errors import ConcurrentChange, DomainError, ValidationFailed
from core.i18n import error_text, problem_list
from ui.state import lang, tr


def _errors_key(form: str) -> str:
    return f"{form}__errors"


def _fields_key(form: str) -> str:
    return f"{form}__fields"


def field_error(form: str, field: str) -> None:
    """The error of `field`, drawn where this is called (next to the field). Calling it tells the form that this
    field's errors are shown on the page: the form's message may then say "highlighted"."""
    drawn = st.session_state.setdefault(_fields_key(form), set())
    drawn.add(field)
    slot = _slot()
    err = st.session_state.get(_errors_key(form), {}).get(field)
    if err:
        key, params = err
        slot.error(tr(key, **params), icon=":material/error:")


def form_error(form: str) -> None:
    slot = _slot()
    msg = st.session_state.get(f"{form}__message")
    if msg:
        slot.error(msg, icon=":material/error:")


def _slot() -> DeltaGenerator:
    """A place for a message that takes one position on the page whether or not a message fills it (an empty
    element is hidden). What follows keeps its position when the message comes or goes, so Streamlit updates the
    widgets below in place: otherwise they are drawn anew at the new position, the old ones still on screen until
    the run ends (two forms, the old one with the values a reload just replaced)."""
    return st.empty()


def run_action(form: str, action: Callable[[], object], success_key: str, **params: object) -> bool:
    """Run a service call. On a domain error: remember it for the form and rerun, nothing saved."""
    st.session_state.pop(_errors_key(form), None)
    st.session_state.pop(f"{form}__message", None)
    try:
        action()
    except ValidationFailed as exc:
        st.session_state[_errors_key(form)] = exc.errors
        st.session_state[f"{form}__message"] = _validation_message(form, exc)
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


def _validation_message(form: str, exc: ValidationFailed) -> str:
    """"Correct the highlighted fields" counts only the errors drawn next to their field; any other error is spelled
    out in the message itself, so no refusal points at a highlight that is not there."""
    drawn = st.session_state.get(_fields_key(form), set())
    shown = [f for f in exc.errors if f in drawn]
    hidden = {f: e for f, e in exc.errors.items() if f not in drawn}
    if not shown:
        return error_text(exc, lang())
    message = tr("form.fix_highlighted", count=len(shown))
    return f"{message} {problem_list(hidden, lang())}" if hidden else message


def show_flash() -> None:
    """The confirmation of the last action, shown once after its rerun."""
    slot = _slot()  # the page below keeps its position whether or not a confirmation shows
    msg = st.session_state.pop("flash", None)
    if msg:
        # inline, above the page: a toast floats over the content (and over a banner) for seconds (issue 12)
        slot.success(msg, icon=":material/check_circle:")


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
