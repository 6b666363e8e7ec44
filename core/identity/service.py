"""People: matched by OIDC issuer and subject, created on first login, onboarded (18+, privacy policy)."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from core import audit
from core.clock import Clock
from core.errors import ConcurrentChange, NotFound, ValidationFailed
from core.i18n import LANGUAGES
from core.records import snapshot
from core.validation.text import text_problem
from db.models import ConsentRecord, User
from db.retention_models import SecurityEvent
from db.session import Scope, rescope

SIGN_IN = "sign_in"  # security_event.kind of a sign-in
LOCAL_ISSUER = "local"  # the demo login's issuer: never a real provider's
MAX_EXP = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()  # the last time a datetime can hold


def id_token_expired(claims: Mapping[str, object], now: datetime) -> bool:
    """Streamlit keeps the ID token's claims in `st.user` but never checks `exp`; we do.

    OpenID Connect Core 1.0 §2 makes `exp` required, so a token without one is treated as expired.
    `exp` is a JSON number of seconds since the epoch (RFC 7519 §2 NumericDate). Anything else counts as expired:
    a string or a bool (float() would accept "1e99" and True), NaN (every comparison with it is false, so it would
    never expire), infinity, and a time past the year 9999 (no provider issues one; it would never expire either).
    """
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return True
    try:
        exp_ts = float(exp)
    except OverflowError:  # an int too large for a float
        return True
    if not math.isfinite(exp_ts) or exp_ts > MAX_EXP:
        return True
    return now.astimezone(UTC).timestamp() >= exp_ts


def claim_is_false(value: object) -> bool:
    """`email_verified` as providers send it: a boolean, or (some providers) the string "false"."""
    if isinstance(value, str):
        return value.strip().lower() == "false"
    return value is False


def resolve_login(session: Session, *, issuer: str, subject: str, email: str | None, name: str | None,
                  clock: Clock, email_verified: bool | str | None = None) -> User:
    """The user behind an identity; created on first login. Leaves the session scoped to that user.

    The e-mail claim is trusted only when the provider does not say it is unverified (`email_verified` false):
    an unverified address is never stored and never replaces a stored one, so it cannot be used to reach
    invitations or notifications sent to someone else's address. The local demo login sends no such claim."""
    trusted = (email or None) if not claim_is_false(email_verified) else None
    rescope(session, Scope(issuer=issuer, subject=subject))
    user = session.exec(select(User).where(User.issuer == issuer, User.subject == subject)).first()
    now = clock.now()
    if user is None:
        user = User(issuer=issuer, subject=subject, email=trusted, name=name, created_at=now,
                    updated_at=now)
        session.add(user)
        session.flush()
        rescope(session, Scope(user_id=user.id, issuer=issuer, subject=subject, email=user.email))
        audit.record(session, actor_id=user.id, org_id=None, action="user.created", entity="user",
                     entity_id=user.id, before=None, after=snapshot(user), at=now)
    else:
        rescope(session, Scope(user_id=user.id, issuer=issuer, subject=subject, email=user.email))
        if trusted and trusted != user.email:  # a verified address from the provider is the source of truth
            before = snapshot(user)
            user.email, user.updated_at, user.version = trusted, now, user.version + 1
            session.add(user)
            session.flush()
            rescope(session, Scope(user_id=user.id, issuer=issuer, subject=subject, email=user.email))
            audit.record(session, actor_id=user.id, org_id=None, action="user.email_changed", entity="user",
                         entity_id=user.id, before=before, after=snapshot(user), at=now)
    # the security log (kept 2 years, core.retention): who signed in when
    session.add(SecurityEvent(kind=SIGN_IN, user_id=user.id, at=now))
    session.flush()
    return user


def needs_onboarding(session: Session, user: User, policy_version: str, *, at: datetime | None = None) -> bool:
    """The gate: 18+ not confirmed, or no acceptance of a privacy policy version that still counts at `at`.
    `policy_version` is the shipped baseline; a version scheduled later asks again only where its purposes changed
    (core.consent.policies.acceptable_labels)."""
    from core.consent.policies import acceptable_labels

    if user.adult_confirmed_at is None:
        return True
    labels = acceptable_labels(session, at or datetime.now(UTC), policy_version)
    accepted = session.exec(select(ConsentRecord.id).where(
        ConsentRecord.user_id == user.id, ConsentRecord.kind == "privacy_policy", ConsentRecord.granted,
        ConsentRecord.policy_version.in_(sorted(labels)))).first()
    return accepted is None


def complete_onboarding(session: Session, user: User, *, adult: bool, accept_policy: bool, policy_version: str,
                        clock: Clock, notice_version: str | None = None) -> ConsentRecord:
    """Confirm 18+ and accept `policy_version` (`notice_version`: the notice shown, core.consent.notice)."""
    errors = {}
    if not adult:
        errors["adult"] = ("onboarding.error_adult", {})
    if not accept_policy:
        errors["accept_policy"] = ("onboarding.error_policy", {})
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    before = snapshot(user)
    confirming = user.adult_confirmed_at is None  # accepting a later version again confirms nothing new
    if confirming:
        user.adult_confirmed_at, user.updated_at = now, now
        session.add(user)
    consent = ConsentRecord(user_id=user.id, policy_version=policy_version, age_confirmed=True, accepted_at=now,
                            granted=True, notice_version=notice_version or policy_version)
    session.add(consent)
    session.flush()
    audit.record(session, actor_id=user.id, org_id=None, action="consent.accepted", entity="consent_record",
                 entity_id=consent.id, before=None, after=snapshot(consent), at=now)
    if confirming:
        audit.record(session, actor_id=user.id, org_id=None, action="user.adult_confirmed", entity="user",
                     entity_id=user.id, before=before, after=snapshot(user), at=now)
    return consent


