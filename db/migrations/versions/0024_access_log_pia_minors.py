"""privacy center part 2: the personal-data access log (hash-chained, append-only for the app), impact assessments
(PIPL Art 55-56, deleted only through cbam_delete() once kept three years), minor reports, and the account
suspension (`app_user.suspended_at`, which the app role may not update); on PostgreSQL row-level security for the
new tables (tenant tables)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
# Listed here, not imported from the models, so that this migration keeps meaning what it meant when written.
TABLES = ("personal_data_access", "privacy_impact_assessment", "minor_report")


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
        "personal_data_access",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), sa.ForeignKey("organization.id"), nullable=False),
        sa.Column("chain", S(length=60), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("viewer", sa.String(length=64), nullable=False),
        sa.Column("viewer_role", S(length=20), nullable=False),
        sa.Column("action", S(length=20), nullable=False),
        sa.Column("resource", S(length=40), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("prev_hash", S(length=64), nullable=False),
        sa.Column("hash", S(length=64), nullable=False),
        sa.Column("hash_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chain", "seq", name="uq_personal_data_access_chain_seq"),
    )
    with op.batch_alter_table("personal_data_access") as b:
        for col in ("org_id", "chain", "at", "viewer"):
            b.create_index(b.f(f"ix_personal_data_access_{col}"), [col], unique=False)
    op.create_table(
        "privacy_impact_assessment", *_tenant_columns(),
        sa.Column("title", S(length=200), nullable=False),
        sa.Column("trigger", S(length=30), nullable=False),
        sa.Column("purpose", S(length=4000), nullable=False),
        sa.Column("risks", S(length=4000), nullable=False),
        sa.Column("measures", S(length=4000), nullable=False),
        sa.Column("risk_level", S(length=10), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "minor_report", *_tenant_columns(),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("reason", S(length=2000), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_due_on", sa.Date(), nullable=False),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("privacy_impact_assessment") as b:
        b.create_index(b.f("ix_privacy_impact_assessment_org_id"), ["org_id"], unique=False)
    with op.batch_alter_table("minor_report") as b:
        b.create_index(b.f("ix_minor_report_org_id"), ["org_id"], unique=False)
        b.create_index(b.f("ix_minor_report_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("app_user") as b:
        b.add_column(sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        stmts: list[str] = []
        for table in TABLES:
            stmts += rls.tenant_table_sql(table)  # grants from APP_ACCESS: the access log is insert-only
        # the new column is not the app role's to update (APP_ACCESS frozen); the PIA is deletable by cbam_delete()
        stmts += rls.app_grants_sql(("app_user",)) + rls.delete_function_sql()
        for stmt in stmts:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(TABLES):
            op.execute(stmt)
    with op.batch_alter_table("app_user") as b:
        b.drop_column("suspended_at")
    op.drop_table("minor_report")
    op.drop_table("privacy_impact_assessment")
    op.drop_table("personal_data_access")
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.app_grants_sql(("app_user",)):
            op.execute(stmt)
