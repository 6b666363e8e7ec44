"""The reporting page's comparison of two versions of a period, field by field, by section."""
from __future__ import annotations

import streamlit as st

from core.errors import DomainError
from core.i18n import error_text
from core.reporting.compare import SECTIONS, compare_versions
from ui.state import context, lang, tr


def _shown(value) -> str:
    return "—" if value is None else str(value)


def _label(kind: str, name: str) -> str:
    """A translated label where the catalog has one (`compare.field.activity_level`), else the field's own name
    (nested ones like `heat.imported_TJ`, a source stream's parameters, read as the scenario format spells them)."""
    key = f"compare.{kind}.{name}"
    text = tr(key)
    return name if text == key else text


def show_comparison(history: list, period) -> None:
    """Two version pickers (the chosen period and, by default, the one before it) and the changes between them."""
    st.subheader(tr("compare.header"))
    if len(history) < 2:
        st.caption(tr("compare.only_one"))
        return
    # on demand: a version holds up to hundreds of thousands of shipments, read on both sides
    if not st.toggle(tr("compare.show"), key=f"rep_compare_on_{period.id}"):
        return
    labels = {h.id: tr("compare.version_label", version=h.version_no, status=tr(f"reporting.status.{h.status}"))
              for h in history}
    ids = list(labels)
    at = ids.index(period.id) if period.id in ids else len(ids) - 1
    c1, c2 = st.columns(2)
    old_id = c1.selectbox(tr("compare.old"), ids, index=max(at - 1, 0), format_func=labels.get,
                          key=f"rep_compare_old_{period.id}")
    new_id = c2.selectbox(tr("compare.new"), ids, index=at if at > 0 else 1, format_func=labels.get,
                          key=f"rep_compare_new_{period.id}")
    try:
        with context() as ctx:
            result = compare_versions(ctx, old_period_id=old_id, new_period_id=new_id)
    except DomainError as exc:
        st.error(error_text(exc, lang()))
        return
    if not result.customers_known:
        st.info(tr("compare.customers_unknown"), icon=":material/info:")
    if not result.changes:
        st.success(tr("compare.none"))
        return
    st.caption(tr("compare.count", count=len(result.changes)))
    for section in SECTIONS:
        changes = result.of(section)
        if not changes:
            continue
        st.markdown(f"**{tr('compare.section.' + section)}**")
        st.dataframe([{tr("compare.col_item"): _label("item", c.item), tr("compare.col_field"): _label("field", c.field),
                       tr("compare.col_old"): _shown(c.old), tr("compare.col_new"): _shown(c.new),
                       tr("compare.col_kind"): tr(f"compare.kind.{c.kind}")} for c in changes],
                     hide_index=True, width="stretch", key=f"rep_compare_{section}")
