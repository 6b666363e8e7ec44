"""carbon price paid in the country of production (issue 13): `carbon_price_entry`, one per production process of
a period; on PostgreSQL row-level security (tenant policy) and the app role's grants from APP_ACCESS

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

# Listed here, not imported from the models, so that this migration keeps meaning what it meant when written.
TABLES = ("carbon_price_entry",)

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    s = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "carbon_price_entry",
        sa.Column("org_id", sa.Uuid(), sa.ForeignKey("organization.id"), nullable=False),
        sa.Column("created_by", sa.Uuid(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Uuid(), nullable=False),
        sa.Column("process_id", sa.Uuid(), nullable=False),
        sa.Column("instrument", s(length=200), nullable=False),
        sa.Column("country", s(length=2), nullable=False),
        sa.Column("price_type", s(length=40), nullable=False),
        sa.Column("covered_emissions", sa.Float(), nullable=False),
        sa.Column("price_per_tco2", sa.Float(), nullable=False),
        sa.Column("currency", s(length=3), nullable=False),
        sa.Column("rebate_type", s(length=40), nullable=False),
        sa.Column("rebated_emissions", sa.Float(), nullable=False),
        sa.Column("compensation_per_t", sa.Float(), nullable=False),
        sa.Column("rate_per_eur", sa.Float(), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=True),
        sa.Column("rate_source", s(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("process_id", name="uq_carbon_price_entry_process"),
        sa.UniqueConstraint("org_id", "id", name="uq_carbon_price_entry_org_id"),
        sa.ForeignKeyConstraint(["org_id", "period_id"], ["reporting_period.org_id", "reporting_period.id"],
                                name="fk_carbon_price_entry_period_id_org"),
        sa.ForeignKeyConstraint(["org_id", "process_id"], ["production_process.org_id", "production_process.id"],
                                name="fk_carbon_price_entry_process_id_org"),
    )
    with op.batch_alter_table("carbon_price_entry") as b:
        b.create_index(b.f("ix_carbon_price_entry_org_id"), ["org_id"], unique=False)
        b.create_index(b.f("ix_carbon_price_entry_period_id"), ["period_id"], unique=False)
        b.create_index(b.f("ix_carbon_price_entry_process_id"), ["process_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        stmts: list[str] = []
        for table in TABLES:
            stmts += rls.tenant_table_sql(table)  # grants from APP_ACCESS
        stmts += rls.delete_function_sql()  # cbam_delete() learns the new deletable table
        for stmt in stmts:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(TABLES):
            op.execute(stmt)
    op.drop_table("carbon_price_entry")
