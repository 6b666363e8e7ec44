"""customer request log: what EU customers asked for and what was sent (pack files, hashes, snapshot);
on PostgreSQL row-level security for it

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

# Listed here, not imported from the models, so that this migration keeps meaning what it meant when written.
TABLES = ("customer_request",)

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_request',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_by_email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by', sa.Uuid(), nullable=True),
    sa.Column('answer_files', sa.JSON(), nullable=False),
    sa.Column('answer_snapshot_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_request_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_request_org_id'), ['org_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.reporting_sql(TABLES):
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(TABLES):
            op.execute(stmt)
    with op.batch_alter_table('customer_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_request_org_id'))
        batch_op.drop_index(batch_op.f('ix_customer_request_customer_id'))

    op.drop_table('customer_request')
