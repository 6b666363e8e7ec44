"""breach register: personal-data breaches (`breach`) and the notices each calls for (`breach_notice`: authorities,
affected people with their delivery, controllers); both kept in the operator's organization, so on PostgreSQL the
plain tenant policy (org_id = cbam_org()) hides them from every other organization; the app role's privileges
follow db.rls.APP_ACCESS (column-level UPDATE, no DELETE: a register is never emptied)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

# Listed here, not imported from the models, so that this migration keeps meaning what it meant when written.
TABLES = ("breach", "breach_notice")

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def _tenant_columns() -> list[sa.Column]:
    return [
        sa.Column("org_id", sa.Uuid(), sa.ForeignKey("organization.id"), nullable=False),
        sa.Column("created_by", sa.Uuid(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "breach", *_tenant_columns(),
        sa.Column("number", S(length=24), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aware_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", S(length=4000), nullable=False),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("approx_people", sa.Integer(), nullable=False),
        sa.Column("approx_records", sa.Integer(), nullable=False),
        sa.Column("affected_org_ids", sa.JSON(), nullable=False),
        sa.Column("member_states", sa.JSON(), nullable=False),
        sa.Column("role", S(length=12), nullable=False),
        sa.Column("severity", S(length=20), nullable=False),
        sa.Column("high_risk", sa.Boolean(), nullable=False),
        sa.Column("consequences", S(length=4000), nullable=False),
        sa.Column("measures", S(length=4000), nullable=False),
        sa.Column("advice", S(length=4000), nullable=False),
        sa.Column("contact", S(length=500), nullable=False),
        sa.Column("exemption_ground", S(length=10), nullable=False),
        sa.Column("exemption_justification", S(length=4000), nullable=False),
        sa.Column("exempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "id", name="uq_breach_org_id"),
    )
    op.create_table(
        "breach_notice", *_tenant_columns(),
        sa.Column("breach_id", sa.Uuid(), nullable=False),
        sa.Column("kind", S(length=12), nullable=False),
        sa.Column("obligation", S(length=60), nullable=False),
        sa.Column("recipient", S(length=320), nullable=False),
        sa.Column("recipient_user_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_org_id", sa.Uuid(), nullable=True),
        sa.Column("language", S(length=5), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", S(length=200), nullable=False),
        sa.Column("evidence", S(length=2000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["org_id", "breach_id"], ["breach.org_id", "breach.id"],
                                name="fk_breach_notice_breach_id_org"),
    )
    with op.batch_alter_table("breach") as b:
        b.create_index("ix_breach_org_id", ["org_id"])
        b.create_index("ix_breach_number", ["number"])
    with op.batch_alter_table("breach_notice") as b:
        b.create_index("ix_breach_notice_org_id", ["org_id"])
        b.create_index("ix_breach_notice_breach_id", ["breach_id"])
        b.create_index("ix_breach_notice_recipient_user_id", ["recipient_user_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for stmt in rls.tenant_table_sql(table):  # RLS forced, APP_ACCESS grants, org_id = cbam_org()
                op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(TABLES):
            op.execute(stmt)
    op.drop_table("breach_notice")
    op.drop_table("breach")
