"""a tenant row refers only to rows of its own organization: UNIQUE (org_id, id) on the referenced tables and
every foreign key between tenant tables over (org_id, x_id) → (org_id, id)

Row-level security checks only a row's own org_id, and a foreign key alone only that the referenced id exists
somewhere: together they let a period point at another organization's installation, or a shipment at another
organization's customer. The composite keys make the database refuse that on both dialects (on SQLite the app
connects with PRAGMA foreign_keys=ON, db/session.py).

On PostgreSQL adding a key validates the existing rows: a database that already holds a cross-organization
reference stops here, naming the constraint, and the row has to be corrected by hand (there is no right guess).

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

# Written out here (not read from the models), so the migration keeps meaning what it meant.
REFERENCED = ("installation", "reporting_period", "production_process", "purchased_precursor", "customer",
              "evidence_file")
REFERENCES = (  # (table, column, referenced table)
    ("reporting_period", "installation_id", "installation"),
    ("reporting_period", "previous_id", "reporting_period"),
    ("production_process", "period_id", "reporting_period"),
    ("source_stream", "process_id", "production_process"),
    ("purchased_precursor", "period_id", "reporting_period"),
    ("process_input", "process_id", "production_process"),
    ("process_input", "from_process_id", "production_process"),
    ("process_input", "from_precursor_id", "purchased_precursor"),
    ("shipment", "period_id", "reporting_period"),
    ("shipment", "customer_id", "customer"),
    ("shipment", "process_id", "production_process"),
    ("review_comment", "period_id", "reporting_period"),
    ("period_snapshot", "period_id", "reporting_period"),
    ("customer_request", "customer_id", "customer"),
    ("customer_request", "period_id", "reporting_period"),
    ("evidence_file", "previous_id", "evidence_file"),
    ("evidence_file", "replaced_by", "evidence_file"),
    ("evidence_link", "file_id", "evidence_file"),
    ("evidence_link", "period_id", "reporting_period"),
)
# SQLite keeps the old single-column keys unnamed; batch mode names them by this convention so they can be dropped.
SQLITE_FK_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _tables() -> list[str]:
    return list(dict.fromkeys(table for table, _c, _t in REFERENCES))


def _old_fk_name(bind, table: str, column: str, target: str) -> str:
    if bind.dialect.name == "sqlite":
        return f"fk_{table}_{column}_{target}"
    for fk in sa.inspect(bind).get_foreign_keys(table):
        if fk["constrained_columns"] == [column] and fk["referred_table"] == target:
            return fk["name"]
    raise RuntimeError(f"no foreign key {table}.{column} → {target}")


def upgrade() -> None:
    bind = op.get_bind()
    convention = SQLITE_FK_NAMES if bind.dialect.name == "sqlite" else {}
    for table in REFERENCED:
        with op.batch_alter_table(table) as batch:
            batch.create_unique_constraint(f"uq_{table}_org_id", ["org_id", "id"])
    for table in _tables():
        old = {(c, t): _old_fk_name(bind, table, c, t) for tb, c, t in REFERENCES if tb == table}
        with op.batch_alter_table(table, naming_convention=convention) as batch:
            for (column, target), name in old.items():
                batch.drop_constraint(name, type_="foreignkey")
                batch.create_foreign_key(f"fk_{table}_{column}_org", target, ["org_id", column], ["org_id", "id"])


def downgrade() -> None:
    for table in _tables():
        with op.batch_alter_table(table) as batch:
            for tb, column, target in REFERENCES:
                if tb == table:
                    batch.drop_constraint(f"fk_{table}_{column}_org", type_="foreignkey")
                    batch.create_foreign_key(f"{table}_{column}_fkey", target, [column], ["id"])
    for table in REFERENCED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_org_id", type_="unique")
