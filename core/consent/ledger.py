"""The consent ledger as a person sees it: every record (newest first), the state of each purpose (the latest
record counts), and one-click withdrawal of what rests on consent, recorded as a new row (GDPR Art 7(3):
withdrawing is as easy as giving; PIPL Art 15). Rows are never changed (append-only; on PostgreSQL the app role
holds no UPDATE or DELETE on consent_record)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from core.clock import Clock
from core.errors import DomainError
from core.identity.service import TRANSFER_ABROAD, set_transfer_consent
from db.models import ConsentRecord, User

WITHDRAWN_SUFFIX = "_withdrawn"  # the transfer consent's withdrawals before migration 0023 had a kind of their own
# Purposes resting on consent that a person withdraws in one click. Accepting the privacy policy is not among
# them: it is the condition of using the platform (contract); leaving it is closing the account (My data).
WITHDRAWABLE = (TRANSFER_ABROAD,)


def purpose_of(record: ConsentRecord) -> str:
    return record.kind.removesuffix(WITHDRAWN_SUFFIX)


def is_granted(record: ConsentRecord) -> bool:
    return bool(record.granted) and not record.kind.endswith(WITHDRAWN_SUFFIX)


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    granted: bool
    at: datetime
    policy_version: str
    notice_version: str
    withdrawable: bool


def ledger(session: Session, user: User) -> list[ConsentRecord]:
    return list(session.exec(select(ConsentRecord).where(ConsentRecord.user_id == user.id)
                             .order_by(ConsentRecord.accepted_at.desc(), ConsentRecord.id)))


def states(session: Session, user: User) -> dict[str, ConsentState]:
    """purpose → its latest record's state."""
    out: dict[str, ConsentState] = {}
    for r in ledger(session, user):  # newest first: the first row of a purpose is the one that counts
        purpose = purpose_of(r)
        if purpose not in out:
            at = r.accepted_at if r.accepted_at.tzinfo else r.accepted_at.replace(tzinfo=UTC)
            out[purpose] = ConsentState(purpose, is_granted(r), at, r.policy_version, r.notice_version,
                                        purpose in WITHDRAWABLE)
    return out


def withdraw(session: Session, user: User, purpose: str, *, clock: Clock) -> ConsentRecord:
    """Withdraw a consent the person gave: a new record with `granted` false, audited in their own chain."""
    if purpose not in WITHDRAWABLE:
        raise DomainError("consent.error.not_withdrawable")
    state = states(session, user).get(purpose)
    if state is None or not state.granted:
        raise DomainError("consent.error.not_given")
    return set_transfer_consent(session, user, given=False, policy_version=state.policy_version, clock=clock)
