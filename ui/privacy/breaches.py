"""The breach register (DPO of the operator's organization): the register with each breach's next deadline in
colour, a form to record a breach, its obligations earliest first (mark one done with evidence), the affected
organizations and people, sending the notice to them (after confirming how many), the Art 34(3) exemption with a
written justification, and closing a breach. No SQL here: core.privacy.breaches does the work."""
from __future__ import annotations

from datetime import UTC, datetime, time

import streamlit as st

from core.errors import DomainError
from core.i18n import error_text
from core.privacy import breaches as svc
from core.privacy.breaches import clocks as c
from core.privacy.breaches.service import DATA_CATEGORIES
from ui.forms import form_error, run_action
from ui.state import context, labels, lang, tr

FORM = "breaches"


def _directory():  # noqa: ANN202
    """People and organizations anywhere on the platform: the operator session (see core.privacy.subject)."""
    from core.privacy.subject import operator_session

    return operator_session()


def _due(o: c.Obligation, now: datetime) -> str:
    sign, hours, minutes = c.left(o, now)
    left = tr("breach.ui.left", sign=sign, hours=hours, minutes=f"{minutes:02d}")
    return f"{o.due_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC · :{c.colour(o, now)}[{left}]"


def _rule(o: c.Obligation, orgs: dict[str, str]) -> str:
    target = orgs.get(o.target, o.target)
    return tr(o.rule) + (f" ({target})" if target else "")


def render() -> None:
    st.subheader(tr("breach.ui.title"))
    form_error(FORM)
    try:
        with context() as ctx:
            rows = svc.list_breaches(ctx)
            now = ctx.clock.now()
    except DomainError as exc:
        st.info(error_text(exc, lang()))
        return
    if not rows:
        st.info(tr("breach.ui.none"))
    lines = []
    for b, items in rows:
        nxt = c.next_deadline(items)
        due = f"{_rule(nxt, {})} · {_due(nxt, now)}" if nxt else tr("breach.ui.nothing_owed")
        state = tr("breach.ui.closed") if b.closed_at else tr(f"breach.severity.{b.severity}")
        lines.append(f"- **{b.number}** · {state} · {tr(f'breach.role.{b.role}')} · {due}")
    if lines:
        st.markdown("\n".join(lines))
    _record_form()
    if rows:
        by_number = {b.number: (b, items) for b, items in rows}
        chosen = st.selectbox(tr("breach.ui.breach"), list(by_number), key="br_breach")
        _detail(*by_number[chosen], now)


def _record_form() -> None:
    with st.expander(tr("breach.ui.record")):
        d1, d2 = st.columns(2)
        day = d1.date_input(tr("breach.ui.aware_day"), key="br_aware_day")
        at = d2.time_input(tr("breach.ui.aware_time"), value=time(0, 0), step=60, key="br_aware_time")
        description = st.text_area(tr("breach.ui.description"), key="br_description")
        s1, s2, s3 = st.columns(3)
        severity = s1.selectbox(tr("breach.ui.severity"), c.SEVERITIES, key="br_severity",
                                format_func=labels("breach.severity", c.SEVERITIES).get)
        role = s2.selectbox(tr("breach.ui.role"), c.ROLES, key="br_role", format_func=labels("breach.role", c.ROLES).get)
        high_risk = s3.checkbox(tr("breach.ui.high_risk"), key="br_high_risk")
        categories = st.multiselect(tr("breach.ui.categories"), DATA_CATEGORIES, key="br_categories",
                                    format_func=labels("breach.category", DATA_CATEGORIES).get)
        states = st.multiselect(tr("breach.ui.member_states"), c.EU_MEMBER_STATES, key="br_states")
        n1, n2 = st.columns(2)
        people = n1.number_input(tr("breach.ui.approx_people"), min_value=0, step=1, key="br_people")
        records = n2.number_input(tr("breach.ui.approx_records"), min_value=0, step=1, key="br_records")
        consequences = st.text_area(tr("breach.ui.consequences"), key="br_consequences")
        measures = st.text_area(tr("breach.ui.measures"), key="br_measures")
        advice = st.text_area(tr("breach.ui.advice"), key="br_advice")
        contact = st.text_input(tr("breach.ui.contact"), key="br_contact")
        if st.button(tr("breach.ui.save"), type="primary", key="br_save"):
            data = svc.BreachData(
                aware_at=datetime.combine(day, at, tzinfo=UTC), description=description, severity=severity,
                role=role, data_categories=list(categories), approx_people=int(people), approx_records=int(records),
                member_states=list(states), high_risk=high_risk, consequences=consequences, measures=measures,
                advice=advice, contact=contact)

            def _save() -> None:
                with context() as ctx:
                    svc.record_breach(ctx, data)
            run_action(FORM, _save, "breach.ui.saved")


