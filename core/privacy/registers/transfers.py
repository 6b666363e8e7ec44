"""The cross-border transfer register: how many people's personal information left China since 1 January, the
PIPL band that count falls in, the mechanism that band requires, and the filing deadline once a threshold is
crossed.

The count comes from `data_transfer`, written by every path that sends personal data abroad unmasked; today that
is the AI helper's provider call after the person gave the transfer-abroad consent (core/assistant/service.py).
A person is counted once per calendar year (China Standard Time), however often their data left; a person whose
sensitive personal information (PIPL Art 28) left is counted in the sensitive count too. The AI helper sends no
sensitive personal information, so its rows are never sensitive.

What the AI helper sends unmasked is the asking person's question and the tool results, which may name other
people (colleagues, customer contacts); the log counts the person who asked. Names of others are masked unless the
asking person consented, and are not separately counted: a limit the DPO should know when reading the count.

Working days skip Saturdays and Sundays only. Chinese public holidays and the make-up working weekends (调休) of
the State Council's yearly holiday notice are NOT modelled, so a computed deadline can fall on a public holiday
and is then earlier than the legal one (never later): the register errs on the safe side.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core.privacy.requests import local_day
from core.settings import get_settings
from db.processor_models import DataTransfer

# CAC, Provisions on Promoting and Regulating Cross-Border Data Flows (促进和规范数据跨境流动规定, 2024, Order
# No. 16), counted from 1 January of the current year, for a handler that is not a critical information
# infrastructure operator. Chinese legislative usage: "以上" (and more) includes the number, "不满" (under) excludes it.
EXEMPT_BELOW = 100_000          # Art 5(4): under 100,000 people (no sensitive PI) — exempt
ASSESSMENT_FROM = 1_000_000     # Art 7(2): 1,000,000 people and more — security assessment; Art 8: under it, contract
SENSITIVE_ASSESSMENT_FROM = 10_000  # Art 7(2): 10,000 people's sensitive PI and more — security assessment;
#                                     Art 8: under 10,000 (one or more) — standard contract or certification
# Measures on the Standard Contract for the Export of Personal Information (个人信息出境标准合同办法, CAC 2023),
# Art 7: the contract is filed with the provincial CAC within 10 working days of its entry into force. The register
# counts them from the day the threshold was crossed (the latest day the contract must be in force).
FILING_WORKING_DAYS = 10
# PIPL Art 52 and the CAC announcement on reporting personal information protection officers (关于开展个人信息保护
# 负责人信息报送工作的公告, 2025): a handler processing the personal information of 1,000,000 people or more reports
# its officer; one reaching the number later reports within 30 working days of reaching it [period unverified].
PIPO_FROM = 1_000_000
PIPO_WORKING_DAYS = 30

EXEMPT, CONTRACT, ASSESSMENT = "exempt", "standard_contract", "security_assessment"
BANDS = (EXEMPT, CONTRACT, ASSESSMENT)


def person_digest(user_id: uuid.UUID) -> str:
    """A keyed digest of the person's id: counts them once per year, and still after their erasure."""
    return hmac.new(get_settings().effective_audit_key, b"cbam-transfer-person|" + str(user_id).encode(),
                    hashlib.sha256).hexdigest()


def record_transfer(session: Session, *, org_id: uuid.UUID, user_id: uuid.UUID, recipient: str, at: datetime,
                    sensitive: bool = False, channel: str = "assistant",
                    processor_key: uuid.UUID | None = None) -> DataTransfer:
    row = DataTransfer(org_id=org_id, user_id=user_id, person_digest=person_digest(user_id),
                       recipient=(recipient or "-")[:200], processor_key=processor_key, channel=channel,
                       sensitive=sensitive, at=at, transferred_on=local_day(at))
    session.add(row)
    session.flush()
    return row


def band(people: int, sensitive_people: int = 0) -> str:
    """The mechanism the year's counts require (Provisions 2024 Art 5, 7, 8)."""
    if people >= ASSESSMENT_FROM or sensitive_people >= SENSITIVE_ASSESSMENT_FROM:
        return ASSESSMENT
    if people >= EXEMPT_BELOW or sensitive_people > 0:
        return CONTRACT
    return EXEMPT


def add_working_days(start: date, n: int) -> date:
    """The n-th Monday-to-Friday day after `start` (public holidays not modelled, see the module's note)."""
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


