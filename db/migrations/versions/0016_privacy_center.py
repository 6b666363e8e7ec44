"""privacy center: privacy requests, objections per purpose, the erasure ledger; on PostgreSQL row-level security
(a request is the requester's and their organization's; an objection the person's; the ledger the operator's)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "privacy_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", S(length=20), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("requester_user_id", sa.Uuid(), nullable=True),
        sa.Column("requester_email", S(length=320), nullable=False),
        sa.Column("type", S(length=30), nullable=False),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("details", S(length=4000), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("paused_on", sa.Date(), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("extended_days", sa.Integer(), nullable=False),
        sa.Column("extension_reason", S(length=2000), nullable=False),
        sa.Column("refusal_reason", S(length=2000), nullable=False),
        sa.Column("assigned_to", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verification_method", S(length=20), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_hash", S(length=64), nullable=False),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("privacy_request") as b:
        b.create_index("ix_privacy_request_number", ["number"])
        b.create_index("ix_privacy_request_org_id", ["org_id"])
        b.create_index("ix_privacy_request_requester_user_id", ["requester_user_id"])
    op.create_table(
        "privacy_objection",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", S(length=30), nullable=False),
        sa.Column("objected", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "purpose", name="uq_privacy_objection"),
    )
    with op.batch_alter_table("privacy_objection") as b:
        b.create_index("ix_privacy_objection_user_id", ["user_id"])
    op.create_table(
        "privacy_erasure",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("email_digest", S(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("privacy_erasure") as b:
        b.create_index("ix_privacy_erasure_user_id", ["user_id"])
        b.create_index("ix_privacy_erasure_email_digest", ["email_digest"])
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.privacy_sql():
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(("privacy_request", "privacy_objection", "privacy_erasure")):
            op.execute(stmt)
    op.drop_table("privacy_erasure")
    op.drop_table("privacy_objection")
    op.drop_table("privacy_request")
