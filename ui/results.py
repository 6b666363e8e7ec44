"""The engine's live results as the reporting and the processes pages show them: totals, SEE per process, and a
"why this number" expander for each."""
from __future__ import annotations

import uuid

import streamlit as st

from core.cbam.explain import readable_source
from core.errors import DomainError
from core.i18n import error_text
from core.numbers.display import printf, shown
from core.reporting import LiveResults, live_results
from db.reporting_models import ReportingPeriod
from ui.comments import comment_action
from ui.state import context, lang, tr


def load_results(period_id: uuid.UUID) -> LiveResults | None:
    """The period's results, or None after showing why the engine cannot evaluate the data yet."""
    try:
        with context() as ctx:
            return live_results(ctx, period_id=period_id)
    except DomainError as exc:
        st.warning(error_text(exc, lang()), icon=":material/pending:")
        return None


def show_results(results: LiveResults, *, codes: list[str] | None = None,
                 period: ReportingPeriod | None = None) -> None:
    """Totals, the SEE table and the explanations; `codes` limits the processes shown. With `period`, reviewers get
    a "comment" action on each process's figures (`processes[i]`, i its place in the scenario)."""
    c1, c2 = st.columns(2)
    if results.total_certificates is None:  # a benchmark is missing: incomplete, never a smaller number
        st.error(tr("cbam.flag.benchmark_missing"), icon=":material/error:")
        c1.metric(tr("reporting.certificates"), tr("dash.incomplete"))
        c2.metric(tr("reporting.cost"), tr("dash.incomplete"))
    else:
        c1.metric(tr("reporting.certificates"), shown(results.total_certificates, "tco2e"))
        c2.metric(tr("reporting.cost"),
                  "—" if results.total_cost_eur is None else f"€ {shown(results.total_cost_eur, 'eur')}")
    processes = [p for p in results.processes if codes is None or p.code in codes]
    st.dataframe([{tr("reporting.process"): f"{p.code} {p.name}", tr("reporting.cn_code"): p.cn_code or "",
                   tr("reporting.see_direct"): round(p.see_direct, 6), tr("reporting.see_indirect"):
                   round(p.see_indirect, 6), tr("reporting.see_basis"): round(p.cbam_basis, 6)}
                  for p in processes], hide_index=True, width="stretch",
                 column_config={tr(k): st.column_config.NumberColumn(format=printf("tco2e_per_t"))
                                for k in ("reporting.see_direct", "reporting.see_indirect", "reporting.see_basis")})
    place = {p.code: n for n, p in enumerate(results.processes)}
    for p in processes:
        with st.expander(tr("reporting.why", process=p.code)):
            if period is not None:
                comment_action(period, f"processes[{place[p.code]}]", key=f"res_{p.code}")
            for term in p.terms:
                st.markdown(f"**{tr(term.label_key)}**: {term.value:,.6g} {term.unit}")
                if term.formula:
                    st.caption(tr("reporting.formula", formula=term.formula,
                                  source=readable_source(term.source, lang()) or "-"))
