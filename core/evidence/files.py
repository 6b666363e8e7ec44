"""Evidence files: upload (several at once, typed by content, size-limited, deduplicated by SHA-256), replace
(a new version; the earlier one is kept), delete (recorded in the audit log, the stored objects removed once that
has committed), read."""
from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlmodel import select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, NotFound
from core.evidence.sniff import EXTENSIONS, sniff
from core.evidence.storage import new_key, storage_for
from core.records import delete, get_scoped, insert, versioned_update, who
from core.settings import get_settings
from db.evidence_models import EvidenceFile, EvidenceLink

MB = 1024 * 1024
log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # (files done, files in all, name of the last one)


@dataclass
class UploadResult:
    name: str
    file: EvidenceFile | None = None
    duplicate: bool = False           # the same content was already there: `file` is that existing file
    error: DomainError | None = None  # refused: nothing was stored


@dataclass
class FileView:
    file: EvidenceFile
    links: list[EvidenceLink] = field(default_factory=list)
    versions: int = 1
    uploader: str = "-"


def max_bytes() -> int:
    return get_settings().evidence_max_mb * MB


def display_name(name: str | None) -> str:
    """The uploader's file name, for showing only: no folders, no control characters, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[:255] or "file"


def download_extension(media_type: str) -> str:
    """The extension a stored file is handed out with: that of the type its content was detected as."""
    return EXTENSIONS.get(media_type, "bin")


def download_name(f: EvidenceFile) -> str:
    """The name a download gets: the uploader's name without its own extension, plus the detected type's
    (`invoice.pdf.exe` holding a PDF downloads as `invoice.pdf.pdf`, `report.xlsx` holding a CSV as
    `report.csv`), so no file opens in a program its name claims but its content is not for."""
    base = display_name(f.original_name)
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    stem = "".join(c for c in stem if c not in '<>:"/\\|?*').strip(" .") or "file"
    return f"{stem[:200]}.{download_extension(f.media_type)}"


def _checked(data: bytes) -> tuple[str, str]:
    """(media type, sha256) of an acceptable upload; refuses too large and unacceptable content."""
    limit = max_bytes()
    if len(data) > limit:
        raise DomainError("evidence.error_too_large", size=f"{len(data) / MB:.1f}", max=limit // MB)
    return sniff(data).media_type, hashlib.sha256(data).hexdigest()


def _live_with_hash(ctx: Context, digest: str) -> EvidenceFile | None:
    rows = ctx.session.exec(select(EvidenceFile).where(
        EvidenceFile.org_id == ctx.tenant, EvidenceFile.sha256 == digest, EvidenceFile.deleted_at.is_(None))).all()
    return min(rows, key=lambda f: (f.replaced_by is not None, f.uploaded_at), default=None)


_PENDING = "evidence_uncommitted_objects"


def _remove_on_rollback(ctx: Context, store, key: str) -> None:  # noqa: ANN001
    """An object stored in a transaction that then rolls back is removed again: no object without its row."""
    session = ctx.session
    if _PENDING not in session.info:
        session.info[_PENDING] = []

        def _rollback(sess) -> None:  # noqa: ANN001
            for s, k in sess.info.get(_PENDING, []):
                s.delete(k)
            sess.info[_PENDING] = []

        def _commit(sess) -> None:  # noqa: ANN001
            sess.info[_PENDING] = []

        event.listen(session, "after_rollback", _rollback)
        event.listen(session, "after_commit", _commit)
    session.info[_PENDING].append((store, key))


_TO_DELETE = "evidence_objects_to_delete"


def _delete_after_commit(ctx: Context, store, key: str) -> None:  # noqa: ANN001
    """Remove the object once the transaction that marked its row deleted has committed (never if it rolls back).
    A store failing at that point leaves an unreferenced object behind, logged for the operator: the row is already
    deleted, so nobody reaches it through the app."""
    session = ctx.session
    if _TO_DELETE not in session.info:
        session.info[_TO_DELETE] = []

        def _commit(sess) -> None:  # noqa: ANN001
            pending, sess.info[_TO_DELETE] = sess.info.get(_TO_DELETE, []), []
            for s, k in pending:
                try:
                    s.delete(k)
                except Exception:  # noqa: BLE001  (committed already: report, do not undo the deletion)
                    log.exception("evidence object %s could not be removed after its deletion committed", k)

        def _rollback(sess) -> None:  # noqa: ANN001
            sess.info[_TO_DELETE] = []

        event.listen(session, "after_commit", _commit)
        event.listen(session, "after_rollback", _rollback)
    session.info[_TO_DELETE].append((store, key))


def _store(ctx: Context, name: str, data: bytes, media_type: str, digest: str, *, action: str,
           previous: EvidenceFile | None = None) -> EvidenceFile:
    store = storage_for(ctx.tenant)
    key = new_key(ctx.tenant)
    store.put(key, data, media_type)
    _remove_on_rollback(ctx, store, key)
    return insert(ctx, EvidenceFile(
        sha256=digest, media_type=media_type, size=len(data), original_name=display_name(name), storage_key=key,
        version_no=previous.version_no + 1 if previous else 1, previous_id=previous.id if previous else None,
        uploaded_by=ctx.user.id, uploaded_at=ctx.clock.now()), action=action)


def upload_files(ctx: Context, *, files: Sequence[tuple[str, bytes]], progress: Progress | None = None
                 ) -> list[UploadResult]:
    """Store each file, or say why not. A file whose content the organization already has is not stored again:
    its result names the existing file and says `duplicate`."""
    ctx.require(Permission.EVIDENCE_EDIT)
    results: list[UploadResult] = []
    for done, (name, data) in enumerate(files, start=1):
        try:
            media_type, digest = _checked(data)
            existing = _live_with_hash(ctx, digest)
            if existing is not None:
                results.append(UploadResult(display_name(name), existing, duplicate=True))
            else:
                results.append(UploadResult(display_name(name), _store(ctx, name, data, media_type, digest,
                                                                       action="evidence.upload")))
        except DomainError as exc:
            results.append(UploadResult(display_name(name), error=exc))
        if progress is not None:
            progress(done, len(files), display_name(name))
    return results


def current_file(ctx: Context, file_id: uuid.UUID) -> EvidenceFile:
    f = get_scoped(ctx, EvidenceFile, file_id)
    if f.deleted_at is not None:
        raise NotFound("evidencefile", file_id)
    if f.replaced_by is not None:
        raise DomainError("evidence.error_not_current", version=f.version_no)
    return f


def replace_file(ctx: Context, *, file_id: uuid.UUID, name: str, data: bytes, expected_version: int) -> EvidenceFile:
    """A new version of a file: stored as a new row and object; the earlier version is kept (replaced_by points
    at the new one) and the file's links move to the new version."""
    ctx.require(Permission.EVIDENCE_EDIT)
    old = current_file(ctx, file_id)
    media_type, digest = _checked(data)
    if digest == old.sha256:
        raise DomainError("evidence.error_same_content")
    existing = _live_with_hash(ctx, digest)
    if existing is not None:
        raise DomainError("evidence.error_duplicate", name=existing.original_name)
    new = _store(ctx, name, data, media_type, digest, action="evidence.upload", previous=old)
    versioned_update(ctx, old, expected_version, {"replaced_by": new.id}, action="evidence.replace")
    for link in ctx.session.exec(select(EvidenceLink).where(EvidenceLink.org_id == ctx.tenant,
                                                            EvidenceLink.file_id == old.id)).all():
        versioned_update(ctx, link, link.version, {"file_id": new.id}, action="evidence.relink")
    return new