@dataclass
class Crossing:
    threshold: str          # "people_100k", "people_1m", "sensitive_1", "sensitive_10k"
    crossed_on: date
    band: str
    deadline: date | None   # the standard contract's filing deadline; None for an assessment (needed beforehand)


@dataclass
class TransferRegister:
    year: int
    people: int
    sensitive_people: int
    band: str
    crossings: list[Crossing] = field(default_factory=list)
    by_recipient: dict[str, int] = field(default_factory=dict)
    processed_people: int = 0   # people whose personal information the platform processes (PIPO threshold)
    pipo_required: bool = False

    @property
    def mechanism(self) -> str:
        return self.band

    @property
    def deadline(self) -> date | None:
        dated = [c.deadline for c in self.crossings if c.deadline is not None]
        return max(dated) if dated else None

    def as_dict(self) -> dict:
        return {"year": self.year, "people": self.people, "sensitive_people": self.sensitive_people,
                "band": self.band, "deadline": self.deadline.isoformat() if self.deadline else None,
                "crossings": [{"threshold": c.threshold, "crossed_on": c.crossed_on.isoformat(), "band": c.band,
                               "deadline": c.deadline.isoformat() if c.deadline else None} for c in self.crossings],
                "by_recipient": self.by_recipient, "processed_people": self.processed_people,
                "pipo_required": self.pipo_required}


def crossings(first_days: list[date], sensitive_first_days: list[date]) -> list[Crossing]:
    """When each threshold was crossed, from the day each person's data (sensitive data) first left this year."""
    days, sdays = sorted(first_days), sorted(sensitive_first_days)
    out = []
    for name, seq, n, kind in (("people_100k", days, EXEMPT_BELOW, CONTRACT),
                               ("sensitive_1", sdays, 1, CONTRACT),
                               ("people_1m", days, ASSESSMENT_FROM, ASSESSMENT),
                               ("sensitive_10k", sdays, SENSITIVE_ASSESSMENT_FROM, ASSESSMENT)):
        if len(seq) >= n:
            on = seq[n - 1]
            out.append(Crossing(name, on, kind, add_working_days(on, FILING_WORKING_DAYS) if kind == CONTRACT
                                else None))
    return sorted(out, key=lambda c: (c.crossed_on, c.threshold))


def _first_days(session: Session, year: int, *, sensitive: bool) -> list[date]:
    q = (select(DataTransfer.person_digest, func.min(DataTransfer.transferred_on))
         .where(DataTransfer.transferred_on >= date(year, 1, 1), DataTransfer.transferred_on <= date(year, 12, 31))
         .group_by(DataTransfer.person_digest))
    if sensitive:
        q = q.where(DataTransfer.sensitive.is_(True))
    return [d for _, d in session.execute(q).all()]


def processed_people(session: Session) -> int:
    """People whose personal information the platform holds: accounts, and customer contacts who have none."""
    from db.models import User
    from db.reporting_models import Customer

    users = {e.lower() for (e,) in session.execute(select(User.email)).all() if e}
    n_users = session.execute(select(func.count()).select_from(User)).scalar_one()
    contacts = {e.strip().lower() for (e,) in session.execute(select(Customer.contact_email)).all()
                if e and e.strip()}
    return n_users + len(contacts - users)


def transfer_register(session: Session, *, today: date, year: int | None = None) -> TransferRegister:
    """The register for `year` (default: today's). Read on the operator session: it counts every organization."""
    year = year or today.year
    firsts = _first_days(session, year, sensitive=False)
    sfirsts = _first_days(session, year, sensitive=True)
    by_recipient = dict(session.execute(
        select(DataTransfer.recipient, func.count(func.distinct(DataTransfer.person_digest)))
        .where(DataTransfer.transferred_on >= date(year, 1, 1), DataTransfer.transferred_on <= date(year, 12, 31))
        .group_by(DataTransfer.recipient)).all())
    processed = processed_people(session)
    return TransferRegister(year=year, people=len(firsts), sensitive_people=len(sfirsts),
                            band=band(len(firsts), len(sfirsts)), crossings=crossings(firsts, sfirsts),
                            by_recipient=by_recipient, processed_people=processed,
                            pipo_required=processed >= PIPO_FROM)


def register_for(ctx, operator: Session, *, year: int | None = None) -> TransferRegister:  # noqa: ANN001
    """The DPO's view of the register (Permission.PRIVACY_MANAGE), counted on the operator session."""
    from core.access import Permission

    ctx.require(Permission.PRIVACY_MANAGE)
    return transfer_register(operator, today=local_day(ctx.clock.now()), year=year)