def _detail(b, items: list[c.Obligation], now: datetime) -> None:  # noqa: ANN001
    with context() as ctx, _directory() as directory:
        orgs = {str(o.id): o.name_en for o in svc.organizations(ctx, directory)}
    st.caption(tr("breach.ui.summary", aware=f"{c.aware(b.aware_at):%Y-%m-%d %H:%M} UTC", people=b.approx_people,
                  orgs=", ".join(orgs.get(str(o), str(o)) for o in b.affected_org_ids) or "-"))
    st.markdown("\n".join(f"- {_rule(o, orgs)} · {tr(f'breach.status.{o.status}')} · {_due(o, now)}"
                          if o.pending else f"- {_rule(o, orgs)} · {tr(f'breach.status.{o.status}')}" for o in items))
    owed = [o for o in items if o.pending and o.kind != c.USER]
    if owed:
        keys = {o.key: _rule(o, orgs) for o in owed}
        key = st.selectbox(tr("breach.ui.obligation"), list(keys), format_func=keys.get, key="br_obligation")
        evidence = st.text_input(tr("breach.ui.evidence"), key="br_evidence")
        if st.button(tr("breach.ui.mark_done"), key="br_mark_done"):
            def _done() -> None:
                with context() as ctx:
                    svc.complete_obligation(ctx, b.id, key, evidence)
            run_action(FORM, _done, "breach.ui.done")
    _people(b, orgs)
    _exemption(b)
    if not b.closed_at and st.checkbox(tr("breach.ui.confirm_close"), key="br_confirm_close"):
        if st.button(tr("breach.ui.close"), key="br_close"):
            def _close() -> None:
                with context() as ctx:
                    svc.close_breach(ctx, b.id)
            run_action(FORM, _close, "breach.ui.closed_done")


def _people(b, orgs: dict[str, str]) -> None:  # noqa: ANN001
    with st.expander(tr("breach.ui.people")):
        emails = st.text_area(tr("breach.ui.emails"), key="br_emails")
        chosen = st.multiselect(tr("breach.ui.orgs"), list(orgs), format_func=orgs.get, key="br_orgs")
        everyone = st.checkbox(tr("breach.ui.all_members"), key="br_all_members")
        if st.button(tr("breach.ui.add_people"), key="br_add_people"):
            def _add() -> None:
                with context() as ctx, _directory() as directory:
                    svc.add_affected(ctx, b.id, emails=emails.replace(",", "\n").split(), org_ids=chosen,
                                     all_members=everyone, directory=directory)
            run_action(FORM, _add, "breach.ui.people_added")
        with context() as ctx:
            notices = [n for n in svc.notices_of(ctx, b.id) if n.kind == c.USER]
        if notices:
            st.dataframe([{tr("breach.ui.col.recipient"): n.recipient, tr("breach.ui.col.language"): n.language or "zh/en",
                           tr("breach.ui.col.status"): tr(f"breach.delivery.{n.status}"),
                           tr("breach.ui.col.sent"): f"{c.aware(n.sent_at):%Y-%m-%d %H:%M}" if n.sent_at else "",
                           tr("breach.ui.col.error"): n.error} for n in notices], hide_index=True)
        owed = [n for n in notices if n.status != c.SENT and n.recipient]
        if owed and st.checkbox(tr("breach.ui.confirm_send", count=len(owed)), key="br_confirm_send"):
            if st.button(tr("breach.ui.send", count=len(owed)), type="primary", key="br_send"):
                def _send() -> None:
                    with context() as ctx:
                        res = svc.send_user_notices(ctx, b.id, expected=len(owed))
                    st.session_state["br_sent"] = (len(res.sent), len(res.failed))
                run_action(FORM, _send, "breach.ui.sent_done")
        if "br_sent" in st.session_state:
            sent, failed = st.session_state.pop("br_sent")
            (st.warning if failed else st.success)(tr("breach.ui.sent_result", sent=sent, failed=failed))


def _exemption(b) -> None:  # noqa: ANN001
    with st.expander(tr("breach.ui.exemption")):
        if b.exemption_justification:
            st.info(tr("breach.ui.exempted", ground=tr(f"breach.ground.{b.exemption_ground}"),
                       justification=b.exemption_justification))
            return
        ground = st.selectbox(tr("breach.ui.ground"), c.EXEMPTION_GROUNDS, key="br_ground",
                              format_func=labels("breach.ground", c.EXEMPTION_GROUNDS).get)
        why = st.text_area(tr("breach.ui.justification"), key="br_justification")
        if st.checkbox(tr("breach.ui.confirm_exempt"), key="br_confirm_exempt"):
            if st.button(tr("breach.ui.exempt"), key="br_exempt"):
                def _exempt() -> None:
                    with context() as ctx:
                        svc.record_exemption(ctx, b.id, ground=ground, justification=why)
                run_action(FORM, _exempt, "breach.ui.exempt_done")
