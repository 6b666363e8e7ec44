"""The verifier pack: a period's evidence in one zip, with `index.csv` (each file, its SHA-256 and the figures it
supports) and `manifest.json` (the SHA-256 of every member, the period, and its snapshot if approved)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass

from sqlmodel import select

from core.access import Permission
from core.context import Context
from core.errors import DomainError
from core.evidence.files import download_extension
from core.evidence.links import targets_of
from core.evidence.storage import storage_for
from core.records import get_scoped
from core.reporting.common import APPROVED
from core.reporting.scenario import snapshot_of
from db.evidence_models import EvidenceFile, EvidenceLink
from db.models import Installation
from db.reporting_models import ReportingPeriod

FORMAT = "cbam-evidence-pack/1"
# A spreadsheet would run a cell starting with these as a formula (OWASP "CSV injection"; the full-width forms
# are read as formulas by some Chinese spreadsheet software too).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_COMPRESSED = {"application/pdf", "image/png", "image/jpeg", "image/webp"}  # deflating these gains nothing


@dataclass(frozen=True)
class Pack:
    filename: str
    data: bytes
    files: int


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def verifier_pack(ctx: Context, *, period_id: uuid.UUID) -> Pack:
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    inst = ctx.session.get(Installation, period.installation_id)
    snap = snapshot_of(ctx, period) if period.status == APPROVED else None
    figure = {(t.entity_type, t.entity_id, f): f"{path} ({t.label})"
              for t in targets_of(ctx, period) for f, path in t.paths.items()}
    links = ctx.session.exec(select(EvidenceLink, EvidenceFile).join(EvidenceFile, EvidenceFile.id == EvidenceLink.file_id)
                             .where(EvidenceLink.org_id == ctx.tenant, EvidenceLink.period_id == period.id,
                                    EvidenceFile.deleted_at.is_(None))
                             .order_by(EvidenceFile.uploaded_at, EvidenceFile.id, EvidenceLink.created_at)).all()
    files: dict[uuid.UUID, EvidenceFile] = {}
    supports: dict[uuid.UUID, list[str]] = {}
    for link, f in links:
        files.setdefault(f.id, f)
        supports.setdefault(f.id, []).append(figure.get((link.entity_type, link.entity_id, link.field_name),
                                                        f"{link.entity_type}:{link.entity_id}:{link.field_name}"))
    store = storage_for(ctx.tenant)
    members: dict[str, str] = {}
    rows: list[list[object]] = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, f in enumerate(files.values(), start=1):
            data = store.get(f.storage_key)
            digest = hashlib.sha256(data).hexdigest()
            if digest != f.sha256:
                raise DomainError("evidence.error_integrity", name=f.original_name)
            # member names come from the number and hash only: nothing a person typed becomes a path
            name = f"files/{n:04d}-{digest[:12]}.{download_extension(f.media_type)}"
            zf.writestr(_info(name), data, zipfile.ZIP_STORED if f.media_type in _COMPRESSED else zipfile.ZIP_DEFLATED)
            members[name] = digest
            rows.append([name, digest, f.media_type, f.size, f.original_name, f.version_no,
                         f.uploaded_at.isoformat(), "; ".join(supports[f.id])])
        index = _index_csv(rows)
        zf.writestr(_info("index.csv"), index)
        members["index.csv"] = hashlib.sha256(index).hexdigest()
        if snap is not None:
            content = snap.content.encode("utf-8")
            zf.writestr(_info("snapshot.json"), content)
            members["snapshot.json"] = hashlib.sha256(content).hexdigest()
        manifest = {
            "format": FORMAT,
            "generated_at": ctx.clock.now().isoformat(),
            "organization": str(ctx.tenant),
            "period": {"id": str(period.id), "installation": inst.name if inst else "", "year": period.year,
                       "version": period.version_no, "status": period.status},
            "snapshot": {"hash": snap.hash, "version": snap.version_no} if snap else None,
            "files": len(rows),
            "members": members,
        }
        zf.writestr(_info("manifest.json"), json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    inst_part = "".join(c for c in (inst.name if inst else "") if c.isalnum())[:40] or "installation"
    return Pack(f"evidence-{inst_part}-{period.year}-v{period.version_no}.zip", buf.getvalue(), len(rows))


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed: a member's bytes depend on its content only
    info.external_attr = 0o644 << 16
    return info


def _index_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["file", "sha256", "media_type", "size_bytes", "original_name", "version", "uploaded_at",
                "linked_figures"])
    for row in rows:
        w.writerow([neutralise(v) for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")  # BOM: Excel opens UTF-8 (Chinese names) correctly
