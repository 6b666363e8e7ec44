"""the engine's results per reporting period, kept across processes and machines (issue 18): `period_result`, one
row per slot (a period's kind and lines asked for; an organization's portfolio summary per role), found by the digest of everything the numbers depend on; on PostgreSQL
row-level security (tenant policy) and the app role's grants from APP_ACCESS

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from db import rls

# Listed here, not imported from the models, so that this migration keeps meaning what it meant when written.
TABLES = ("period_result",)

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "period_result",
        sa.Column("org_id", sa.Uuid(), sa.ForeignKey("organization.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("slot_digest", sa.String(length=64), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "kind", "slot_digest", name="uq_period_result_slot"),
        sa.UniqueConstraint("org_id", "id", name="uq_period_result_org_id"),
        sa.ForeignKeyConstraint(["org_id", "period_id"], ["reporting_period.org_id", "reporting_period.id"],
                                name="fk_period_result_period_id_org"),
    )
    with op.batch_alter_table("period_result") as b:
        b.create_index(b.f("ix_period_result_org_id"), ["org_id"], unique=False)
        b.create_index(b.f("ix_period_result_period_id"), ["period_id"], unique=False)
        b.create_index(b.f("ix_period_result_key_digest"), ["key_digest"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for stmt in rls.tenant_table_sql(table):  # grants from APP_ACCESS
                op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(TABLES):
            op.execute(stmt)
    op.drop_table("period_result")
