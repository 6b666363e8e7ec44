"""AI helper tables (issue 16): whether an organization uses an AI service, and the interactions.

Both are tenant tables (org_id, RLS on PostgreSQL). An interaction is personal data of the person who asked (the
question and the answer may name people, and the reporting data used as context belongs to their work): every
column is tagged, so the privacy center's export and erasure pick the table up from db/personal_data.py, and the
retention engine purges it after `RETENTION_DAYS["assistant_interaction"]`."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field

from db.models import TenantColumns, _id
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class AssistantSetting(TenantColumns, table=True):
    """One row per organization: an owner switched the AI service on (or off again)."""

    __tablename__ = "assistant_setting"
    __table_args__ = (UniqueConstraint("org_id", name="uq_assistant_setting_org"),)

    id: uuid.UUID = _id()
    provider_enabled: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))
    changed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))


class AssistantInteraction(TenantColumns, table=True):
    """A question to the AI helper and what it answered."""

    __tablename__ = "assistant_interaction"

    id: uuid.UUID = _id()
    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    period_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    question: str = Field(sa_column=Column(Text, nullable=False, info=info(PD.ACTIVITY)))
    answer: str = Field(sa_column=Column(Text, nullable=False, info=info(PD.ACTIVITY)))
    # the tools run, their arguments and citations: the reporting data used as context
    tools: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.ACTIVITY)))
    provider: str = Field(default="offline", max_length=200, sa_column_kwargs=tag(PD.NONE))
    note: str = Field(default="", max_length=100, sa_column_kwargs=tag(PD.NONE))  # "ungrounded", "provider_failed"
    masked: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))  # personal data masked before sending


ASSISTANT_TABLES = ("assistant_setting", "assistant_interaction")
