"""registry-report details stored where they belong: the signatory on the organization, the city on the
installation, the declarant's address and customs representative on the customer; customers can be archived

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# table → [(column, length)] of text columns, empty for existing rows. Listed here, not read from the models, so
# the migration keeps meaning what it meant.
TEXT_COLUMNS = {
    "organization": [("signatory_name", 128), ("signatory_position", 128), ("signature_place", 128)],
    "installation": [("city", 35)],
    "customer": [("city", 35), ("street", 70), ("postcode", 17), ("representative_eori", 17),
                 ("representative_name", 70), ("representative_city", 35)],
}


def upgrade() -> None:
    for table, columns in TEXT_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length in columns:
                batch_op.add_column(sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False,
                                              server_default=""))
            if table == "customer":
                batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table, columns in TEXT_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "customer":
                batch_op.drop_column("archived_at")
            for name, _length in reversed(columns):
                batch_op.drop_column(name)
