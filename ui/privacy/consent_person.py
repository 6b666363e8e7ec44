"""Policies and consents (every signed-in person): the policies in force and any announced change, my consent
records with one-click withdrawal of what rests on consent, and the cookie inventory."""
from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from core.clock import SystemClock
from core.consent import ledger
from core.consent import policies as pol
from core.consent.cookies import inventory
from core.settings import get_settings
from ui.forms import form_error, run_action
from ui.state import lang, person_session, tr

FORM = "consent_person"


def _fmt(at: datetime | None) -> str:
    if at is None:
        return "—"
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.strftime("%Y-%m-%d %H:%M UTC")


def render_cookies() -> None:
    """The cookie inventory in the reader's language (also usable on its own, e.g. on a policy page)."""
    st.subheader(tr("consent.person.cookies"))
    st.caption(tr("consent.person.cookies_intro"))
    st.table(inventory(lang()))


def _policies(session, now: datetime) -> None:  # noqa: ANN001
    notice = pol.policy_notice(session, now, get_settings().privacy_policy_version)
    st.markdown("**" + tr("consent.person.current", kind=tr("consent.kind.privacy_policy"), label=notice.label) + "**")
    st.caption(tr("consent.person.current_since", at=_fmt(notice.effective_at)) if notice.effective_at
               else tr("consent.person.baseline"))
    with st.expander(tr("consent.person.read")):
        st.text(notice.text(lang()))
    for kind in pol.KINDS:
        if kind != pol.PRIVACY_POLICY and (v := pol.current_policy(session, kind, now)) is not None:
            st.markdown("**" + tr("consent.person.current", kind=tr(f"consent.kind.{kind}"), label=v.label) + "**")
            with st.expander(tr("consent.person.read") + f" · {tr(f'consent.kind.{kind}')}"):
                st.text(v.text_en if lang() == "en" else v.text_zh)
        if (nxt := pol.upcoming_policy(session, kind, now)) is not None:
            st.info(tr("consent.person.upcoming", kind=tr(f"consent.kind.{kind}"), label=nxt.label,
                       at=_fmt(nxt.effective_at), summary=nxt.summary_en if lang() == "en" else nxt.summary_zh),
                    icon=":material/campaign:")


def _consents(states: dict, records: list) -> None:
    st.subheader(tr("consent.person.my_consents"))
    form_error(FORM)
    if not records:
        st.info(tr("consent.person.none"))
        return
    for purpose, state in states.items():
        c1, c2 = st.columns([4, 1])
        when = tr("consent.person.given" if state.granted else "consent.person.withdrawn", at=_fmt(state.at))
        c1.markdown(f"**{tr(f'consent.purpose.{purpose}')}** · {when}")
        if purpose == pol.PRIVACY_POLICY:
            c1.caption(tr("consent.person.policy_note"))
        if state.withdrawable and state.granted and c2.button(tr("consent.person.withdraw"),
                                                              key=f"consent_withdraw_{purpose}"):
            def _withdraw(purpose: str = purpose) -> None:
                with person_session() as (s, user):
                    ledger.withdraw(s, user, purpose, clock=SystemClock())

            run_action(FORM, _withdraw, "consent.person.withdrawn_done")
    st.caption(tr("consent.person.ledger"))
    st.dataframe([{tr("consent.person.col.at"): _fmt(r.accepted_at),
                   tr("consent.person.col.purpose"): tr(f"consent.purpose.{ledger.purpose_of(r)}"),
                   tr("consent.person.col.choice"): tr("consent.person.choice.given" if ledger.is_granted(r)
                                                       else "consent.person.choice.withdrawn"),
                   tr("consent.person.col.policy"): r.policy_version,
                   tr("consent.person.col.notice"): r.notice_version} for r in records],
                 hide_index=True, width="stretch")


def render() -> None:
    st.subheader(tr("consent.person.title"))
    now = SystemClock().now()
    with person_session() as (session, user):
        _policies(session, now)
        states = ledger.states(session, user)
        records = ledger.ledger(session, user)
    _consents(states, records)
    render_cookies()
