"""The engine's results per reporting period, kept so that the first dashboard look after a process start (or on
another machine) reads them instead of computing them (issue 18). A derived copy, never a source of truth: a row is
found only by the digest of everything its numbers depend on (core.dashboards.evaluations.period_key plus the code
that computes them), so a changed period, reference table or engine is simply not found and is computed afresh.
One row per slot (a period's kind and lines asked for; an organization's portfolio summary for a role): a newer result
replaces the older one in place, so the table does not grow with every change; `cbam results warm` deletes the rows
no page asks for any more. Tenant table (org_id, RLS on PostgreSQL, migration 0030); not audited (nothing a person
entered, only what the engine derived from it); no `created_by`/`updated_by`: a kept result is nobody's doing, and
the table holds no personal data at all."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models import _id, org_key, same_org_fk, utcnow
from db.personal_data import PersonalData as PD
from db.personal_data import tag


class PeriodResult(SQLModel, table=True):
    __tablename__ = "period_result"
    __table_args__ = (UniqueConstraint("org_id", "kind", "slot_digest", name="uq_period_result_slot"),
                      org_key("period_result"),
                      same_org_fk("period_result", "period_id", "reporting_period"))

    org_id: uuid.UUID = Field(foreign_key="organization.id", index=True, sa_column_kwargs=tag(PD.NONE))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))
    id: uuid.UUID = _id()
    period_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.NONE))  # None: summary
    kind: str = Field(sa_type=String(20), sa_column_kwargs=tag(PD.NONE))  # units | forecast | findings | summary
    slot_digest: str = Field(sa_type=String(64), sa_column_kwargs=tag(PD.NONE))  # period and lines asked for
    key_digest: str = Field(sa_type=String(64), index=True, sa_column_kwargs=tag(PD.NONE))  # the whole key
    result: str = Field(sa_type=Text, sa_column_kwargs=tag(PD.NONE))  # JSON, Decimals as strings


RESULT_TABLES = ("period_result",)
