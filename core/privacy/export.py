"""The access and portability export: one zip holding everything the platform keeps about a person.

    manifest.json            format, schema version, the person, when, and the SHA-256 and size of every other file
    data.json                schema-versioned JSON: table → the person's rows (their personal-data columns)
    csv/<table>.csv          the same rows, one CSV per table
    files/<id>-<name>        the evidence files the person uploaded (still stored)
    dictionary.json          every exported field: its category and meaning in Chinese and English
    processing.json          purposes, legal bases, retention, recipients, transfers (from the data map), zh and en

Only the personal-data columns of a row go out (plus its id and organization): an author reference on a shipment
exports that the person entered it, not the organization's figures."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from core import audit
from core.i18n import t
from core.privacy.datamap import INCLUDE, data_map, entries_by_table, processing_facts
from core.privacy.subject import Subject, audit_events_of, find_subject, rows_of

FORMAT = "cbam-privacy-export"
SCHEMA_VERSION = 1


@dataclass
class ExportResult:
    data: bytes
    name: str
    files: int
    rows: int


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _keep(table: str) -> list[str]:
    cols = [e.column for e in entries_by_table().get(table, []) if e.export == INCLUDE]
    return [c for c in ("id", "org_id") if c not in cols] + cols


def collect(session: Session, subject: Subject) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, rows in rows_of(session, subject).items():
        keep = _keep(name)
        tables[name] = [{k: _plain(r[k]) for k in keep if k in r} for r in rows]
    events = audit_events_of(session, subject)
    if events:
        tables["audit_event"] = [{
            "id": ev.id, "chain": ev.chain, "seq": ev.seq, "org_id": _plain(ev.org_id), "actor_id": _plain(ev.actor_id),
            "action": ev.action, "entity": ev.entity, "entity_id": ev.entity_id, "before": ev.before,
            "after": ev.after, "at": _plain(ev.at)} for ev in events]
    return tables


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    cols: list[str] = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    w = csv.DictWriter(out, fieldnames=cols)
    w.writeheader()
    for r in rows:
        w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for k, v in r.items()})
    return out.getvalue().encode("utf-8-sig")  # a BOM, so Excel opens Chinese text correctly


def dictionary() -> dict[str, dict[str, Any]]:
    out = {}
    for e in data_map():
        out[f"{e.table}.{e.column}"] = {
            "category": e.category,
            "en": t(f"privacy.{e.purpose}", "en"), "zh": t(f"privacy.{e.purpose}", "zh"),
            "legal_basis": {"en": t(f"privacy.{e.legal_basis}", "en"), "zh": t(f"privacy.{e.legal_basis}", "zh")},
            "retention": {"en": t(f"privacy.{e.retention}", "en"), "zh": t(f"privacy.{e.retention}", "zh")},
            "erasure": e.erasure,
        }
    return out


def _evidence_files(subject: Subject, rows: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """The stored evidence files the person uploaded (objects already erased are skipped)."""
    from core.errors import DomainError
    from core.evidence.storage import storage_for

    out = []
    for r in rows:
        if subject.user_id is None or r.get("uploaded_by") != str(subject.user_id) or r.get("deleted_at"):
            continue
        try:
            data = storage_for(uuid.UUID(r["org_id"])).get(r["storage_key"])
        except DomainError:
            continue
        out.append((f"files/{r['id']}-{r['original_name']}", data))
    return out


def build_export(session: Session, subject_email: str, *, actor_id: uuid.UUID | None, at: datetime,
                 subject: Subject | None = None) -> ExportResult:
    """The zip for one person, and an audit event (on the actor's own chain) saying who exported whose data.
    `subject` limits it to what one organization keeps (core.privacy.controller)."""
    subject = subject or find_subject(session, subject_email)
    tables = collect(session, subject)
    raw_evidence = [dict(r) for r in rows_of(session, subject).get("evidence_file", [])]
    files: list[tuple[str, bytes]] = [
        ("data.json", json.dumps({"format": FORMAT, "schema_version": SCHEMA_VERSION, "tables": tables},
                                 ensure_ascii=False, indent=1, sort_keys=True, default=_plain).encode()),
        *[(f"csv/{name}.csv", _csv(rows)) for name, rows in sorted(tables.items())],
        *_evidence_files(subject, [{k: _plain(v) for k, v in r.items()} for r in raw_evidence]),
        ("dictionary.json", json.dumps(dictionary(), ensure_ascii=False, indent=1, sort_keys=True).encode()),
        ("processing.json", json.dumps({"en": processing_facts("en"), "zh": processing_facts("zh")},
                                       ensure_ascii=False, indent=1).encode()),
    ]
    manifest = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "subject": subject.email,
                "generated_at": at.isoformat(),
                "files": [{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for p, d in files]}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        for p, d in files:
            z.writestr(p, d)
    actor = actor_id or subject.user_id
    if subject.scope_org is not None:
        from core.privacy.erasure import pseudonym

        # an organization's export of a third party: in its own chain, naming the person by pseudonym only
        audit.record(session, actor_id=actor, org_id=subject.scope_org, action="privacy.export", entity="person",
                     entity_id=pseudonym(None, subject.email), before=None,
                     after={"files": len(files), "tables": sorted(tables)}, at=at)
    else:
        audit.record(session, actor_id=actor, org_id=None, action="privacy.export", entity="person",
                     entity_id=subject.user_id, before=None,
                     after={"files": len(files), "tables": sorted(tables)}, at=at)
    rows = sum(len(v) for v in tables.values())
    prefix = "personal-data" if subject.scope_org is not None else "my-data"
    return ExportResult(buf.getvalue(), f"{prefix}-{at:%Y%m%d-%H%M%S}.zip",
                        sum(1 for p, _ in files if p.startswith("files/")), rows)


def log_download(session: Session, *, actor_id: uuid.UUID, name: str, at: datetime) -> None:
    """A download of an export, on the person's own chain (the page calls this when the button is pressed)."""
    audit.record(session, actor_id=actor_id, org_id=None, action="privacy.export_downloaded", entity="person",
                 entity_id=actor_id, before=None, after={"name": name}, at=at)
