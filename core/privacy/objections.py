"""Restriction and objection per purpose (analytics, AI improvement, marketing), stored per person.

Every code path that processes personal data for one of these purposes asks `objects_to` (or filters with
`without_objectors`) first; a person who objected is skipped. Today that is the AI-improvement review set
(core.assistant.improvement, `cbam ai improvement-export`); the platform sends no marketing and keeps no usage
analytics, and `analytics_events` is the filter such a path must go through."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from core import audit
from core.errors import DomainError
from db.models import User
from db.privacy_models import PrivacyObjection

PURPOSES = ("analytics", "ai_improvement", "marketing")


def _check(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise DomainError("privacy.error.unknown_purpose", purpose=purpose)


def objects_to(session: Session, person_id: uuid.UUID, purpose: str) -> bool:
    _check(purpose)
    row = session.exec(select(PrivacyObjection).where(PrivacyObjection.user_id == person_id,
                                                      PrivacyObjection.purpose == purpose)).first()
    return bool(row and row.objected)


def objections_of(session: Session, person_id: uuid.UUID) -> dict[str, bool]:
    rows = session.exec(select(PrivacyObjection).where(PrivacyObjection.user_id == person_id)).all()
    got = {r.purpose: r.objected for r in rows}
    return {p: bool(got.get(p)) for p in PURPOSES}


def without_objectors(session: Session, person_ids: Iterable[uuid.UUID], purpose: str) -> list[uuid.UUID]:
    """The people a job for `purpose` may process (those who objected are left out)."""
    _check(purpose)
    ids = list(person_ids)
    if not ids:
        return []
    objecting = set(session.exec(select(PrivacyObjection.user_id).where(
        PrivacyObjection.user_id.in_(ids), PrivacyObjection.purpose == purpose, PrivacyObjection.objected)))
    return [i for i in ids if i not in objecting]


def set_objections(session: Session, user: User, choices: dict[str, bool], *, at: datetime) -> dict[str, bool]:
    """The person's choices; each change is in their own audit chain."""
    current = objections_of(session, user.id)
    for purpose, objected in choices.items():
        _check(purpose)
        if current[purpose] == bool(objected):
            continue
        row = session.exec(select(PrivacyObjection).where(PrivacyObjection.user_id == user.id,
                                                          PrivacyObjection.purpose == purpose)).first()
        if row is None:
            row = PrivacyObjection(user_id=user.id, purpose=purpose)
        row.objected, row.updated_at = bool(objected), at
        session.add(row)
        session.flush()
        audit.record(session, actor_id=user.id, org_id=None, action="privacy.objection", entity="person",
                     entity_id=user.id, before={"purpose": purpose, "objected": current[purpose]},
                     after={"purpose": purpose, "objected": bool(objected)}, at=at)
    return objections_of(session, user.id)


def analytics_events(session: Session, events: Iterable[tuple[uuid.UUID, dict]]) -> list[tuple[uuid.UUID, dict]]:
    """The governed analytics path: usage events of people who did not object (the only ones it may keep)."""
    events = list(events)
    allowed = set(without_objectors(session, {p for p, _ in events}, "analytics"))
    return [(p, e) for p, e in events if p in allowed]
