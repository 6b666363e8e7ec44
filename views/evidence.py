"""Evidence: upload the files behind the figures, link them to figures of a period, preview, download, replace,
delete; coverage per period and the verifier pack."""

import streamlit as st

from core.access import Permission, can
from core.errors import DomainError
from core.evidence import (
    delete_file,
    download_name,
    download_url,
    file_history,
    link_file,
    link_targets,
    list_files,
    max_bytes,
    period_coverage,
    read_file,
    replace_file,
    unlink,
    upload_files,
    verifier_pack,
)
from core.evidence.sniff import IMAGES, PDF
from core.i18n import error_text
from core.installations import list_installations
from core.reporting import list_periods
from ui.forms import form_error, run_action, show_flash
from ui.navigation import guard
from ui.state import context, labels, lang, tr
from ui.uploads import file_uploader

guard("evidence")

MB = 1024 * 1024
st.title(tr("page.evidence"))
show_flash()
with context() as ctx:
    editable = can(ctx.role, Permission.EVIDENCE_EDIT)
    sites = {i.id: i.name for i in list_installations(ctx, include_archived=True)}
    periods = list_periods(ctx, latest_only=False)  # every version: links and coverage of earlier ones too
period_labels = {p.id: tr("evidence.period_label", installation=sites.get(p.installation_id, ""), year=p.year,
                          version=p.version_no) for p in periods}

