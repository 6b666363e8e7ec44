"""reporting tables: periods, processes, source streams, precursors, customers, shipments, review, snapshots;
on PostgreSQL row-level security for each (snapshots: no UPDATE or DELETE for the app role)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

# Listed here, not imported from the models, so that this migration keeps meaning what it meant when written.
TABLES = ("reporting_period", "production_process", "source_stream", "purchased_precursor", "process_input",
          "customer", "shipment", "review_comment", "period_snapshot")


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('eori', sqlmodel.sql.sqltypes.AutoString(length=17), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id', 'eori', name='uq_customer_org_eori')
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_org_id'), ['org_id'], unique=False)

    op.create_table('reporting_period',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('installation_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('previous_id', sa.Uuid(), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('status_changed_by', sa.Uuid(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snapshot_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['installation_id'], ['installation.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['previous_id'], ['reporting_period.id'], ),
    sa.ForeignKeyConstraint(['status_changed_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('installation_id', 'year', 'version_no', name='uq_period_installation_year_version')
    )
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporting_period_installation_id'), ['installation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reporting_period_org_id'), ['org_id'], unique=False)

    op.create_table('period_snapshot',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_id', name='uq_snapshot_period')
    )
    with op.batch_alter_table('period_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_snapshot_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_period_snapshot_period_id'), ['period_id'], unique=False)

    op.create_table('production_process',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('goods_category', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('route', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('cn_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('cn_codes', sa.JSON(), nullable=False),
    sa.Column('activity_level', sa.Float(), nullable=False),
    sa.Column('direct_emissions', sa.Float(), nullable=True),
    sa.Column('qualifying_parameters', sa.JSON(), nullable=False),
    sa.Column('heat_imported_tj', sa.Float(), nullable=False),
    sa.Column('heat_imported_ef', sa.Float(), nullable=False),
    sa.Column('heat_exported_tj', sa.Float(), nullable=False),
    sa.Column('heat_exported_ef', sa.Float(), nullable=False),
    sa.Column('heat_ef_source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('waste_gas_imported_tj', sa.Float(), nullable=False),
    sa.Column('waste_gas_exported_tj', sa.Float(), nullable=False),
    sa.Column('electricity_consumed_mwh', sa.Float(), nullable=False),
    sa.Column('electricity_ef', sa.Float(), nullable=False),
    sa.Column('electricity_exported_mwh', sa.Float(), nullable=False),
    sa.Column('electricity_exported_ef', sa.Float(), nullable=False),
    sa.Column('electricity_ef_source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_id', 'code', name='uq_process_period_code')
    )
    with op.batch_alter_table('production_process', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_production_process_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_production_process_period_id'), ['period_id'], unique=False)

    op.create_table('purchased_precursor',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('goods_category', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('cn_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('supplier_installation', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('see_direct', sa.Float(), nullable=False),
    sa.Column('see_indirect', sa.Float(), nullable=False),
    sa.Column('data_source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('justification', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_id', 'code', name='uq_precursor_period_code')
    )
    with op.batch_alter_table('purchased_precursor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchased_precursor_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchased_precursor_period_id'), ['period_id'], unique=False)

    op.create_table('review_comment',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('field_path', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('resolved_by', sa.Uuid(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], ),
    sa.ForeignKeyConstraint(['resolved_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comment_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comment_period_id'), ['period_id'], unique=False)

    op.create_table('process_input',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('process_id', sa.Uuid(), nullable=False),
    sa.Column('from_process_id', sa.Uuid(), nullable=True),
    sa.Column('from_precursor_id', sa.Uuid(), nullable=True),
    sa.Column('mass', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['from_precursor_id'], ['purchased_precursor.id'], ),
    sa.ForeignKeyConstraint(['from_process_id'], ['production_process.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['process_id'], ['production_process.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('process_input', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_input_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_input_process_id'), ['process_id'], unique=False)

    op.create_table('shipment',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('process_id', sa.Uuid(), nullable=True),
    sa.Column('cn_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('shipped_on', sa.Date(), nullable=False),
    sa.Column('order_reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], ),
    sa.ForeignKeyConstraint(['process_id'], ['production_process.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_period_id'), ['period_id'], unique=False)

    op.create_table('source_stream',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('process_id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['process_id'], ['production_process.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('source_stream', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_stream_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_stream_process_id'), ['process_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.reporting_sql(TABLES):
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in rls.drop_policies_sql(TABLES):
            op.execute(stmt)
    with op.batch_alter_table('source_stream', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_stream_process_id'))
        batch_op.drop_index(batch_op.f('ix_source_stream_org_id'))

    op.drop_table('source_stream')
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_period_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_org_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_customer_id'))

    op.drop_table('shipment')
    with op.batch_alter_table('process_input', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_input_process_id'))
        batch_op.drop_index(batch_op.f('ix_process_input_org_id'))

    op.drop_table('process_input')
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comment_period_id'))
        batch_op.drop_index(batch_op.f('ix_review_comment_org_id'))

    op.drop_table('review_comment')
    with op.batch_alter_table('purchased_precursor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchased_precursor_period_id'))
        batch_op.drop_index(batch_op.f('ix_purchased_precursor_org_id'))

    op.drop_table('purchased_precursor')
    with op.batch_alter_table('production_process', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_production_process_period_id'))
        batch_op.drop_index(batch_op.f('ix_production_process_org_id'))

    op.drop_table('production_process')
    with op.batch_alter_table('period_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_snapshot_period_id'))
        batch_op.drop_index(batch_op.f('ix_period_snapshot_org_id'))

    op.drop_table('period_snapshot')
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_period_org_id'))
        batch_op.drop_index(batch_op.f('ix_reporting_period_installation_id'))

    op.drop_table('reporting_period')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_org_id'))

    op.drop_table('customer')
