"""guided rectification and the organization as controller: a privacy request records the channel it came by and
the correction a person asks for; an erasure-ledger entry records the organization an erasure was limited to

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("privacy_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default="app"))
        batch_op.add_column(sa.Column("correction", sa.JSON(), nullable=True))
    with op.batch_alter_table("privacy_erasure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.Uuid(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # column grants name their columns: renew the app role's on the table that gained updatable ones
        for stmt in rls.app_grants_sql(("privacy_request",)):
            op.execute(stmt)


def downgrade() -> None:
    with op.batch_alter_table("privacy_erasure", schema=None) as batch_op:
        batch_op.drop_column("org_id")
    with op.batch_alter_table("privacy_request", schema=None) as batch_op:
        batch_op.drop_column("correction")
        batch_op.drop_column("channel")