class ProfileData(BaseModel):
    name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    language: str = "zh"


def update_profile(session: Session, user: User, data: ProfileData, *, expected_version: int,
                   clock: Clock) -> User:
    errors = {}
    if data.language not in LANGUAGES:
        errors["language"] = ("validation.choice", {})
    if data.phone and not re.fullmatch(r"\+?[0-9 ()\-]{5,30}", data.phone):
        errors["phone"] = ("validation.phone_format", {})
    if not data.name.strip():
        errors["name"] = ("validation.required", {})
    elif err := text_problem(data.name, field="name"):
        errors["name"] = err
    if errors:
        raise ValidationFailed(errors)
    session.refresh(user)
    if user.version != expected_version:
        raise ConcurrentChange("user", user.name or "-", user.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
                               name=user.name or user.email or "")
    before = snapshot(user)
    now = clock.now()
    user.name, user.phone, user.language = data.name.strip(), data.phone.strip() or None, data.language
    user.updated_at, user.version = now, user.version + 1
    session.add(user)
    session.flush()
    audit.record(session, actor_id=user.id, org_id=None, action="user.profile_updated", entity="user",
                 entity_id=user.id, before=before, after=snapshot(user), at=now)
    return user


POLICIES_DIR = Path(__file__).resolve().parent / "policies"


def policy_text(version: str) -> str:
    """The privacy policy text users accept, shipped with the app (one file per version)."""
    path = POLICIES_DIR / f"{version}.txt"
    if not path.is_file() or path.parent != POLICIES_DIR:
        raise NotFound("privacy_policy", version)
    return path.read_text(encoding="utf-8")


def consents_of(session: Session, user: User) -> list[ConsentRecord]:
    return list(session.exec(select(ConsentRecord).where(ConsentRecord.user_id == user.id)
                             .order_by(ConsentRecord.accepted_at.desc())))


# The separate consent the platform's privacy policy requires before personal data in a question goes to an AI
# service abroad (policy §8, cross-border transfers; PIPL Art. 39): given or withdrawn by the person at any time,
# each choice a new, audited consent record (the records are append-only; the latest one counts).
TRANSFER_ABROAD = "transfer_abroad"
TRANSFER_ABROAD_WITHDRAWN = "transfer_abroad_withdrawn"


TRANSFER_NOTICE_KEYS = ("assistant.transfer_consent", "assistant.transfer_consent_help")  # what the toggle shows


def transfer_notice_version() -> str:
    """The transfer notice shown next to the toggle, in both languages, as a digest (core.consent.notice)."""
    from core.consent.notice import digest
    from core.i18n import t

    return "transfer#" + digest(*(t(k, lang) for lang in LANGUAGES for k in TRANSFER_NOTICE_KEYS))


def has_transfer_consent(session: Session, user_id) -> bool:  # noqa: ANN001
    latest = session.exec(select(ConsentRecord.kind, ConsentRecord.granted).where(
        ConsentRecord.user_id == user_id, ConsentRecord.kind.in_((TRANSFER_ABROAD, TRANSFER_ABROAD_WITHDRAWN)))
        .order_by(ConsentRecord.accepted_at.desc(), ConsentRecord.id.desc())).first()
    return latest is not None and latest[0] == TRANSFER_ABROAD and bool(latest[1])


def set_transfer_consent(session: Session, user: User, *, given: bool, policy_version: str,
                         clock: Clock) -> ConsentRecord:
    """Give or withdraw the transfer-abroad consent (a person's own choice; audited in their own chain)."""
    now = clock.now()
    last = session.exec(select(ConsentRecord.accepted_at).where(
        ConsentRecord.user_id == user.id, ConsentRecord.kind.in_((TRANSFER_ABROAD, TRANSFER_ABROAD_WITHDRAWN)))
        .order_by(ConsentRecord.accepted_at.desc())).first()
    if last is not None:
        last = last if last.tzinfo else last.replace(tzinfo=UTC)  # SQLite hands back naive times
        if last >= now:  # the latest choice must come last, even within one clock tick
            now = last + timedelta(microseconds=1)
    record = ConsentRecord(user_id=user.id, kind=TRANSFER_ABROAD if given else TRANSFER_ABROAD_WITHDRAWN,
                           policy_version=policy_version, accepted_at=now, granted=given,
                           notice_version=transfer_notice_version())
    session.add(record)
    session.flush()
    audit.record(session, actor_id=user.id, org_id=None,
                 action="consent.transfer_given" if given else "consent.transfer_withdrawn",
                 entity="consent_record", entity_id=record.id, before=None, after=snapshot(record), at=now)
    return record
