"""four-eyes approval: the organization's setting, and who submitted each reporting period

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # on by default, existing organizations included: the submitter of a period does not approve it
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("four_eyes_approval", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("reporting_period") as batch:
        batch.add_column(sa.Column("submitted_by", sa.Uuid(), nullable=True))
        batch.create_foreign_key("fk_reporting_period_submitted_by", "app_user", ["submitted_by"], ["id"])
    # a period waiting in "submitted" was last moved by whoever submitted it (later states were moved by a reviewer)
    op.execute("UPDATE reporting_period SET submitted_by = status_changed_by WHERE status = 'submitted'")


def downgrade() -> None:
    with op.batch_alter_table("reporting_period") as batch:
        batch.drop_constraint("fk_reporting_period_submitted_by", type_="foreignkey")
        batch.drop_column("submitted_by")
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("four_eyes_approval")
