"""Identity verification for a request made without signing in: a 6-digit code e-mailed to the requester, valid
10 minutes, 3 attempts (the defaults Fides uses: code TTL 600 s, `identity_verification_attempt_limit` 3). Only a
keyed hash of the code is stored. A request made while signed in is verified by the sign-in itself.

The result of a check is returned, not raised, so that a wrong attempt is counted even though the caller's
transaction commits normally. Sending the e-mail is the caller's `send(email, code)` (no mail transport yet)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from core import audit
from core.settings import get_settings
from db.privacy_models import PrivacyRequest

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 3
OK, WRONG, EXPIRED, LOCKED = "ok", "wrong", "expired", "locked"


def _digest(req: PrivacyRequest, code: str) -> str:
    return hmac.new(get_settings().effective_audit_key, f"cbam-privacy-code|{req.id}|{code}".encode(),
                    hashlib.sha256).hexdigest()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands times back naive; they were stored as UTC


def _audit(session: Session, req: PrivacyRequest, action: str, after: dict, at: datetime,
           actor_id: uuid.UUID | None = None) -> None:
    """On the organization's chain. A walk-in request without an organization has no chain to go to yet (there is
    no public intake page so far); its code events are then not logged."""
    if req.org_id is not None:
        audit.record(session, actor_id=actor_id, org_id=req.org_id, action=action, entity="privacyrequest",
                     entity_id=req.id, before=None, after=after, at=at)


def issue_code(session: Session, req: PrivacyRequest, *, at: datetime, send: Callable[[str, str], None],
               actor_id: uuid.UUID | None = None) -> None:
    """A new code (the previous one stops working), sent to the requester's address."""
    code = f"{secrets.randbelow(10**6):06d}"
    req.code_hash, req.code_expires_at, req.code_attempts = _digest(req, code), at + CODE_TTL, 0
    session.add(req)
    session.flush()
    _audit(session, req, "privacy.code_sent", {"expires_at": req.code_expires_at}, at, actor_id)
    send(req.requester_email, code)


def check_code(session: Session, req: PrivacyRequest, code: str, *, at: datetime,
               actor_id: uuid.UUID | None = None) -> str:
    """OK (verified), WRONG (an attempt used), EXPIRED, or LOCKED (3 wrong attempts: a new code is needed)."""
    if req.verified_at is not None:
        return OK
    if not req.code_hash or req.code_attempts >= MAX_ATTEMPTS:
        return LOCKED
    if req.code_expires_at is None or at > _aware(req.code_expires_at):
        return EXPIRED
    if hmac.compare_digest(_digest(req, (code or "").strip()), req.code_hash):
        req.verified_at, req.verification_method, req.code_hash = at, "email_code", ""
        result = OK
    else:
        req.code_attempts += 1
        result = WRONG if req.code_attempts < MAX_ATTEMPTS else LOCKED
    session.add(req)
    session.flush()
    _audit(session, req, "privacy.code_checked", {"result": result, "attempts": req.code_attempts}, at, actor_id)
    return result
