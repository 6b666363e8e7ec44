"""The app role cannot lock a whole table on PostgreSQL: with table-level UPDATE, DELETE or TRUNCATE it could take
`LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` and stop every organization's work. It updates through column grants and
deletes through cbam_delete(), which keeps the tenant check; both still work."""
from __future__ import annotations

import psycopg
import pytest

from tests.factories import context, make_customer, make_org, make_user

MODES = ("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE", "SHARE UPDATE EXCLUSIVE")


def _raw(db, org_id=None, user_id=None):
    conn = psycopg.connect(db.app_url.replace("+psycopg", ""))
    conn.execute("SELECT set_config('app.org_id', %s, true), set_config('app.user_id', %s, true)",
                 (str(org_id or ""), str(user_id or "")))
    return conn


def _app_tables(db) -> set[str]:
    with psycopg.connect(db.admin_url.replace("+psycopg", "")) as conn:
        return {r[0] for r in conn.execute("SELECT DISTINCT table_name FROM information_schema.role_table_grants "
                                           "WHERE grantee = 'cbam_app'")}


def test_no_table_can_be_locked_by_the_app_role(pg_database, pg_engine):
    tables = _app_tables(pg_database)
    assert len(tables) >= 18
    for table in sorted(tables):
        for mode in MODES:
            with _raw(pg_database) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"LOCK TABLE {table} IN {mode} MODE NOWAIT")


def test_the_app_role_has_no_table_wide_update_delete_or_truncate(pg_database, pg_engine):
    with psycopg.connect(pg_database.admin_url.replace("+psycopg", "")) as conn:
        rows = conn.execute("SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                            "WHERE grantee = 'cbam_app' AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')"
                            ).fetchall()
    assert rows == []


def test_every_app_table_is_registered(pg_database, pg_engine):
    """A table the app role can read has an APP_ACCESS entry (so its grants come from one place)."""
    from db.rls import APP_ACCESS

    assert _app_tables(pg_database) == set(APP_ACCESS)


def test_deletes_still_work_and_stay_within_the_organization(pg_database, pg_engine):
    from core.reporting import delete_customer

    a, b = make_user(pg_engine), make_user(pg_engine)
    org_a, org_b = make_org(pg_engine, a), make_org(pg_engine, b, name_en="Beta")
    theirs = make_customer(pg_engine, b, org_b)
    mine = make_customer(pg_engine, a, org_a)
    with context(pg_engine, a, org_a) as ctx:
        assert delete_customer(ctx, customer_id=mine.id, expected_version=mine.version) == "deleted"
    with _raw(pg_database, org_a, a.id) as conn:  # the function refuses the other tenant's row: 0 deleted
        assert conn.execute("SELECT cbam_delete('customer', %s, %s)", (theirs.id, theirs.version)).fetchone()[0] == 0
    with _raw(pg_database, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT cbam_delete('audit_event', gen_random_uuid(), 1)")  # not a deletable table
    with _raw(pg_database, org_b, b.id) as conn:
        assert conn.execute("SELECT count(*) FROM customer").fetchone()[0] == 1
