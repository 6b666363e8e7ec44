"""Exchange tables (issue 5): the log of what EU customers asked for and what was sent to them.

A tenant table (org_id, RLS on PostgreSQL). The answer records the files of the data pack with their SHA-256 and
the frozen snapshot they came from, so a later dispute can be settled from the log alone.
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import JSON, Column, Date, Text
from sqlmodel import Field

from db.models import TenantColumns, _id, same_org_fk
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class CustomerRequest(TenantColumns, table=True):
    """A request from an EU customer (received on, what was asked, due date) and its answer."""

    __tablename__ = "customer_request"
    __table_args__ = (same_org_fk("customer_request", "customer_id", "customer"),
                      same_org_fk("customer_request", "period_id", "reporting_period"))

    id: uuid.UUID = _id()
    customer_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    received_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    due_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    # what was asked: free text that may name people (the customer's staff)
    subject: str = Field(sa_column=Column(Text, nullable=False, info=info(PD.ACTIVITY)))
    requested_by: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.IDENTITY))  # their contact person
    requested_by_email: str = Field(default="", max_length=320, sa_column_kwargs=tag(PD.CONTACT))
    period_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))  # the period the answer was built from
    answered_on: date | None = Field(default=None, sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    answered_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    answer_files: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))
    answer_snapshot_hash: str | None = Field(default=None, max_length=64, sa_column_kwargs=tag(PD.NONE))


EXCHANGE_TABLES = ("customer_request",)