def versions_of(ctx: Context, f: EvidenceFile) -> list[EvidenceFile]:
    """Every version of the file `f` belongs to, oldest first."""
    chain = [f]
    while chain[0].previous_id is not None:
        chain.insert(0, get_scoped(ctx, EvidenceFile, chain[0].previous_id))
    while chain[-1].replaced_by is not None:
        chain.append(get_scoped(ctx, EvidenceFile, chain[-1].replaced_by))
    return chain


def file_history(ctx: Context, *, file_id: uuid.UUID) -> list[EvidenceFile]:
    ctx.require(Permission.DATA_VIEW)
    return versions_of(ctx, get_scoped(ctx, EvidenceFile, file_id))


def erase_object(ctx: Context, f: EvidenceFile, *, reason: str, expected_version: int | None = None) -> None:
    """The one path that removes an evidence file's stored object: the row is marked deleted (who, when, why; in
    the audit log) in the caller's transaction, and the object is deleted through the storage adapter only once
    that transaction has committed. A refused or failed transaction (a stale version, a later step's error)
    therefore leaves every object in place, and a store that cannot be reached refuses before anything is
    marked. Deletion, privacy erasure and retention call this; the caller checks the permission. Rows are never
    deleted: the audit trail and the version chain keep them."""
    store = storage_for(f.org_id)
    store.exists(f.storage_key)  # raises evidence.error_storage now, while the marking can still roll back
    if f.deleted_at is None:
        versioned_update(ctx, f, f.version if expected_version is None else expected_version,
                         {"deleted_at": ctx.clock.now(), "deleted_by": ctx.user.id, "deleted_reason": reason[:40]},
                         action="evidence.delete")
    _delete_after_commit(ctx, store, f.storage_key)


