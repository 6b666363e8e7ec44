"""The DPO's tab for processors and third parties: the public disclosure table as it reads today, the registry
with every version, adding and changing a processor (a new version each time, after a confirmation), change
notices to every organization owner with an objection window, the cross-border transfer register, and the records
of processing as CSV and XLSX. No SQL here: everything goes through core.privacy.registers."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.privacy.registers import processors as reg
from core.privacy.registers import records, transfers
from core.privacy.requests import local_day
from ui.forms import form_error, run_action
from ui.state import context, labels, lang, tr

FORM = "privacy_processors"


def _language() -> str:
    return lang() if lang() in ("zh", "en") else "en"


def _inputs(prefix: str, base: reg.ProcessorData | None) -> reg.ProcessorData:
    b = base or reg.ProcessorData(service="")
    c = st.columns(2)
    service = c[0].text_input(tr("privacy.processors.col.service"), b.service, max_chars=200, key=f"{prefix}_service")
    provider = c[1].text_input(tr("privacy.processors.col.provider"), b.provider, max_chars=300,
                               key=f"{prefix}_provider")
    provider_url = c[0].text_input(tr("field.provider_url"), b.provider_url, max_chars=500, key=f"{prefix}_provider_url")
    policy_url = c[1].text_input(tr("privacy.processors.col.policy"), b.policy_url, max_chars=500,
                                 key=f"{prefix}_policy_url")
    values = {}
    for field in ("data_types", "fields", "purpose"):
        z, e = st.columns(2)
        values[f"{field}_zh"] = z.text_input(tr(f"privacy.processors.col.{field}") + tr("privacy.processors.in_zh"),
                                             getattr(b, f"{field}_zh"), key=f"{prefix}_{field}_zh")
        values[f"{field}_en"] = e.text_input(tr(f"privacy.processors.col.{field}") + tr("privacy.processors.in_en"),
                                             getattr(b, f"{field}_en"), key=f"{prefix}_{field}_en")
    c = st.columns(3)
    region = c[0].text_input(tr("privacy.processors.col.region"), b.region, max_chars=200, key=f"{prefix}_region")
    abroad = c[1].checkbox(tr("privacy.processors.abroad"), b.abroad, key=f"{prefix}_abroad")
    mechanism = c[2].selectbox(tr("privacy.processors.col.mechanism"), reg.MECHANISMS,
                               index=reg.MECHANISMS.index(b.mechanism),
                               format_func=labels("privacy.mechanism", reg.MECHANISMS).get, key=f"{prefix}_mechanism")
    return reg.ProcessorData(service=service, provider=provider, provider_url=provider_url, region=region,
                             abroad=abroad, mechanism=mechanism, policy_url=policy_url, **values)


def _confirmed(key: str) -> None:
    from core.errors import DomainError

    if not st.session_state.get(key):
        raise DomainError("privacy.processors.confirm_needed")


def _registry_section(today) -> None:  # noqa: ANN001
    with context() as ctx:
        table = reg.disclosure_table(ctx.session, _language(), today)
        all_versions = reg.registry(ctx.session)
        sent = reg.notices(ctx.session)
    st.subheader(tr("privacy.processors.public"))
    if table:
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.info(tr("privacy.processors.none"))
        if st.button(tr("privacy.processors.seed"), key="pp_seed"):
            def _seed() -> None:
                with context() as c:
                    reg.seed_examples(c)

            run_action(FORM, _seed, "privacy.processors.saved")
    form_error(FORM)
    for vs in all_versions:
        last = vs[-1]
        with st.expander(tr("privacy.processors.versions", service=last.service)):
            st.dataframe([{
                tr("privacy.processors.col.version"): v.version,
                tr("privacy.processors.col.effective_on"): v.effective_on.isoformat()
                + (f" · {tr('privacy.processors.pending')}" if v.effective_on > today else ""),
                tr("privacy.processors.col.service"): v.service + (tr("privacy.processors.example_mark")
                                                                  if v.example else ""),
                tr("privacy.processors.col.purpose"): getattr(v, f"purpose_{_language()}"),
                tr("privacy.processors.col.region"): v.region,
                tr("privacy.processors.col.mechanism"): tr(f"privacy.mechanism.{v.mechanism}"),
                tr("privacy.processors.col.note"): (tr("privacy.records.state.removed") + " · " if v.removed else "")
                + v.change_note,
            } for v in vs], hide_index=True, width="stretch")

    # -- add ----------------------------------------------------------------------------------------------------------
    with st.expander(tr("privacy.processors.add")):
        data = _inputs("pp_add", None)
        st.checkbox(tr("privacy.processors.confirm"), key="pp_add_confirm")
        if st.button(tr("privacy.processors.save"), type="primary", key="pp_add_save"):
            def _add(data=data) -> None:  # noqa: ANN001
                _confirmed("pp_add_confirm")
                with context() as c:
                    reg.add_processor(c, data)

            run_action(FORM, _add, "privacy.processors.saved")

    # -- change or remove ---------------------------------------------------------------------------------------------
    live = [vs for vs in all_versions if not vs[-1].removed]
    if live:
        with st.expander(tr("privacy.processors.change")):
            by_key = {str(vs[-1].processor_key): vs[-1] for vs in live}
            chosen = st.selectbox(tr("privacy.processors.choose"), list(by_key),
                                  format_func=lambda k: f"{by_key[k].service} (v{by_key[k].version})",
                                  key="pp_change_which")
            last = by_key[chosen]
            data = _inputs(f"pp_change_{chosen}_{last.version}", reg.ProcessorData.of(last))
            effective = st.date_input(tr("privacy.processors.col.effective_on"),
                                      today + timedelta(days=reg.OBJECTION_DAYS), min_value=today,
                                      key="pp_change_effective")
            note = st.text_input(tr("privacy.processors.col.note"), max_chars=1000, key="pp_change_note")
            st.checkbox(tr("privacy.processors.confirm"), key="pp_change_confirm")
            b = st.columns(2)
            if b[0].button(tr("privacy.processors.save"), type="primary", key="pp_change_save"):
                def _change(data=data, key=last.processor_key) -> None:  # noqa: ANN001
                    _confirmed("pp_change_confirm")
                    with context() as c:
                        reg.change_processor(c, key, data, effective_on=effective, note=note)

                run_action(FORM, _change, "privacy.processors.saved")
            if b[1].button(tr("privacy.processors.remove"), key="pp_change_remove"):
                def _remove(key=last.processor_key) -> None:  # noqa: ANN001
                    _confirmed("pp_change_confirm")
                    with context() as c:
                        reg.remove_processor(c, key, effective_on=effective, note=note)

                run_action(FORM, _remove, "privacy.processors.saved")

    # -- change notices -----------------------------------------------------------------------------------------------
    announce = [v for vs in all_versions for v in vs if v.effective_on > today]
    with st.expander(tr("privacy.processors.notices")):
        for n, v in sent:
            st.caption(tr("privacy.processors.notice_row", day=n.sent_on.isoformat(), service=v.service,
                          version=v.version, recipients=n.recipients, until=n.objection_until.isoformat()))
        if announce:
            by_id = {str(v.id): v for v in announce}
            which = st.selectbox(tr("privacy.processors.notice_version"), list(by_id),
                                 format_func=lambda i: f"{by_id[i].service} v{by_id[i].version} · "
                                                       f"{by_id[i].effective_on.isoformat()}", key="pp_notice_which")
            if st.button(tr("privacy.processors.notice"), key="pp_notice_send"):
                def _notice(version_id=by_id[which].id) -> None:  # noqa: ANN001
                    from core.privacy.subject import operator_session

                    with context() as c, operator_session() as op:
                        reg.schedule_change_notice(c, version_id, operator=op)

                run_action(FORM, _notice, "privacy.processors.notice_sent")


def _transfer_section() -> None:
    from core.privacy.subject import operator_session

    with context() as ctx, operator_session() as op:
        r = transfers.register_for(ctx, op)
    st.subheader(tr("privacy.transfers.title"))
    st.caption(tr("privacy.transfers.intro", year=r.year))
    c = st.columns(3)
    c[0].metric(tr("privacy.transfers.people"), f"{r.people:,}")
    c[1].metric(tr("privacy.transfers.sensitive"), f"{r.sensitive_people:,}")
    c[2].metric(tr("privacy.transfers.deadline"), r.deadline.isoformat() if r.deadline else "—")
    st.markdown(f"**{tr('privacy.transfers.band')}**: {tr(f'privacy.transfers.band.{r.band}')}")
    for x in r.crossings:
        st.markdown("- " + tr("privacy.transfers.crossed", threshold=tr(f"privacy.transfers.crossing.{x.threshold}"),
                              day=x.crossed_on.isoformat(), band=tr(f"privacy.mechanism.{x.band}"),
                              deadline=x.deadline.isoformat() if x.deadline else tr("privacy.transfers.no_deadline")))
    if r.by_recipient:
        st.caption(tr("privacy.transfers.by_recipient") + ": "
                   + "; ".join(f"{k}: {v:,}" for k, v in sorted(r.by_recipient.items())))
    st.caption(tr("privacy.transfers.holidays"))
    st.caption(tr("privacy.transfers.pipo", n=f"{r.processed_people:,}"))
    if r.pipo_required:
        st.warning(tr("privacy.transfers.pipo_required"))


def _records_section() -> None:
    language = _language()
    with context() as ctx:
        csv_bytes = records.records_csv(ctx, language)
        xlsx_bytes = records.records_xlsx(ctx, language)
    st.subheader(tr("privacy.records.title"))
    st.caption(tr("privacy.records.intro"))
    c = st.columns(2)
    c[0].download_button(tr("privacy.records.csv"), csv_bytes, file_name=f"records-of-processing-{language}.csv",
                         mime="text/csv", key="pp_records_csv")
    c[1].download_button(tr("privacy.records.xlsx"), xlsx_bytes,
                         file_name=f"records-of-processing-{language}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         key="pp_records_xlsx")


def render() -> None:
    """The tab (for the privacy center page; the page's guard checks Permission.PRIVACY_MANAGE)."""
    st.header(tr("privacy.processors.title"))
    st.caption(tr("privacy.processors.intro"))
    with context() as ctx:
        from core.access import Permission

        ctx.require(Permission.PRIVACY_MANAGE)
        today = local_day(ctx.clock.now())
    _registry_section(today)
    _transfer_section()
    _records_section()