if editable:
    with st.expander(tr("evidence.upload"), icon=":material/upload:"):
        st.caption(tr("evidence.limits", max=max_bytes() // MB))
        uploads = file_uploader(tr("evidence.choose_files"), accept_multiple_files=True,
                                max_mb=max_bytes() // MB, key="ev_uploads")
        if st.button(tr("evidence.upload_button"), disabled=not uploads, key="ev_upload"):
            bar = st.progress(0.0, text=tr("evidence.progress", done=0, total=len(uploads)))

            def _progress(done: int, total: int, _name: str) -> None:
                bar.progress(done / total, text=tr("evidence.progress", done=done, total=total))

            with context() as c:
                results = upload_files(c, files=[(u.name, u.getvalue()) for u in uploads], progress=_progress)
            for r in results:
                if r.error is not None:
                    st.error(tr("evidence.refused", name=r.name, reason=error_text(r.error, lang())))
                elif r.duplicate:
                    st.info(tr("evidence.duplicate", name=r.name, existing=r.file.original_name))
                else:
                    st.success(tr("evidence.uploaded", name=r.name))

with context() as ctx:
    views = list_files(ctx)
_targets: dict = {}


def targets_of(pid) -> dict:
    """The figures of one period version a file may support, read once per run and only for the versions shown
    (every version is listed, and each may hold many shipments)."""
    if pid not in _targets:
        with context() as c:
            _targets[pid] = {t.entity_id: t for t in link_targets(c, period_id=pid)}
    return _targets[pid]


if not views:
    st.info(tr("evidence.none_yet"), icon=":material/info:")
else:
    st.dataframe([{tr("evidence.col_name"): v.file.original_name, tr("evidence.col_type"): v.file.media_type,
                   tr("evidence.col_size"): round(v.file.size / 1024, 1), tr("evidence.col_sha256"): v.file.sha256,
                   tr("evidence.col_version"): v.versions, tr("evidence.col_links"): len(v.links),
                   tr("evidence.col_uploaded"): v.file.uploaded_at.strftime("%Y-%m-%d %H:%M"),
                   tr("evidence.col_uploaded_by"): v.uploader} for v in views],
                 hide_index=True, width="stretch")
    names = {v.file.id: f"{v.file.original_name} · {v.file.sha256[:12]}" for v in views}
    chosen = st.selectbox(tr("evidence.which_file"), list(names), format_func=names.get, key="ev_file")
    view = next(v for v in views if v.file.id == chosen)
    f = view.file
    try:
        with context() as ctx:
            _, data = read_file(ctx, file_id=f.id)
            url = download_url(ctx, file_id=f.id)
            history = file_history(ctx, file_id=f.id)
    except DomainError as exc:
        st.error(error_text(exc, lang()))
        data, url, history = None, None, []
    if data is not None:
        with st.expander(tr("evidence.preview"), expanded=f.media_type in IMAGES):
            if f.media_type in IMAGES:
                st.image(data)
            elif f.media_type == PDF:
                st.pdf(data)  # the viewer ships with the streamlit[pdf] extra (pdf.js bundled: works offline)
            else:
                st.caption(tr("evidence.no_preview"))
        if url:
            st.link_button(tr("evidence.open_link"), url, icon=":material/download:")
        else:
            st.download_button(tr("evidence.download"), data, file_name=download_name(f), mime=f.media_type,
                               on_click="ignore", icon=":material/download:", key="ev_download")

    st.markdown(f"**{tr('evidence.links')}**")
    form_error("ev_file")
    if not view.links:
        st.caption(tr("evidence.no_links"))
    for link in view.links:
        target = targets_of(link.period_id).get(link.entity_id)
        c1, c2 = st.columns([5, 1])
        c1.text(f"{period_labels.get(link.period_id, '')} · {tr('evidence.entity.' + link.entity_type)} "
                f"{target.label if target else ''} · {tr('evidence.field.' + link.field_name)}")
        if editable and c2.button(tr("evidence.unlink"), key=f"ev_unlink_{link.id}"):
            def _unlink(lid=link.id, v=link.version) -> None:
                with context() as c:
                    unlink(c, link_id=lid, expected_version=v)
            run_action("ev_file", _unlink, "common.saved")

    if editable and periods:
        with st.expander(tr("evidence.link_title"), icon=":material/link:"):
            form_error("ev_link")
            pid = st.selectbox(tr("evidence.period"), list(period_labels), format_func=period_labels.get,
                               key="ev_link_period")
            targets = targets_of(pid)
            choices = {tid: f"{tr('evidence.entity.' + t.entity_type)}: {t.label}" for tid, t in targets.items()}
            tid = st.selectbox(tr("evidence.target"), list(choices), format_func=choices.get, key="ev_link_target")
            fields = list(targets[tid].paths)
            field = st.selectbox(tr("evidence.field_label"), fields, format_func=labels("evidence.field", fields).get,
                                 key="ev_link_field")
            if st.button(tr("evidence.link_button"), key="ev_link_do"):
                def _link() -> None:
                    with context() as c:
                        link_file(c, file_id=f.id, period_id=pid, entity_type=targets[tid].entity_type,
                                  entity_id=tid, field_name=field)
                run_action("ev_link", _link, "common.saved")
    if editable:
        with st.expander(tr("evidence.replace"), icon=":material/difference:"):
            form_error("ev_replace")
            st.dataframe([{tr("evidence.col_version"): h.version_no, tr("evidence.col_name"): h.original_name,
                           tr("evidence.col_sha256"): h.sha256,
                           tr("evidence.col_uploaded"): h.uploaded_at.strftime("%Y-%m-%d %H:%M")} for h in history],
                         hide_index=True, width="stretch")
            new = file_uploader(tr("evidence.replace_file"), max_mb=max_bytes() // MB,
                                key=f"ev_replace_file_{f.id}")
            if st.button(tr("evidence.replace_button"), disabled=new is None, key="ev_replace_do"):
                def _replace() -> None:
                    with context() as c:
                        replace_file(c, file_id=f.id, name=new.name, data=new.getvalue(), expected_version=f.version)
                run_action("ev_replace", _replace, "common.saved")
        with st.expander(tr("evidence.delete"), icon=":material/delete:"):
            form_error("ev_delete")
            confirm = st.checkbox(tr("evidence.confirm_delete", name=f.original_name), key=f"ev_confirm_{f.id}")
            if st.button(tr("evidence.delete"), disabled=not confirm, type="primary", key="ev_delete_do"):
                def _delete() -> None:
                    with context() as c:
                        delete_file(c, file_id=f.id, expected_version=f.version)
                run_action("ev_delete", _delete, "evidence.deleted")

st.subheader(tr("evidence.coverage"))
if not periods:
    st.info(tr("evidence.no_period"), icon=":material/info:")
    st.stop()
with context() as ctx:
    coverage = {p.id: period_coverage(ctx, period_id=p.id) for p in periods}
st.dataframe([{tr("evidence.col_period"): period_labels[pid], tr("evidence.col_covered"): f"{c.covered} / {c.total}",
               tr("evidence.col_share"): "—" if c.share is None else f"{c.share:.0%}"} for pid, c in coverage.items()],
             hide_index=True, width="stretch")
st.subheader(tr("evidence.pack"))
pack_pid = st.selectbox(tr("evidence.period"), list(period_labels), format_func=period_labels.get, key="ev_pack_period")
if st.button(tr("evidence.pack_build"), key="ev_pack_build"):
    try:
        with context() as ctx:
            pack = verifier_pack(ctx, period_id=pack_pid)
    except DomainError as exc:
        st.error(error_text(exc, lang()))
        st.stop()
    st.download_button(tr("evidence.pack_download", files=pack.files), pack.data, file_name=pack.filename,
                       mime="application/zip", on_click="ignore", icon=":material/folder_zip:", key="ev_pack_download")
