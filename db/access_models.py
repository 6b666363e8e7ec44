"""Privacy center, part 2 (issue 15): the personal-data access log, personal-information impact assessments and
reports of a possible minor.

- `personal_data_access`: who viewed or exported whose personal data, one row per view (not per person shown),
  hash-chained per organization (`access:<org>`, core.privacy.access_log). People are stored as text ids inside
  the row (`viewer`, `subjects`) and the hash covers each one's keyed pseudonym, so an erasure can replace an id by
  that pseudonym (core.privacy.erasure, through the data map) and the chain still verifies.
- `privacy_impact_assessment`: the PIPL Art 55-56 assessments, kept at least three years; every edit is a new
  version in the audit log.
- `minor_report`: a member reported as possibly under 18 (the platform is not for them, policy §10): the account
  is suspended until the DPO confirms an adult (reinstated) or a minor, or nobody answers in time (erased).
  `user_id` has no foreign key: the report outlives the erased account as proof of what was done.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import TenantColumns, _id
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class PersonalDataAccess(SQLModel, table=True):
    __tablename__ = "personal_data_access"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_personal_data_access_chain_seq"),)

    id: uuid.UUID = _id()
    org_id: uuid.UUID = Field(foreign_key="organization.id", index=True, sa_column_kwargs=tag(PD.NONE))
    chain: str = Field(max_length=60, index=True, sa_column_kwargs=tag(PD.NONE))
    seq: int = Field(sa_column_kwargs=tag(PD.NONE))
    at: datetime = Field(sa_type=DateTime(timezone=True), index=True, sa_column_kwargs=tag(PD.ACTIVITY))
    # the person who viewed or exported: their id as text, their pseudonym (`erased-…`) once erased
    # (a plain String, so that export and erasure read it as text: core.privacy.subject)
    viewer: str = Field(sa_column=Column(String(64), nullable=False, index=True, info=info(PD.ACTIVITY)))
    viewer_role: str = Field(default="", max_length=20, sa_column_kwargs=tag(PD.NONE))
    action: str = Field(max_length=20, sa_column_kwargs=tag(PD.NONE))      # view | export
    resource: str = Field(max_length=40, sa_column_kwargs=tag(PD.NONE))    # members | privacy_requests | ...
    # whose personal data was shown: ids as text, separated by spaces (pseudonyms once erased); text, not JSON, so
    # that export and erasure find the person in it like in any other text (core.privacy.subject)
    subjects: str = Field(default="", sa_column=Column(Text, nullable=False, info=info(PD.ACTIVITY)))

    @property
    def people(self) -> list[str]:
        return self.subjects.split()
    prev_hash: str = Field(max_length=64, sa_column_kwargs=tag(PD.NONE))
    hash: str = Field(max_length=64, sa_column_kwargs=tag(PD.NONE))
    hash_version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))


class ImpactAssessment(TenantColumns, table=True):
    """A personal-information protection impact assessment (PIPL Art 55-56; GDPR Art 35)."""

    __tablename__ = "privacy_impact_assessment"

    id: uuid.UUID = _id()
    title: str = Field(max_length=200, sa_column_kwargs=tag(PD.NONE))
    # which PIPL Art 55 case calls for it: sensitive | automated_decision | entrusting | providing | publishing |
    # cross_border | other
    trigger: str = Field(max_length=30, sa_column_kwargs=tag(PD.NONE))
    purpose: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.NONE))   # purpose and method (Art 56(1))
    risks: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.NONE))     # impact and risks (Art 56(2))
    measures: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.NONE))  # measures (Art 56(3))
    risk_level: str = Field(default="medium", max_length=10, sa_column_kwargs=tag(PD.NONE))
    assessed_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))


class MinorReport(TenantColumns, table=True):
    __tablename__ = "minor_report"

    id: uuid.UUID = _id()
    user_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    reason: str = Field(default="", max_length=2000, sa_column_kwargs=tag(PD.ACTIVITY))
    reported_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.ACTIVITY))
    answer_due_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    status: str = Field(default="suspended", max_length=20, sa_column_kwargs=tag(PD.NONE))  # suspended|adult|erased
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))


ACCESS_TABLES = ("personal_data_access", "privacy_impact_assessment", "minor_report")
