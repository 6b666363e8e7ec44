"""the app role's privileges on the tables added after 0015 (invitation tokens, privacy requests and objections,
the AI helper's tables) follow db.rls.APP_ACCESS: no table-level UPDATE or DELETE (with them the role could
LOCK TABLE ... IN ACCESS EXCLUSIVE MODE), column-level UPDATE instead; and the column grants of the tables 0018
added a column to (benchmark_route) are renewed, since column grants name their columns

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""
from alembic import op

from db import rls

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Written out here (not read from APP_ACCESS), so the migration keeps meaning what it meant.
TABLES = ("invitation_token", "privacy_request", "privacy_objection", "assistant_setting", "assistant_interaction",
          "production_process", "purchased_precursor")
# What the app role held before (0014, 0016, 0017, 0015), restored by the downgrade.
OLD_GRANTS = {"invitation_token": "SELECT, INSERT, UPDATE", "privacy_request": "SELECT, INSERT, UPDATE",
              "privacy_objection": "SELECT, INSERT, UPDATE, DELETE",
              "assistant_setting": "SELECT, INSERT, UPDATE, DELETE",
              "assistant_interaction": "SELECT, INSERT, UPDATE, DELETE"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.app_grants_sql(TABLES) + rls.delete_function_sql():
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, grants in OLD_GRANTS.items():
            op.execute(f"REVOKE ALL ON {table} FROM {rls.APP_ROLE}")
            op.execute(f"GRANT {grants} ON {table} TO {rls.APP_ROLE}")
