"""a tenant row refers only to rows of its own organization: UNIQUE (org_id, id) on the referenced tables and
every foreign key between tenant tables over (org_id, x_id) → (org_id, id)

Row-level security checks only a row's own org_id, and a foreign key alone only that the referenced id exists
somewhere: together they let a period point at another organization's installation, or a shipment at another
organization's customer. The composite keys make the database refuse that on both dialects (on SQLite the app
connects with PRAGMA foreign_keys=ON, db/session.py).

On PostgreSQL adding a key validates the existing rows: a database that already holds a cross-organization
reference stops here, naming the constraint, and the row has to be corrected by hand (there is no right guess).

On PostgreSQL the app role also loses its table-level UPDATE and DELETE (with them it could LOCK TABLE ... IN ACCESS
EXCLUSIVE MODE and stop every organization): it gets column-level UPDATE grants, and deletes through the
`cbam_delete()` function, which deletes only a row of the acting organization (db/rls.py APP_ACCESS).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from db import rls

revision = "0015"
down_revision = "0014"
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
# The tables whose grants this migration sets (a later table is granted by its own migration).
GRANTED = ("organization", "app_user", "membership", "consent_record", "audit_event", "installation",
           "reporting_period", "production_process", "source_stream", "purchased_precursor", "process_input",
           "customer", "shipment", "review_comment", "period_snapshot", "customer_request", "evidence_file",
           "evidence_link")
# What the app role held before (0002, 0003, 0006, 0007), restored by the downgrade.
OLD_GRANTS = {"organization": "SELECT, INSERT, UPDATE", "app_user": "SELECT, INSERT, UPDATE",
              "consent_record": "SELECT, INSERT", "audit_event": "SELECT, INSERT", "period_snapshot": "SELECT, INSERT"}
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
    if bind.dialect.name == "postgresql":
        for stmt in rls.app_grants_sql(GRANTED) + rls.delete_function_sql():
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cbam_delete(text, uuid, integer)")
        for table in GRANTED:
            op.execute(f"REVOKE ALL ON {table} FROM {rls.APP_ROLE}")  # with the column grants
            op.execute(f"GRANT {OLD_GRANTS.get(table, 'SELECT, INSERT, UPDATE, DELETE')} ON {table} TO {rls.APP_ROLE}")
    for table in _tables():
        with op.batch_alter_table(table) as batch:
            for tb, column, target in REFERENCES:
                if tb == table:
                    batch.drop_constraint(f"fk_{table}_{column}_org", type_="foreignkey")
                    batch.create_foreign_key(f"{table}_{column}_fkey", target, [column], ["id"])
    for table in REFERENCED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_org_id", type_="unique")
