"""PostgreSQL: the app role, row-level security on every tenant and personal-data table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op

from core.settings import get_settings
from db import rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: the services scope every query; there is no database-level isolation to add
    for stmt in rls.create_app_role_sql(get_settings().app_db_password or None):
        op.execute(stmt)
    for stmt in rls.foundation_sql():
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Dropping the tables (0001) drops their policies; here only grants and functions go.
    for stmt in rls.drop_foundation_sql():
        op.execute(stmt)
