"""audit chain anchoring: a hash-version column (keyed HMAC-SHA-256 from here on, plain SHA-256 before), and on
PostgreSQL an `audit_insert` policy that ties the chain to the row's organization (or person) and the actor to the
person acting

Revision ID: 0013
Revises: 0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

# Written out here (not read from db.rls), so the migration keeps meaning what it meant.
OLD_INSERT_POLICY = ("CREATE POLICY audit_insert ON audit_event FOR INSERT WITH CHECK (org_id = cbam_org() "
                     "OR (org_id IS NULL AND actor_id = cbam_user()))")
# An organization's event goes to that organization's chain, a personal event to the person's own chain, and
# nobody appends in someone else's name (actor = the person the transaction acts for).
NEW_INSERT_POLICY = ("CREATE POLICY audit_insert ON audit_event FOR INSERT WITH CHECK ("
                     "actor_id = cbam_user() AND ("
                     "(org_id = cbam_org() AND chain = 'org:' || org_id::text) "
                     "OR (org_id IS NULL AND chain = 'user:' || actor_id::text)))")


def upgrade() -> None:
    # existing events keep their plain SHA-256 (version 1); the app writes version 2 from now on
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS audit_insert ON audit_event")
        op.execute(NEW_INSERT_POLICY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS audit_insert ON audit_event")
        op.execute(OLD_INSERT_POLICY)
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("hash_version")
