"""consent ledger and policy versions: each consent record says whether consent was given or withdrawn
(`granted`) and which notice was shown (`notice_version`); policy versions (drafted, reviewed, scheduled with a
notice period). On PostgreSQL the ledger stays append-only (SELECT, INSERT for the app role) and the app role
reads scheduled policy versions only.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("consent_record") as b:
        b.add_column(sa.Column("granted", sa.Boolean(), server_default=sa.true(), nullable=False))
        b.add_column(sa.Column("notice_version", S(length=80), server_default="", nullable=False))
    # the rows before this migration: a withdrawal was a kind of its own; a policy acceptance showed that policy
    op.execute("UPDATE consent_record SET granted = false WHERE kind = 'transfer_abroad_withdrawn'")
    op.execute("UPDATE consent_record SET notice_version = policy_version WHERE kind = 'privacy_policy'")
    op.create_table(
        "policy_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", S(length=20), nullable=False),
        sa.Column("label", S(length=40), nullable=False),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("summary_zh", S(length=2000), nullable=False),
        sa.Column("summary_en", S(length=2000), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("changed_purposes", sa.Boolean(), nullable=False),
        sa.Column("notice_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "label", name="uq_policy_version_kind_label"),
    )
    with op.batch_alter_table("policy_version") as b:
        b.create_index("ix_policy_version_kind", ["kind"])
        b.create_index("ix_policy_version_effective_at", ["effective_at"])
    if op.get_bind().dialect.name == "postgresql":
        # the ledger's grants renewed for its new columns: still SELECT and INSERT only (append-only)
        for stmt in rls.app_grants_sql(("consent_record",)) + rls.consent_sql():
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(("policy_version",)):
            op.execute(stmt)
    op.drop_table("policy_version")
    with op.batch_alter_table("consent_record") as b:
        b.drop_column("notice_version")
        b.drop_column("granted")
