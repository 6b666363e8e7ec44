"""indexes for the dashboards' aggregations (issue 6) and the audit log's newest-first page

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
from alembic import op

revision = "0008"
down_revision = '0007'
branch_labels = None
depends_on = None

# name → (table, columns). Listed here, not read from the models, so the migration keeps meaning what it meant.
INDEXES = {
    "ix_shipment_dashboard": ("shipment", ["org_id", "period_id", "customer_id", "cn_code", "basis", "process_id",
                                           "shipped_on", "quantity"]),
    "ix_shipment_stamp": ("shipment", ["org_id", "period_id", "updated_at", "version"]),
    "ix_reporting_period_latest": ("reporting_period", ["org_id", "installation_id", "year", "version_no"]),
    "ix_production_process_stamp": ("production_process", ["org_id", "period_id", "updated_at", "version"]),
    "ix_purchased_precursor_stamp": ("purchased_precursor", ["org_id", "period_id", "updated_at",
                                                              "version"]),
    "ix_review_comment_open": ("review_comment", ["org_id", "period_id", "resolved"]),
    "ix_audit_event_org_at": ("audit_event", ["org_id", "at", "id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
