"""an index in the order the shipments page lists a period's shipments, so that a page of 100 out of 200,000 is
read from the index (and the quarter filter is a range on it)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_shipment_listing", "shipment", ["org_id", "period_id", "shipped_on", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_shipment_listing", table_name="shipment")
