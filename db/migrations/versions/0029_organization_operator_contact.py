"""the organization as installation operator: its city and a contact phone and e-mail, for the registry report's
InstallationOperator and the communication template

Revision ID: 0029
Revises: 0026
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from db import rls

revision = "0029"
down_revision = "0026"
branch_labels = None
depends_on = None

# (column, length) of text columns, empty for existing rows; listed here, not read from the models
COLUMNS = [("city", 35), ("contact_phone", 35), ("contact_email", 256)]


def upgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False,
                                          server_default=""))
    if op.get_bind().dialect.name == "postgresql":
        # column grants name their columns: renew the app role's on the table that gained updatable ones
        for stmt in rls.app_grants_sql(("organization",)):
            op.execute(stmt)


def downgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
