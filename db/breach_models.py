"""The breach register (issue 15): personal-data breaches the platform operator's DPO records, and the notices each
one calls for (authorities, affected people, controllers), one row per notice with its delivery.

A breach is the platform's, not one tenant's: it lists the organizations and people it affects. Its rows carry the
`org_id` of the organization that keeps the register, the operator's own (`CBAM_OPERATOR_ORG_ID`), so on
PostgreSQL the plain tenant policy (`org_id = cbam_org()`) lets only sessions acting in that organization see
them, and `core.privacy.breaches` lets only its DPOs write them. No other organization's DPO ever reads a register
that names people outside their organization."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field

from db.models import TenantColumns, _id, org_key, same_org_fk
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class Breach(TenantColumns, table=True):
    __tablename__ = "breach"
    __table_args__ = (org_key("breach"),)

    id: uuid.UUID = _id()
    number: str = Field(max_length=24, index=True, sa_column_kwargs=tag(PD.NONE))
    detected_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    # when we became aware (GDPR Art 33(1): the 72 hours run from here; the Chinese 4-hour report too)
    aware_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    # the nature and cause of the breach (Art 33(3)(a); PIPL Art 57: the cause); facts about the incident, not people
    description: str = Field(max_length=4000, sa_column_kwargs=tag(PD.NONE))
    data_categories: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))
    approx_people: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))
    approx_records: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))
    affected_org_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))
    # ISO codes of the EU member states where affected people live: one supervisory authority each
    member_states: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))
    role: str = Field(max_length=12, sa_column_kwargs=tag(PD.NONE))  # controller | processor | both
    severity: str = Field(max_length=20, sa_column_kwargs=tag(PD.NONE))  # the Chinese incident grade
    high_risk: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))  # GDPR Art 34(1): high risk to people
    consequences: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.NONE))
    measures: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.NONE))
    advice: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.NONE))  # what people can do
    contact: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))  # the DPO's office
    exemption_ground: str = Field(default="", max_length=10, sa_column_kwargs=tag(PD.NONE))  # Art 34(3) a|b|c
    exemption_justification: str = Field(default="", max_length=4000, sa_column_kwargs=tag(PD.NONE))
    exempted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))


class BreachNotice(TenantColumns, table=True):
    """One notice: to an authority, a person, or a controller (an affected organization whose data we process).
    A person's notice names them by id and keeps the address it went to, with its delivery; an authority's or a
    controller's is recorded when the DPO marks it done, with the evidence (a filing number, a mail)."""

    __tablename__ = "breach_notice"
    __table_args__ = (same_org_fk("breach_notice", "breach_id", "breach"),)

    id: uuid.UUID = _id()
    breach_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    kind: str = Field(max_length=12, sa_column_kwargs=tag(PD.NONE))  # authority | user | controller
    obligation: str = Field(max_length=60, sa_column_kwargs=tag(PD.NONE))  # e.g. cn_provincial, eu_sa:DE, users
    recipient: str = Field(default="", max_length=320, sa_column_kwargs=tag(PD.CONTACT))  # address or authority
    # no foreign key: the notice stays as proof after the person's account is erased (then this is NULL)
    recipient_user_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    recipient_org_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    language: str = Field(default="", max_length=5, sa_column_kwargs=tag(PD.NONE))  # zh | en | "" (both)
    due_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    status: str = Field(default="pending", max_length=16, sa_column_kwargs=tag(PD.NONE))
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    attempts: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))
    error: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.NONE))  # the failure's class, no text
    evidence: str = Field(default="", max_length=2000, sa_column_kwargs=tag(PD.NONE))


BREACH_TABLES = ("breach", "breach_notice")