def delete_file(ctx: Context, *, file_id: uuid.UUID, expected_version: int) -> None:
    """Delete a file with all its versions: links removed, every version's object erased."""
    ctx.require(Permission.EVIDENCE_EDIT)
    f = current_file(ctx, file_id)
    for link in ctx.session.exec(select(EvidenceLink).where(EvidenceLink.org_id == ctx.tenant,
                                                            EvidenceLink.file_id == f.id)).all():
        delete(ctx, link, link.version, action="evidence.unlink")
    for v in versions_of(ctx, f):
        erase_object(ctx, v, reason="deleted", expected_version=expected_version if v.id == f.id else None)


def list_files(ctx: Context) -> list[FileView]:
    """The organization's current files (latest versions, not deleted), newest first, with their links."""
    ctx.require(Permission.DATA_VIEW)
    rows = ctx.session.exec(select(EvidenceFile).where(
        EvidenceFile.org_id == ctx.tenant, EvidenceFile.deleted_at.is_(None), EvidenceFile.replaced_by.is_(None))
        .order_by(EvidenceFile.uploaded_at.desc(), EvidenceFile.id)).all()
    links: dict[uuid.UUID, list[EvidenceLink]] = {}
    for link in ctx.session.exec(select(EvidenceLink).where(EvidenceLink.org_id == ctx.tenant)
                                 .order_by(EvidenceLink.created_at, EvidenceLink.id)):
        links.setdefault(link.file_id, []).append(link)
    return [FileView(f, links.get(f.id, []), f.version_no, who(ctx.session, f.uploaded_by)) for f in rows]


def get_file(ctx: Context, *, file_id: uuid.UUID) -> EvidenceFile:
    ctx.require(Permission.DATA_VIEW)
    f = get_scoped(ctx, EvidenceFile, file_id)
    if f.deleted_at is not None:
        raise NotFound("evidencefile", file_id)
    return f


def read_file(ctx: Context, *, file_id: uuid.UUID) -> tuple[EvidenceFile, bytes]:
    """A file's bytes for a member of its organization, checked against the stored SHA-256."""
    f = get_file(ctx, file_id=file_id)
    data = storage_for(ctx.tenant).get(f.storage_key)
    if hashlib.sha256(data).hexdigest() != f.sha256:
        raise DomainError("evidence.error_integrity", name=f.original_name)
    return f, data


def download_url(ctx: Context, *, file_id: uuid.UUID) -> str | None:
    """A short-lived signed URL where the storage offers one (Supabase); None: download through the app."""
    f = get_file(ctx, file_id=file_id)
    return storage_for(ctx.tenant).signed_url(f.storage_key)
