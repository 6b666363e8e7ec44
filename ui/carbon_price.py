"""Entry section: the carbon price paid in the country of production for one production process (issue 13;
Art. 9 Reg. (EU) 2023/956 as replaced by Reg. (EU) 2025/2083). Wired into the processes page with `render()`."""
from __future__ import annotations

import re

import streamlit as st

from core.cbam.carbon_price import PRICE_TYPES, REBATE_TYPES
from core.numbers import number_text
from core.numbers.display import shown
from core.reporting.carbon_price import (
    CarbonPriceData,
    add_carbon_price,
    delete_carbon_price,
    effective_per_t,
    list_carbon_prices,
    update_carbon_price,
)
from ui.forms import field_error, form_error, prefill, reload_record, run_action
from ui.state import context, tr

FORM = "cpf"
NUMBERS = ("covered_emissions", "price_per_tco2", "rebated_emissions", "compensation_per_t", "rate_per_eur")
TEXTS = {"instrument": 200, "country": 2, "currency": 3, "rate_source": 300}


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


def _values(e) -> dict:
    return {"instrument": e.instrument if e else "", "country": e.country if e else "",
            "price_type": e.price_type if e else "National ETS", "currency": e.currency if e else "",
            "rebate_type": e.rebate_type if e else "None", "rate_date": e.rate_date if e else None,
            "rate_source": e.rate_source if e else "",
            # numbers as text: what is typed reaches the service unaltered (refused there, never changed)
            **{n: number_text(getattr(e, n)) if e else ("0" if n in ("rebated_emissions", "compensation_per_t") else "")
               for n in NUMBERS}}


def render(period, process, *, editable: bool) -> None:
    """The carbon-price entry of `process` in `period`: shown, and editable while the period is."""
    st.subheader(tr("carbon_price.title"))
    st.caption(tr("carbon_price.intro"))
    with context() as ctx:
        entry = next((e for e in list_carbon_prices(ctx, period_id=period.id) if e.process_id == process.id), None)
    if entry is not None:
        local, eur = effective_per_t(entry)
        st.info(tr("carbon_price.effective", local=shown(local, "eur"), currency=entry.currency,
                   eur=shown(eur, "eur")), icon=":material/payments:")
    elif not editable:
        st.caption(tr("carbon_price.none"))
        return
    version = prefill(FORM, f"{process.id}", entry.version if entry else 0, _values(entry))
    form_error(FORM)
    types = {t: tr(f"carbon_price.type.{_slug(t)}") for t in PRICE_TYPES}
    rebates = {t: tr(f"carbon_price.rebate.{_slug(t)}") for t in REBATE_TYPES}
    c1, c2, c3 = st.columns([3, 1, 2])
    c1.text_input(tr("carbon_price.field.instrument"), max_chars=200, key=f"{FORM}_instrument", disabled=not editable)
    c2.text_input(tr("carbon_price.field.country"), max_chars=2, key=f"{FORM}_country", disabled=not editable)
    c3.selectbox(tr("carbon_price.field.price_type"), list(types), format_func=types.get, key=f"{FORM}_price_type",
                 disabled=not editable)
    for name in ("instrument", "country", "price_type"):
        field_error(FORM, name)
    c1, c2, c3 = st.columns(3)
    c1.text_input(tr("carbon_price.field.covered_emissions"), key=f"{FORM}_covered_emissions", disabled=not editable)
    c2.text_input(tr("carbon_price.field.price_per_tco2"), key=f"{FORM}_price_per_tco2", disabled=not editable)
    c3.text_input(tr("carbon_price.field.currency"), max_chars=3, key=f"{FORM}_currency", disabled=not editable,
                  help=tr("carbon_price.field.currency_help"))
    for name in ("covered_emissions", "price_per_tco2", "currency"):
        field_error(FORM, name)
    c1, c2, c3 = st.columns(3)
    c1.selectbox(tr("carbon_price.field.rebate_type"), list(rebates), format_func=rebates.get,
                 key=f"{FORM}_rebate_type", disabled=not editable)
    c2.text_input(tr("carbon_price.field.rebated_emissions"), key=f"{FORM}_rebated_emissions", disabled=not editable)
    c3.text_input(tr("carbon_price.field.compensation_per_t"), key=f"{FORM}_compensation_per_t",
                  disabled=not editable)
    for name in ("rebate_type", "rebated_emissions", "compensation_per_t"):
        field_error(FORM, name)
    c1, c2, c3 = st.columns(3)
    c1.text_input(tr("carbon_price.field.rate_per_eur"), key=f"{FORM}_rate_per_eur", disabled=not editable,
                  help=tr("carbon_price.field.rate_help"))
    c2.date_input(tr("carbon_price.field.rate_date"), key=f"{FORM}_rate_date", value=None, disabled=not editable,
                  format="YYYY-MM-DD")
    c3.text_input(tr("carbon_price.field.rate_source"), max_chars=300, key=f"{FORM}_rate_source",
                  disabled=not editable)
    for name in ("rate_per_eur", "rate_date", "rate_source"):
        field_error(FORM, name)
    st.caption(tr("carbon_price.evidence_note"))
    if not editable:
        return
    if st.button(tr("common.save"), type="primary", key="cp_save"):
        s = st.session_state
        data = CarbonPriceData(price_type=s[f"{FORM}_price_type"], rebate_type=s[f"{FORM}_rebate_type"],
                               rate_date=s[f"{FORM}_rate_date"],
                               **{n: s[f"{FORM}_{n}"] for n in (*TEXTS, *NUMBERS)})

        def _save() -> None:
            with context() as c:
                if entry is None:
                    add_carbon_price(c, process_id=process.id, data=data)
                else:
                    update_carbon_price(c, entry_id=entry.id, data=data, expected_version=version)
            reload_record(FORM)

        run_action(FORM, _save, "common.saved")
    if entry is not None:
        with st.expander(tr("carbon_price.delete")):
            sure = st.checkbox(tr("carbon_price.confirm_delete"), key="cp_confirm_delete")
            if st.button(tr("entry.delete"), disabled=not sure, key="cp_delete"):
                def _delete() -> None:
                    with context() as c:
                        delete_carbon_price(c, entry_id=entry.id, expected_version=version)
                    reload_record(FORM)

                run_action(FORM, _delete, "common.saved")
