"""Privacy tables (issue 14): requests a person makes about their data, their objections to purposes, and the
erasure ledger that lets a restored backup erase a person again.

A request keeps `requester_user_id` without a foreign key, so the account can be erased while the request stays
as proof that it was answered (its e-mail and free text are pseudonymised then)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import _id, utcnow
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class PrivacyRequest(SQLModel, table=True):
    __tablename__ = "privacy_request"

    id: uuid.UUID = _id()
    number: str = Field(max_length=20, index=True, sa_column_kwargs=tag(PD.NONE))  # shown on the receipt
    org_id: uuid.UUID | None = Field(default=None, foreign_key="organization.id", index=True,
                                     sa_column_kwargs=tag(PD.NONE))
    requester_user_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    requester_email: str = Field(default="", max_length=320, sa_column_kwargs=tag(PD.CONTACT))
    type: str = Field(max_length=30, sa_column_kwargs=tag(PD.NONE))
    status: str = Field(default="received", max_length=20, sa_column_kwargs=tag(PD.NONE))
    details: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.ACTIVITY))
    received_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.ACTIVITY))
    received_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))  # the day of receipt (Asia/Shanghai)
    paused_on: date | None = Field(default=None, sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    paused_days: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))
    extended_days: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))
    extension_reason: str = Field(default="", max_length=2000, sa_column_kwargs=tag(PD.NONE))
    refusal_reason: str = Field(default="", max_length=2000, sa_column_kwargs=tag(PD.NONE))
    assigned_to: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.IDENTIFIER))
    notes: list | None = Field(default=None, sa_column=Column(JSON, info=info(PD.ACTIVITY)))
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    # identity: "sign_in" (made while signed in) or "email_code" (a 6-digit code e-mailed to the requester)
    verification_method: str = Field(default="", max_length=20, sa_column_kwargs=tag(PD.NONE))
    verified_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    code_hash: str = Field(default="", max_length=64, sa_column_kwargs=tag(PD.NONE))  # keyed HMAC, never the code
    code_expires_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True),
                                             sa_column_kwargs=tag(PD.NONE))
    code_attempts: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))
    # how the request came in: "app" (made while signed in) or, recorded by the DPO, "email", "post", "phone"
    channel: str = Field(default="app", max_length=20, sa_column_kwargs={**tag(PD.NONE), "server_default": "app"})
    # a guided rectification: the value the person says is wrong and what it should read
    # ({"table", "row_id", "column", "current", "requested"}), applied by the DPO with one click
    correction: dict | None = Field(default=None, sa_column=Column(JSON, info=info(PD.ACTIVITY)))


class PrivacyObjection(SQLModel, table=True):
    """A person objects to (or restricts) one purpose: analytics, AI improvement, marketing."""

    __tablename__ = "privacy_objection"
    __table_args__ = (UniqueConstraint("user_id", "purpose", name="uq_privacy_objection"),)

    id: uuid.UUID = _id()
    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    purpose: str = Field(max_length=30, sa_column_kwargs=tag(PD.CONSENT))
    objected: bool = Field(default=True, sa_column_kwargs=tag(PD.CONSENT))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True),
                                 sa_column_kwargs=tag(PD.CONSENT))


class ErasureLedger(SQLModel, table=True):
    """Ids only: whom an erasure removed, so `cbam privacy replay-erasures` can remove them again after a restore."""

    __tablename__ = "privacy_erasure"

    id: uuid.UUID = _id()
    user_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    email_digest: str = Field(max_length=64, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))  # keyed HMAC
    erased_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    request_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    # set when an organization, as controller, erased a third party's data in its own records only: a replay
    # then erases them again in that organization, nowhere else
    org_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))


PRIVACY_TABLES = ("privacy_request", "privacy_objection", "privacy_erasure")
