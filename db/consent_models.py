"""Policy versions (issue 15): the platform's privacy policy, pricing, data policy and terms, each drafted,
reviewed and scheduled with a notice period before it takes effect (core.consent.policies).

Platform-wide (no org_id) and free of personal data: who drafted, reviewed or scheduled a version is in the
audit log, not here. The app role reads scheduled versions only (the gate and the policy page); drafts and every
write go through the operator session after the DPO's permission is checked (db.rls.consent_sql)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import _id, utcnow
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class PolicyVersion(SQLModel, table=True):
    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("kind", "label", name="uq_policy_version_kind_label"),)

    id: uuid.UUID = _id()
    kind: str = Field(max_length=20, index=True, sa_column_kwargs=tag(PD.NONE))  # privacy_policy, pricing, ...
    label: str = Field(max_length=40, sa_column_kwargs=tag(PD.NONE))  # "1.1": what a consent record names
    status: str = Field(default="draft", max_length=20, sa_column_kwargs=tag(PD.NONE))  # draft, review, scheduled
    text_zh: str = Field(default="", sa_column=Column(Text, nullable=False, info=info(PD.NONE)))
    text_en: str = Field(default="", sa_column=Column(Text, nullable=False, info=info(PD.NONE)))
    summary_zh: str = Field(default="", max_length=2000, sa_column_kwargs=tag(PD.NONE))  # what changed
    summary_en: str = Field(default="", max_length=2000, sa_column_kwargs=tag(PD.NONE))
    purposes: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))
    # purposes differ from the version it replaces (or the DPO says the method or categories changed): people
    # accept it again (PIPL Art 14(2))
    changed_purposes: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))
    notice_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    effective_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), index=True,
                                          sa_column_kwargs=tag(PD.NONE))
    notified: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))  # e-mails queued when it was scheduled
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))


CONSENT_TABLES = ("policy_version",)
