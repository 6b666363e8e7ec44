"""SQLModel tables. Tenant tables carry org_id, created/updated by and at, and a version (optimistic locking)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKeyConstraint, Index, Integer, UniqueConstraint, true
from sqlmodel import Field, SQLModel

from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


def utcnow() -> datetime:
    return datetime.now(UTC)


def _id() -> Any:
    return Field(default_factory=uuid.uuid4, primary_key=True, sa_column_kwargs=tag(PD.NONE))


def same_org_fk(table: str, column: str, target: str) -> ForeignKeyConstraint:
    """`(org_id, column)` → `target (org_id, id)`: a tenant row points only at a row of its own organization, so
    no mistake in a service (and no write that RLS lets through: it checks only the row's own org_id) can link a
    period to another tenant's installation or a shipment to another tenant's customer (migration 0015). A NULL
    column is not checked, as before (MATCH SIMPLE)."""
    return ForeignKeyConstraint(["org_id", column], [f"{target}.org_id", f"{target}.id"],
                                name=f"fk_{table}_{column}_org")


def org_key(table: str) -> UniqueConstraint:
    """UNIQUE (org_id, id): what a `same_org_fk` refers to (the id alone is the primary key already)."""
    return UniqueConstraint("org_id", "id", name=f"uq_{table}_org_id")


class TenantColumns(SQLModel):
    """Columns every tenant table carries."""

    org_id: uuid.UUID = Field(foreign_key="organization.id", index=True, sa_column_kwargs=tag(PD.NONE))
    created_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    updated_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_user_issuer_subject"),)

    id: uuid.UUID = _id()
    issuer: str = Field(max_length=300, sa_column_kwargs=tag(PD.ACCOUNT))
    subject: str = Field(max_length=300, sa_column_kwargs=tag(PD.IDENTIFIER))
    email: str | None = Field(default=None, max_length=320, index=True, sa_column_kwargs=tag(PD.CONTACT))
    name: str | None = Field(default=None, max_length=200, sa_column_kwargs=tag(PD.IDENTITY))
    phone: str | None = Field(default=None, max_length=40, sa_column_kwargs=tag(PD.CONTACT))
    language: str | None = Field(default=None, max_length=5, sa_column_kwargs=tag(PD.ACCOUNT))
    adult_confirmed_at: datetime | None = Field(
        default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.CONSENT))
    # reported as possibly under 18 (core.privacy.minors): every permission is refused until the DPO decides
    suspended_at: datetime | None = Field(
        default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.ACCOUNT))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.ACCOUNT))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.ACCOUNT))
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))


class Organization(SQLModel, table=True):
    """A tenant. Its own id is its org_id."""

    id: uuid.UUID = _id()
    name_zh: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.NONE))
    name_en: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.NONE))
    eori: str | None = Field(default=None, max_length=17, sa_column_kwargs=tag(PD.NONE))
    uscc: str | None = Field(default=None, max_length=18, sa_column_kwargs=tag(PD.NONE))
    address: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    industry: str = Field(default="", max_length=40, sa_column_kwargs=tag(PD.NONE))
    # four-eyes approval: whoever submitted a reporting period may not approve it (migration 0009)
    four_eyes_approval: bool = Field(default=True, sa_column_kwargs=tag(PD.NONE) | {"server_default": true()})
    # who signs the registry reports this organization prepares (migration 0010); the name is a person's
    signatory_name: str = Field(default="", max_length=128, sa_column_kwargs=tag(PD.IDENTITY))
    signatory_position: str = Field(default="", max_length=128, sa_column_kwargs=tag(PD.NONE))
    signature_place: str = Field(default="", max_length=128, sa_column_kwargs=tag(PD.NONE))
    # the operator's city and its contact for the registry report's InstallationOperator and the communication
    # template's "About the installation" (migration 0029); the signatory is the contact person
    city: str = Field(default="", max_length=35, sa_column_kwargs=tag(PD.NONE))
    contact_phone: str = Field(default="", max_length=35, sa_column_kwargs=tag(PD.CONTACT))
    contact_email: str = Field(default="", max_length=256, sa_column_kwargs=tag(PD.CONTACT))
    created_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    updated_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    version: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))

    @property
    def org_id(self) -> uuid.UUID:
        return self.id


class Membership(TenantColumns, table=True):
    """A person's role in an organization. An invitation is a membership with an email and no user yet."""

    __table_args__ = (UniqueConstraint("org_id", "invited_email", name="uq_membership_org_email"),)

    id: uuid.UUID = _id()
    user_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", index=True,
                                      sa_column_kwargs=tag(PD.IDENTIFIER))
    invited_email: str = Field(max_length=320, sa_column_kwargs=tag(PD.CONTACT))
    role: str = Field(max_length=20, sa_column_kwargs=tag(PD.NONE))
    status: str = Field(default="invited", max_length=20, sa_column_kwargs=tag(PD.ACCOUNT))  # invited|active|removed


