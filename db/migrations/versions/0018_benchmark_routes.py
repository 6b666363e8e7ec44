"""benchmark route of processes and purchased precursors: where a benchmark depends on the production route
(Impl. Reg. (EU) 2025/2620 Annex, tags (A)-(L)), the route is stated, never guessed

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Empty for existing rows: a process's tag follows from its production route and charge; a precursor whose
# benchmark depends on the route shows a blocking finding until its route is entered.
TABLES = ("production_process", "purchased_precursor")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("benchmark_route", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("benchmark_route")
