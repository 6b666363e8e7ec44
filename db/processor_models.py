"""Processors and third parties, change notices, and the log of personal data sent abroad (issue 15).

- `processor_version`: the platform's registry of processors and third parties (hosting, the AI service, the mail
  service, ...). Platform-level (no organization): one row per version, never changed; a change adds version n+1
  of the same `processor_key`, so every earlier version stays readable. The version that applies on a day is the
  newest one whose `effective_on` has come. Who changed what is in the audit log (not here: no personal data).
- `processor_notice`: a change notice sent to every organization owner, with the last day they may object.
- `data_transfer`: one row each time a person's personal data left for a recipient abroad unmasked (the AI
  helper's provider call after the person's transfer-abroad consent). It feeds the cross-border transfer register
  (distinct people per calendar year against the PIPL thresholds). A tenant table: written under the acting
  organization; the register reads it on the operator session.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import _id, utcnow
from db.personal_data import PersonalData as PD
from db.personal_data import tag


class ProcessorVersion(SQLModel, table=True):
    __tablename__ = "processor_version"
    __table_args__ = (UniqueConstraint("processor_key", "version", name="uq_processor_version"),)

    id: uuid.UUID = _id()
    processor_key: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))  # the same for every version
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))
    service: str = Field(max_length=200, sa_column_kwargs=tag(PD.NONE))  # the service, e.g. "Supabase"
    provider: str = Field(default="", max_length=300, sa_column_kwargs=tag(PD.NONE))  # the company behind it
    provider_url: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    # what is shared, in both languages (the public disclosure table is shown in the reader's language)
    data_types_zh: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    data_types_en: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    fields_zh: str = Field(default="", max_length=1000, sa_column_kwargs=tag(PD.NONE))
    fields_en: str = Field(default="", max_length=1000, sa_column_kwargs=tag(PD.NONE))
    purpose_zh: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    purpose_en: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    region: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.NONE))  # where the data is processed
    abroad: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))  # outside the mainland of China
    mechanism: str = Field(default="none", max_length=40, sa_column_kwargs=tag(PD.NONE))  # core.privacy.processors
    policy_url: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    date_added: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))        # when the processor was first added
    effective_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))      # from when this version applies
    removed: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))  # this version ends the processor's use
    example: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))  # a seeded example the DPO must confirm
    change_note: str = Field(default="", max_length=1000, sa_column_kwargs=tag(PD.NONE))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True),
                                 sa_column_kwargs=tag(PD.NONE))


class ProcessorNotice(SQLModel, table=True):
    __tablename__ = "processor_notice"

    id: uuid.UUID = _id()
    version_id: uuid.UUID = Field(foreign_key="processor_version.id", index=True, sa_column_kwargs=tag(PD.NONE))
    sent_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    objection_until: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    recipients: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))  # how many owners were mailed
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True),
                                 sa_column_kwargs=tag(PD.NONE))


class DataTransfer(SQLModel, table=True):
    __tablename__ = "data_transfer"

    id: uuid.UUID = _id()
    org_id: uuid.UUID = Field(foreign_key="organization.id", index=True, sa_column_kwargs=tag(PD.NONE))
    # whose data left (set to NULL when the person is erased; `person_digest` keeps them counted once)
    user_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    person_digest: str = Field(max_length=64, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))  # keyed HMAC of the id
    recipient: str = Field(max_length=200, sa_column_kwargs=tag(PD.NONE))  # the service (a registry name or model)
    processor_key: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    channel: str = Field(default="assistant", max_length=40, sa_column_kwargs=tag(PD.NONE))
    sensitive: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))  # sensitive personal information (PIPL 28)
    at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    transferred_on: date = Field(sa_type=Date, index=True, sa_column_kwargs=tag(PD.NONE))  # Asia/Shanghai day


PROCESSOR_TABLES = ("processor_version", "processor_notice", "data_transfer")
