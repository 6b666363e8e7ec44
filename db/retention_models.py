"""Retention tables (issue 15): security events (sign-ins, kept 2 years), legal holds that stop a purge, the run log
of the retention engine, and an organization's cancellation (deletion 30 days later, with a certificate).

`security_event` is the platform's own security log: Supabase's log retention is short and depends on the plan, so
the two years the privacy policy promises are kept here. Its `user_id` has no foreign key, so the event can stay
(pseudonymised) when the account is erased. `organization_cancellation` has no foreign key to the organization
either: the row outlives the organization as the record of its deletion (counts only, no personal data)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, DateTime
from sqlmodel import Field, SQLModel

from db.models import _id, utcnow
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class SecurityEvent(SQLModel, table=True):
    """A sign-in (kind "sign_in"); append-only for the app."""

    __tablename__ = "security_event"

    id: uuid.UUID = _id()
    kind: str = Field(max_length=40, sa_column_kwargs=tag(PD.NONE))
    user_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    at: datetime = Field(sa_type=DateTime(timezone=True), index=True, sa_column_kwargs=tag(PD.ACTIVITY))


class RetentionHold(SQLModel, table=True):
    """A legal hold set by an organization's DPO: the organization's rows (or one person's rows in it, with
    `user_id`) are skipped by the retention engine while the hold is active (not released, not expired)."""

    __tablename__ = "retention_hold"

    id: uuid.UUID = _id()
    org_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    user_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.IDENTIFIER))
    reason: str = Field(max_length=500, sa_column_kwargs=tag(PD.NONE))  # the legal basis, e.g. a dispute's number
    expires_on: date | None = Field(default=None, sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    set_by: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.IDENTIFIER))
    set_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    released_by: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.IDENTIFIER))
    released_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True),
                                         sa_column_kwargs=tag(PD.NONE))
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))


class RetentionRun(SQLModel, table=True):
    """One run of the retention engine (or its dry run): per table the rows deleted, pseudonymised and held."""

    __tablename__ = "retention_run"

    id: uuid.UUID = _id()
    as_of: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))  # the day the schedule was applied for
    dry_run: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))
    status: str = Field(default="running", max_length=20, sa_column_kwargs=tag(PD.NONE))  # ok | failed
    started_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    duration_ms: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))
    errors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))


class OrganizationCancellation(SQLModel, table=True):
    """The owner cancelled the organization's subscription; its data is deleted `delete_on` unless withdrawn."""

    __tablename__ = "organization_cancellation"

    id: uuid.UUID = _id()
    org_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    requested_by: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.IDENTIFIER))
    requested_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    delete_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    withdrawn_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    reminders: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    certificate: dict | None = Field(default=None, sa_column=Column(JSON, info=info(PD.NONE)))  # counts per table
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))


RETENTION_TABLES = ("security_event", "retention_hold", "retention_run", "organization_cancellation")
