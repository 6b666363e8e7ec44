"""Policy versions: drafted, reviewed and scheduled by a DPO with a notice period; the old version is served until
the new one's effective instant; people are told by e-mail when a version is scheduled and asked to accept the
privacy policy again only when its purposes change.

Writes run on the operator session (`operator`): the app role only reads scheduled versions, and telling every
active person needs every person's address, which the app role never sees at once. The DPO's permission is
checked on their own context first, and each write is audited in the DPO's own chain.

A version's stored status is draft, review or scheduled; a scheduled version is *published* (in force) from its
effective instant on (`status_at`), so no job has to flip it and the switch happens exactly on time."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from core import audit
from core.access import Permission
from core.consent.notice import Notice
from core.context import Context
from core.errors import DomainError, NotFound, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, Term, t
from core.mail import Delivery, queue_mail
from core.mail.outbox import NOT_CONFIGURED
from core.privacy.operator import require_operator_dpo
from core.records import snapshot
from core.settings import get_settings
from db.consent_models import PolicyVersion
from db.models import User

PRIVACY_POLICY, TERMS, PRICING, DATA_POLICY = "privacy_policy", "terms", "pricing", "data_policy"
KINDS = (PRIVACY_POLICY, TERMS, PRICING, DATA_POLICY)
DRAFT, REVIEW, SCHEDULED = "draft", "review", "scheduled"
PUBLISHED = "published"  # a scheduled version from its effective instant on (derived, see status_at)
STATUSES = (DRAFT, REVIEW, SCHEDULED, PUBLISHED)

# Minimum notice before a version takes effect, in days. Platform privacy policy §12 ("Privacy Policy Updates"):
# material changes are notified by e-mail or platform notification at least 15 days before they take effect;
# §11 ("Service Fees and Right to Charge"): users are notified at least 30 days before any pricing or data policy
# change takes effect. The terms follow the policy-update period (the policy names no other).
NOTICE_DAYS: dict[str, int] = {PRIVACY_POLICY: 15, TERMS: 15, PRICING: 30, DATA_POLICY: 30}

# The purposes a version may name (the platform privacy policy 1.0, §3 "How We Use Your Information").
PURPOSES = ("service", "cbam_processing", "calculation", "ai_assistance", "notifications", "security_audit",
            "product_improvement", "marketing", "analytics", "ai_training")
BASELINE_PURPOSES = PURPOSES[:7]  # what policy 1.0 (shipped in core/identity/policies/1.0.txt) names
LABEL = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,39}")


class PolicyDraft(BaseModel):
    kind: str = PRIVACY_POLICY
    label: str = Field(default="", max_length=40)
    text_zh: str = ""
    text_en: str = ""
    summary_zh: str = Field(default="", max_length=2000)
    summary_en: str = Field(default="", max_length=2000)
    purposes: list[str] = Field(default_factory=list)
    # the DPO's own judgement that the purposes, methods or categories change (PIPL Art 14(2)) even where the
    # list of purposes does not
    purposes_changed: bool = False


def _aware(at: datetime | None) -> datetime | None:
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands back naive times


def status_at(v: PolicyVersion, at: datetime) -> str:
    if v.status == SCHEDULED and v.effective_at is not None and _aware(v.effective_at) <= at:
        return PUBLISHED
    return v.status


def earliest_effective(kind: str, notice_at: datetime) -> datetime:
    return notice_at + timedelta(days=NOTICE_DAYS[kind])


# --- reading (any session: the app role sees scheduled versions) ------------------------------------------------

def current_policy(session: Session, kind: str, at: datetime) -> PolicyVersion | None:
    """The version in force at `at`: the scheduled one with the latest effective instant not after `at` (the old
    one until the new one's effective instant). None: none scheduled yet (the shipped baseline is in force)."""
    return session.exec(select(PolicyVersion).where(
        PolicyVersion.kind == kind, PolicyVersion.status == SCHEDULED, PolicyVersion.effective_at <= at)
        .order_by(PolicyVersion.effective_at.desc())).first()


def upcoming_policy(session: Session, kind: str, at: datetime) -> PolicyVersion | None:
    """The next version announced (scheduled, not yet in force)."""
    return session.exec(select(PolicyVersion).where(
        PolicyVersion.kind == kind, PolicyVersion.status == SCHEDULED, PolicyVersion.effective_at > at)
        .order_by(PolicyVersion.effective_at)).first()


def _in_force_chain(session: Session, at: datetime) -> list[PolicyVersion]:
    return list(session.exec(select(PolicyVersion).where(
        PolicyVersion.kind == PRIVACY_POLICY, PolicyVersion.status == SCHEDULED, PolicyVersion.effective_at <= at)
        .order_by(PolicyVersion.effective_at)))


def baseline_notice(label: str) -> Notice:
    from core.identity.service import policy_text

    text = policy_text(label)  # the shipped file holds both languages
    return Notice(PRIVACY_POLICY, label, text, text, purposes=BASELINE_PURPOSES)


def notice_of(v: PolicyVersion) -> Notice:
    return Notice(v.kind, v.label, v.text_zh, v.text_en, v.summary_zh, v.summary_en, tuple(v.purposes or ()),
                  _aware(v.effective_at))


def policy_notice(session: Session, at: datetime, baseline: str) -> Notice:
    """The privacy policy a person is shown and accepts at `at`: the version in force, else the shipped one."""
    v = current_policy(session, PRIVACY_POLICY, at)
    return notice_of(v) if v is not None else baseline_notice(baseline)


def acceptable_labels(session: Session, at: datetime, baseline: str) -> set[str]:
    """The privacy policy versions whose acceptance still counts at `at`: the latest version in force that changed
    its purposes (or the shipped baseline) and every version in force after it. A version that keeps the purposes
    does not ask people again; one that changes them does, from its effective instant (PIPL Art 14(2))."""
    chain = [(baseline, True)] + [(v.label, v.changed_purposes) for v in _in_force_chain(session, at)]
    start = max(i for i, (_, changed) in enumerate(chain) if changed)
    return {label for label, _ in chain[start:]}


# --- the DPO's writes (operator session) ------------------------------------------------------------------------

def _get(operator: Session, version_id: uuid.UUID) -> PolicyVersion:
    v = operator.get(PolicyVersion, version_id)
    if v is None:
        raise NotFound("policy_version", version_id)
    return v


def _audit(ctx: Context, operator: Session, action: str, v: PolicyVersion, before: dict | None) -> None:
    audit.record(operator, actor_id=ctx.user.id, org_id=None, action=action, entity="policy_version",
                 entity_id=v.id, before=before, after=snapshot(v, exclude=("text_zh", "text_en")) | {
                     "text_digest": notice_of(v).notice_version}, at=ctx.clock.now())


def _validate(operator: Session, data: PolicyDraft, *, exclude: uuid.UUID | None = None) -> None:
    errors: dict[str, tuple[str, dict]] = {}
    if data.kind not in KINDS:
        errors["kind"] = ("validation.choice", {})
    if not LABEL.fullmatch(data.label.strip()):
        errors["label"] = ("consent.error.label", {})
    elif data.kind == PRIVACY_POLICY and data.label.strip() == get_settings().privacy_policy_version:
        errors["label"] = ("consent.error.label_taken", {"label": data.label.strip()})
    else:
        clash = operator.exec(select(PolicyVersion.id).where(PolicyVersion.kind == data.kind,
                                                             PolicyVersion.label == data.label.strip())).first()
        if clash is not None and clash != exclude:
            errors["label"] = ("consent.error.label_taken", {"label": data.label.strip()})
    for lang in LANGUAGES:
        if not getattr(data, f"text_{lang}").strip():
            errors[f"text_{lang}"] = ("validation.required", {})
    if not data.purposes:
        errors["purposes"] = ("validation.required", {})
    elif set(data.purposes) - set(PURPOSES):
        errors["purposes"] = ("validation.choice", {})
    if errors:
        raise ValidationFailed(errors)


def create_draft(ctx: Context, operator: Session, data: PolicyDraft) -> PolicyVersion:
    require_operator_dpo(ctx)
    _validate(operator, data)
    now = ctx.clock.now()
    v = PolicyVersion(kind=data.kind, label=data.label.strip(), text_zh=data.text_zh.strip(),
                      text_en=data.text_en.strip(), summary_zh=data.summary_zh.strip(),
                      summary_en=data.summary_en.strip(), purposes=list(dict.fromkeys(data.purposes)),
                      changed_purposes=data.purposes_changed, created_at=now, updated_at=now)
    operator.add(v)
    operator.flush()
    _audit(ctx, operator, "policy.drafted", v, None)
    return v


def _move(ctx: Context, operator: Session, version_id: uuid.UUID, src: str, dst: str, action: str) -> PolicyVersion:
    require_operator_dpo(ctx)
    v = _get(operator, version_id)
    if v.status != src:
        raise DomainError("consent.error.wrong_status", status=Term(f"consent.status.{v.status}"))
    before = snapshot(v, exclude=("text_zh", "text_en"))
    v.status, v.updated_at, v.version = dst, ctx.clock.now(), v.version + 1
    operator.add(v)
    operator.flush()
    _audit(ctx, operator, action, v, before)
    return v


def submit_for_review(ctx: Context, operator: Session, version_id: uuid.UUID) -> PolicyVersion:
    return _move(ctx, operator, version_id, DRAFT, REVIEW, "policy.submitted_for_review")


def return_to_draft(ctx: Context, operator: Session, version_id: uuid.UUID) -> PolicyVersion:
    return _move(ctx, operator, version_id, REVIEW, DRAFT, "policy.returned_to_draft")


@dataclass
class Scheduled:
    version: PolicyVersion
    deliveries: list[Delivery]


def _previous(operator: Session, v: PolicyVersion) -> PolicyVersion | None:
    return operator.exec(select(PolicyVersion).where(
        PolicyVersion.kind == v.kind, PolicyVersion.status == SCHEDULED, PolicyVersion.id != v.id)
        .order_by(PolicyVersion.effective_at.desc())).first()


def schedule(ctx: Context, operator: Session, version_id: uuid.UUID, effective_at: datetime) -> Scheduled:
    """Schedule a reviewed version to take effect at `effective_at`, notifying every active person now. Refused
    when the notice is shorter than the kind's period (NOTICE_DAYS) or the version would not come after the last
    one scheduled."""
    require_operator_dpo(ctx)
    v = _get(operator, version_id)
    if v.status != REVIEW:
        raise DomainError("consent.error.wrong_status", status=Term(f"consent.status.{v.status}"))
    now = ctx.clock.now()
    effective_at = _aware(effective_at)
    earliest = earliest_effective(v.kind, now)
    if effective_at < earliest:
        raise DomainError("consent.error.notice_too_short", days=NOTICE_DAYS[v.kind],
                          earliest=earliest.strftime("%Y-%m-%d %H:%M UTC"))
    prev = _previous(operator, v)
    if prev is not None and _aware(prev.effective_at) >= effective_at:
        raise DomainError("consent.error.not_after_previous", label=prev.label,
                          at=_aware(prev.effective_at).strftime("%Y-%m-%d %H:%M UTC"))
    before = snapshot(v, exclude=("text_zh", "text_en"))
    old_purposes = set(prev.purposes or ()) if prev is not None else (
        set(BASELINE_PURPOSES) if v.kind == PRIVACY_POLICY else set(v.purposes or ()))
    v.changed_purposes = v.changed_purposes or set(v.purposes or ()) != old_purposes
    v.status, v.notice_at, v.effective_at = SCHEDULED, now, effective_at
    v.updated_at, v.version = now, v.version + 1
    deliveries = notify_people(operator, v)
    v.notified = sum(d.status != NOT_CONFIGURED for d in deliveries)  # queued (sent after the commit)
    operator.add(v)
    operator.flush()
    _audit(ctx, operator, "policy.scheduled", v, before)
    return Scheduled(v, deliveries)


def active_people(operator: Session) -> list[User]:
    """Everyone with an address who has finished onboarding (erased accounts are gone from app_user)."""
    return list(operator.exec(select(User).where(User.email.is_not(None), User.email != "",
                                                 User.adult_confirmed_at.is_not(None)).order_by(User.id)))


def notify_people(operator: Session, v: PolicyVersion) -> list[Delivery]:
    """One e-mail per active person in their language, sent after the commit (core.mail.outbox)."""
    link = get_settings().app_url.rstrip("/") + "/"
    deliveries = []
    for user in active_people(operator):
        lang = user.language if user.language in LANGUAGES else DEFAULT_LANGUAGE
        params = {"kind": t(f"consent.kind.{v.kind}", lang), "label": v.label,
                  "effective": _aware(v.effective_at).strftime("%Y-%m-%d %H:%M UTC"),
                  "summary": v.summary_en if lang == "en" else v.summary_zh, "link": link}
        body = t("consent.mail.scheduled.body", lang, **params)
        if v.changed_purposes and v.kind == PRIVACY_POLICY:
            body += "\n\n" + t("consent.mail.scheduled.reaccept", lang, **params)
        deliveries.append(queue_mail(operator, to=user.email,
                                     subject=t("consent.mail.scheduled.subject", lang, **params), body=body))
    return deliveries


def list_versions(ctx: Context, operator: Session) -> list[PolicyVersion]:
    """Every version, drafts included (the DPO's list)."""
    ctx.require(Permission.PRIVACY_MANAGE)
    return list(operator.exec(select(PolicyVersion).order_by(PolicyVersion.kind, PolicyVersion.created_at.desc())))
