"""processors and third parties: the versioned registry (`processor_version`), change notices to organization
owners (`processor_notice`) and the log of personal data sent abroad (`data_transfer`, for the cross-border
transfer register); on PostgreSQL row-level security and the app role's grants for the three

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

# Listed here, not imported from the models, so that this migration keeps meaning what it meant when written.
TABLES = ("processor_version", "processor_notice", "data_transfer")

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def _s(n: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=n)


def upgrade() -> None:
    op.create_table(
        "processor_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("processor_key", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("service", _s(200), nullable=False),
        sa.Column("provider", _s(300), nullable=False),
        sa.Column("provider_url", _s(500), nullable=False),
        sa.Column("data_types_zh", _s(500), nullable=False),
        sa.Column("data_types_en", _s(500), nullable=False),
        sa.Column("fields_zh", _s(1000), nullable=False),
        sa.Column("fields_en", _s(1000), nullable=False),
        sa.Column("purpose_zh", _s(500), nullable=False),
        sa.Column("purpose_en", _s(500), nullable=False),
        sa.Column("region", _s(200), nullable=False),
        sa.Column("abroad", sa.Boolean(), nullable=False),
        sa.Column("mechanism", _s(40), nullable=False),
        sa.Column("policy_url", _s(500), nullable=False),
        sa.Column("date_added", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("change_note", _s(1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("processor_key", "version", name="uq_processor_version"),
    )
    op.create_table(
        "processor_notice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), sa.ForeignKey("processor_version.id"), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("objection_until", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "data_transfer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), sa.ForeignKey("organization.id"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("person_digest", _s(64), nullable=False),
        sa.Column("recipient", _s(200), nullable=False),
        sa.Column("processor_key", sa.Uuid(), nullable=True),
        sa.Column("channel", _s(40), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("processor_version") as batch_op:
        batch_op.create_index(batch_op.f("ix_processor_version_processor_key"), ["processor_key"], unique=False)
    with op.batch_alter_table("processor_notice") as batch_op:
        batch_op.create_index(batch_op.f("ix_processor_notice_version_id"), ["version_id"], unique=False)
    with op.batch_alter_table("data_transfer") as batch_op:
        for col in ("org_id", "user_id", "person_digest", "transferred_on"):
            batch_op.create_index(batch_op.f(f"ix_data_transfer_{col}"), [col], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.processors_sql():
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(TABLES):
            op.execute(stmt)
    op.drop_table("data_transfer")
    op.drop_table("processor_notice")
    op.drop_table("processor_version")