class Installation(TenantColumns, table=True):
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_installation_org_name"), org_key("installation"))

    id: uuid.UUID = _id()
    name: str = Field(max_length=200, sa_column_kwargs=tag(PD.NONE))
    address: str = Field(default="", max_length=500, sa_column_kwargs=tag(PD.NONE))
    city: str = Field(default="", max_length=35, sa_column_kwargs=tag(PD.NONE))  # the registry report's (0010)
    country: str = Field(max_length=2, sa_column_kwargs=tag(PD.NONE))
    unlocode: str | None = Field(default=None, max_length=6, sa_column_kwargs=tag(PD.NONE))
    latitude: float | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    longitude: float | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    economic_activity: str = Field(default="", max_length=300, sa_column_kwargs=tag(PD.NONE))
    archived_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained. One chain per organization (`org:<id>`) or per person (`user:<id>`)."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_audit_chain_seq"),
                      # the audit log's page of an organization's events, newest first (migration 0008)
                      Index("ix_audit_event_org_at", "org_id", "at", "id"))

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True,
                                                          info=info(PD.NONE)))
    chain: str = Field(max_length=60, index=True, sa_column_kwargs=tag(PD.NONE))
    seq: int = Field(sa_column_kwargs=tag(PD.NONE))
    org_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.NONE))
    actor_id: uuid.UUID | None = Field(default=None, index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    action: str = Field(max_length=60, sa_column_kwargs=tag(PD.NONE))
    entity: str = Field(max_length=60, sa_column_kwargs=tag(PD.NONE))
    entity_id: str | None = Field(default=None, max_length=80, sa_column_kwargs=tag(PD.NONE))
    before: dict | None = Field(default=None, sa_column=Column(JSON, info=info(PD.ACTIVITY)))
    after: dict | None = Field(default=None, sa_column=Column(JSON, info=info(PD.ACTIVITY)))
    at: datetime = Field(sa_type=DateTime(timezone=True), index=True, sa_column_kwargs=tag(PD.ACTIVITY))
    prev_hash: str = Field(max_length=64, sa_column_kwargs=tag(PD.NONE))
    hash: str = Field(max_length=64, sa_column_kwargs=tag(PD.NONE))
    # 1: plain SHA-256 (events before migration 0013), 2: HMAC-SHA-256 with CBAM_AUDIT_KEY, 3: the same over
    # commitments to the values, so that erasure can pseudonymise them without breaking the chain (core.audit)
    hash_version: int = Field(default=3, sa_column_kwargs={**tag(PD.NONE), "server_default": "1"})


class ConsentRecord(SQLModel, table=True):
    """The consent ledger: one row per choice a person made (accepting a policy version, giving or withdrawing a
    consent), never changed afterwards (append-only: the app role holds no UPDATE or DELETE on PostgreSQL). For a
    purpose the latest row counts; a withdrawal is a row with `granted` false (migration 0023)."""

    __tablename__ = "consent_record"

    id: uuid.UUID = _id()
    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True, sa_column_kwargs=tag(PD.IDENTIFIER))
    kind: str = Field(default="privacy_policy", max_length=40, sa_column_kwargs=tag(PD.CONSENT))  # the purpose
    policy_version: str = Field(max_length=40, sa_column_kwargs=tag(PD.CONSENT))
    age_confirmed: bool = Field(default=False, sa_column_kwargs=tag(PD.CONSENT))
    accepted_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.CONSENT))
    # given (true) or withdrawn (false)
    granted: bool = Field(default=True, sa_column_kwargs=tag(PD.CONSENT) | {"server_default": true()})
    # the notice the person was shown when choosing: "<version>#<first 12 hex of the SHA-256 of its texts>"
    notice_version: str = Field(default="", max_length=80,
                                sa_column_kwargs=tag(PD.CONSENT) | {"server_default": ""})


# Tables whose rows belong to one organization (RLS by org_id on PostgreSQL).
TENANT_TABLES = ("membership", "installation")

# The reporting tables live in their own module; importing it here registers them with the metadata.
from db.reporting_models import REPORTING_TABLES  # noqa: E402

TENANT_TABLES = TENANT_TABLES + REPORTING_TABLES

# The exchange tables (issue 5): the customer request log.
from db.exchange_models import EXCHANGE_TABLES  # noqa: E402

TENANT_TABLES = TENANT_TABLES + EXCHANGE_TABLES
# Evidence files and their links to figures (issue 7).
from db.evidence_models import EVIDENCE_TABLES  # noqa: E402

TENANT_TABLES = TENANT_TABLES + EVIDENCE_TABLES
# Privacy requests, objections and the erasure ledger (issue 14); not tenant tables: see db.rls.privacy_sql.
# The AI helper (issue 16): the per-organization switch and the stored interactions.
from db.assistant_models import ASSISTANT_TABLES  # noqa: E402
from db.privacy_models import PRIVACY_TABLES  # noqa: E402,F401

TENANT_TABLES = TENANT_TABLES + ASSISTANT_TABLES
# Security events, legal holds, the retention run log and organization cancellations (issue 15): a plain import,
# safe when db.retention_models is imported first.
import db.retention_models  # noqa: E402,F401

# The breach register (issue 15): kept in the operator's organization, tenant RLS (see db.breach_models).
from db.breach_models import BREACH_TABLES  # noqa: E402

# Policy versions (issue 15): platform-wide, no personal data; RLS of their own (db.rls.consent_sql).
from db.consent_models import CONSENT_TABLES  # noqa: E402,F401

# One-time invitation tokens (issue 17); RLS of their own (the invitee reads by the token's hash).
from db.invitation_models import INVITATION_TABLES  # noqa: E402,F401

TENANT_TABLES = TENANT_TABLES + BREACH_TABLES
# Processors and third parties, change notices, the log of transfers abroad (issue 15).
# The access log, impact assessments and minor reports (issue 15): tenant tables.
from db.access_models import ACCESS_TABLES  # noqa: E402
from db.processor_models import PROCESSOR_TABLES  # noqa: E402,F401

TENANT_TABLES = TENANT_TABLES + ACCESS_TABLES
# Carbon price paid in the country of production (issue 13): a tenant table.
from db.carbon_price_models import CARBON_PRICE_TABLES  # noqa: E402

TENANT_TABLES = TENANT_TABLES + CARBON_PRICE_TABLES
# The engine's results per period, kept across processes and machines (issue 18): a tenant table.
from db.result_models import RESULT_TABLES  # noqa: E402

TENANT_TABLES = TENANT_TABLES + RESULT_TABLES
