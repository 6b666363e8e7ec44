"""The AI-improvement review set: the path the objection to "AI improvement" governs.

The privacy policy (§3) names "improve product features and user experience" as a purpose. For the AI helper the
team reads what it was asked and answered (above all the questions it could not ground or its provider failed
on) to add tools and regulation passages. That reading is processing for AI improvement, so the set is built here,
and only here, and it:
- leaves out every person who objected to AI improvement on My data (core.privacy.objections; a restriction of
  processing is recorded the same way), whatever the organization;
- masks e-mail addresses, phone numbers and the asker's and organization members' names (the AI helper's own
  masker), and carries no user or organization id, only a per-set sequence number;
- is written by the operator (`cbam ai improvement-export`), with an audit event of how many were kept and left out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core import audit
from core.assistant.provider import Masker
from core.privacy.objections import without_objectors
from db.assistant_models import AssistantInteraction
from db.models import Membership, User

PURPOSE = "ai_improvement"


@dataclass
class ReviewSet:
    items: list[dict]
    left_out: int  # interactions of people who objected

    def jsonl(self) -> bytes:
        return "".join(json.dumps(i, ensure_ascii=False, sort_keys=True) + "\n" for i in self.items).encode()


def review_set(session: Session, *, since: datetime, until: datetime, only_unanswered: bool = False) -> ReviewSet:
    """Interactions from `since` (inclusive) to `until` (exclusive) of people who did not object, masked."""
    ia = AssistantInteraction
    query = select(ia).where(ia.created_at >= since, ia.created_at < until).order_by(ia.created_at, ia.id)
    rows = list(session.exec(query))
    allowed = set(without_objectors(session, {r.user_id for r in rows}, PURPOSE))
    kept = [r for r in rows if r.user_id in allowed]
    if only_unanswered:
        kept = [r for r in kept if r.note]
    names = _names(session, {r.org_id for r in kept})
    items = []
    for n, r in enumerate(kept, start=1):
        mask = Masker(names=names.get(r.org_id, []))
        items.append({"n": n, "day": r.created_at.date().isoformat(), "question": mask(r.question),
                      "answer": mask(r.answer), "tools": [str(t.get("tool", "")) for t in r.tools or []
                                                          if isinstance(t, dict)],
                      "provider": r.provider, "note": r.note})
    return ReviewSet(items, left_out=sum(1 for r in rows if r.user_id not in allowed))


def _names(session: Session, org_ids: set) -> dict:
    """Per organization: the names of its members (masked wherever they appear in a question or answer)."""
    out: dict = {}
    if not org_ids:
        return out
    rows = session.exec(select(Membership.org_id, User.name).join(User, User.id == Membership.user_id)
                        .where(Membership.org_id.in_(org_ids))).all()
    for org_id, name in rows:
        if name:
            out.setdefault(org_id, []).append(name)
    return out


def export_review_set(session: Session, *, actor_id, since: datetime, until: datetime, at: datetime,
                      only_unanswered: bool = False) -> ReviewSet:
    result = review_set(session, since=since, until=until, only_unanswered=only_unanswered)
    audit.record(session, actor_id=actor_id, org_id=None, action="assistant.improvement_export",
                 entity="assistant_interaction", entity_id=None, before=None,
                 after={"since": since.isoformat(), "until": until.isoformat(), "kept": len(result.items),
                        "left_out_objected": result.left_out}, at=at)
    return result
