"""Chain heads kept outside the database, so that deleting the newest events or a whole chain is found.

Links alone cannot show a chain cut short: what is left still verifies. `write_anchors` (the `cbam audit anchor`
command) records every chain's head (chain, seq, hash) in a file under CBAM_AUDIT_ANCHOR_DIR (by default
CBAM_DATA_DIR/audit-anchors/), only after the whole log verifies against the anchors already there, so a cut
cannot be laundered by anchoring again. `core.audit.verify` then fails a chain whose head is below its anchor
(truncated), a chain that is gone (chain_missing), or a chain whose event at the anchored seq has another hash
(anchor_mismatch). Put the directory where those who can write the database cannot write.
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from core.audit.service import VerifyResult, verify
from core.settings import get_settings
from db.models import AuditEvent

FORMAT = "cbam-audit-anchors/1"
HEADS_FILE = "heads.json"


def anchors_path() -> Path:
    return get_settings().effective_audit_anchor_dir / HEADS_FILE


def load_anchors(path: Path | None = None) -> dict[str, tuple[int, str]]:
    """chain → (seq, hash) of its anchored head; {} when nothing was anchored yet."""
    path = path or anchors_path()
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file")
    return {chain: (int(head["seq"]), str(head["hash"])) for chain, head in data["chains"].items()}


def chain_heads(session: Session) -> dict[str, tuple[int, str]]:
    """Every chain's newest event (seq, hash), as the session sees them."""
    newest = (select(AuditEvent.chain, func.max(AuditEvent.seq).label("seq"))
              .group_by(AuditEvent.chain).subquery())
    rows = session.exec(select(AuditEvent.chain, AuditEvent.seq, AuditEvent.hash).join(
        newest, (AuditEvent.chain == newest.c.chain) & (AuditEvent.seq == newest.c.seq))).all()
    return {chain: (seq, digest) for chain, seq, digest in rows}


def write_anchors(session: Session, *, at: datetime, path: Path | None = None) -> tuple[VerifyResult, int]:
    """Verify every chain against the current anchors; if intact, anchor every chain's head (a chain anchored
    before keeps its entry even when it is not visible now). Returns the verification and how many chains were
    anchored (0 when the log is broken: nothing is written then). The session must see every chain (the owner
    connection on PostgreSQL)."""
    path = path or anchors_path()
    current = load_anchors(path)
    result = verify(session, anchors=current)
    if not result.ok:
        return result, 0
    heads = chain_heads(session)
    merged = dict(current) | heads
    data = {"format": FORMAT, "anchored_at": at.isoformat(),
            "chains": {c: {"seq": s, "hash": h} for c, (s, h) in sorted(merged.items())}}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".heads-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:  # written whole, then renamed: never half a file
        json.dump(data, out, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return result, len(heads)
