"""Choose an installation and one of its reporting periods; the choice follows the person from page to page, and a
link may name the period (`?period=<id>`)."""
from __future__ import annotations

import uuid
from collections.abc import Callable

import streamlit as st

from core.errors import DomainError
from core.installations import list_installations
from core.reporting import get_period, list_periods
from db.reporting_models import ReportingPeriod
from ui.choice import labelled_selectbox, sync_label
from ui.state import context, tr

CHOSEN_INSTALLATION, CHOSEN_PERIOD = "chosen_installation", "chosen_period"


def _linked_period() -> ReportingPeriod | None:
    """The period a link names, once per link (afterwards the person's own choice wins)."""
    wanted = st.query_params.get("period")
    if not wanted or st.session_state.get("linked_period") == wanted:
        return None
    st.session_state["linked_period"] = wanted
    try:
        with context() as ctx:
            return get_period(ctx, period_id=uuid.UUID(wanted))
    except (ValueError, DomainError):
        return None


def pick_period(prefix: str, *, below_installation: Callable[[uuid.UUID], None] | None = None) -> ReportingPeriod:
    """Two select boxes keyed `<prefix>_installation` and `<prefix>_period`; stops the page when there is nothing to
    choose. `below_installation` draws between them (the reporting page's "new period" form)."""
    with context() as ctx:
        installations = list_installations(ctx)
    if not installations:
        st.info(tr("reporting.no_installation"), icon=":material/info:")
        st.stop()
    inst_key, period_key = f"{prefix}_installation", f"{prefix}_period"
    linked = _linked_period()
    if linked is not None:
        st.session_state[inst_key] = linked.installation_id
        st.session_state[period_key] = linked.id
    elif inst_key not in st.session_state and st.session_state.get(CHOSEN_INSTALLATION):
        st.session_state[inst_key] = st.session_state[CHOSEN_INSTALLATION]
    names = {i.id: i.name for i in installations}
    sync_label(inst_key, names)
    if st.session_state.get(inst_key) not in names:
        st.session_state.pop(inst_key, None)
    inst_id = labelled_selectbox(tr("reporting.installation"), names, key=inst_key)
    st.session_state[CHOSEN_INSTALLATION] = inst_id
    if below_installation is not None:
        below_installation(inst_id)
    with context() as ctx:  # every version: an approved one stays reachable (read-only) after a new one is opened
        periods = list_periods(ctx, installation_id=inst_id, latest_only=False)
    if not periods:
        st.info(tr("reporting.no_period"), icon=":material/info:")
        st.stop()
    labels = {p.id: tr("reporting.period_label", year=p.year, version=p.version_no,
                       status=tr(f"reporting.status.{p.status}")) for p in periods}
    if period_key not in st.session_state and st.session_state.get(CHOSEN_PERIOD) in labels:
        st.session_state[period_key] = st.session_state[CHOSEN_PERIOD]
    sync_label(period_key, labels)  # the status in the label follows an action at once
    if st.session_state.get(period_key) not in labels:
        st.session_state.pop(period_key, None)
    period_id = labelled_selectbox(tr("reporting.period"), labels, key=period_key)
    st.session_state[CHOSEN_PERIOD] = period_id
    return next(p for p in periods if p.id == period_id)
