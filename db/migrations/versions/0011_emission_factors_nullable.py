"""emission factors of heat and electricity may be empty: an empty factor is not zero

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = ("heat_imported_ef", "heat_exported_ef", "electricity_ef", "electricity_exported_ef")


def upgrade() -> None:
    # Stored values are kept as they are: a 0 someone saved may be a real zero factor (renewable electricity).
    with op.batch_alter_table("production_process") as batch:
        for column in COLUMNS:
            batch.alter_column(column, existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    for column in COLUMNS:
        op.execute(f"UPDATE production_process SET {column} = 0 WHERE {column} IS NULL")
    with op.batch_alter_table("production_process") as batch:
        for column in COLUMNS:
            batch.alter_column(column, existing_type=sa.Float(), nullable=False)
