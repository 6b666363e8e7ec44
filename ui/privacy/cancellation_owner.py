"""The owner's control on the organization page: cancel the subscription (the data is deleted 30 days later, with
reminders and a deletion certificate by e-mail), or withdraw the cancellation before then. Shown to the owner only
(permission org.cancel)."""
from __future__ import annotations

import streamlit as st

from core.access import Permission, can
from core.privacy.requests import local_day
from core.retention import cancellation
from core.retention.schedule import CANCELLATION_DAYS, aware_local_day
from ui.forms import form_error, run_action
from ui.state import context, tr

FORM = "org_cancellation"


def render() -> None:
    with context() as ctx:
        if not can(ctx.role, Permission.ORG_CANCEL):
            return
        current = cancellation.current(ctx)
        today = local_day(ctx.clock.now())
    st.subheader(tr("retention.cancel.title"))
    form_error(FORM)
    if current is None:
        st.caption(tr("retention.cancel.intro", days=CANCELLATION_DAYS))
        sure = st.checkbox(tr("retention.cancel.confirm"), key="org_cancel_sure")
        if st.button(tr("retention.cancel.button"), key="org_cancel", type="primary", disabled=not sure,
                     icon=":material/delete_forever:"):
            def _cancel() -> None:
                with context() as c:
                    cancellation.request_cancellation(c)

            run_action(FORM, _cancel, "retention.cancel.done")
        return
    st.warning(tr("retention.cancel.pending", requested=aware_local_day(current.requested_at).isoformat(),
                  delete_on=current.delete_on.isoformat(), days=(current.delete_on - today).days))
    if st.button(tr("retention.cancel.withdraw"), key="org_cancel_withdraw", icon=":material/undo:"):
        def _withdraw() -> None:
            with context() as c:
                cancellation.withdraw_cancellation(c)

        run_action(FORM, _withdraw, "retention.cancel.withdrawn")
