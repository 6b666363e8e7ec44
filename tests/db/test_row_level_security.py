"""PostgreSQL enforces tenancy itself: raw SQL through the app role sees and writes only the acting
organization's rows, and cannot change or delete audit events."""
import uuid

import psycopg
import pytest

from db.rls import APP_ROLE
from tests.factories import make_installation, make_org, make_user


def _raw(db, org_id=None, user_id=None):
    """A plain psycopg connection as the app role, scoped like the app scopes a transaction."""
    conn = psycopg.connect(db.app_url.replace("+psycopg", ""))
    if org_id or user_id:
        conn.execute("SELECT set_config('app.org_id', %s, true), set_config('app.user_id', %s, true)",
                     (str(org_id or ""), str(user_id or "")))
    return conn


@pytest.fixture
def two_tenants(pg_database, pg_engine):
    a, b = make_user(pg_engine), make_user(pg_engine)
    org_a, org_b = make_org(pg_engine, a, name_en="Alpha"), make_org(pg_engine, b, name_en="Beta")
    make_installation(pg_engine, a, org_a, name="Alpha plant")
    make_installation(pg_engine, b, org_b, name="Beta plant 1")
    make_installation(pg_engine, b, org_b, name="Beta plant 2")
    return pg_database, (a, org_a), (b, org_b)


def test_app_role_owns_nothing_and_cannot_bypass_rls(pg_database, pg_engine):
    with psycopg.connect(pg_database.admin_url.replace("+psycopg", "")) as conn:
        row = conn.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
        assert row == (False, False)
        owned = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
                             (APP_ROLE,)).fetchone()[0]
        assert owned == 0
        unprotected = conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version' "
            "AND NOT (c.relrowsecurity AND c.relforcerowsecurity)").fetchall()
        assert unprotected == []


def test_raw_sql_sees_only_the_acting_organization(two_tenants):
    db, (a, org_a), (b, org_b) = two_tenants
    with _raw(db, org_a, a.id) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM installation ORDER BY name")]
        assert names == ["Alpha plant"]
        orgs = {r[0] for r in conn.execute("SELECT org_id FROM membership")}
        assert orgs == {org_a}
        assert conn.execute("SELECT count(*) FROM audit_event WHERE org_id = %s", (org_b,)).fetchone()[0] == 0
    with _raw(db, org_b, b.id) as conn:
        assert conn.execute("SELECT count(*) FROM installation").fetchone()[0] == 2
    with _raw(db) as conn:  # no organization set: nothing at all
        assert conn.execute("SELECT count(*) FROM installation").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM organization").fetchone()[0] == 0


def test_raw_sql_cannot_insert_or_move_rows_into_another_organization(two_tenants):
    db, (a, org_a), (_b, org_b) = two_tenants
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO installation (id, org_id, name, address, country, economic_activity, "
                     "created_at, updated_at, version) VALUES (%s, %s, 'planted', 'x', 'CN', '', now(), now(), 1)",
                     (uuid.uuid4(), org_b))
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE installation SET org_id = %s", (org_b,))
    with _raw(db, org_a, a.id) as conn:  # updates and deletes of the other tenant's rows touch nothing
        assert conn.execute("UPDATE installation SET name = 'x' WHERE org_id = %s", (org_b,)).rowcount == 0
        assert conn.execute("DELETE FROM installation WHERE org_id = %s", (org_b,)).rowcount == 0


def test_setting_is_per_transaction(two_tenants):
    db, (a, org_a), _ = two_tenants
    with _raw(db, org_a, a.id) as conn:
        assert conn.execute("SELECT count(*) FROM installation").fetchone()[0] == 1
        conn.commit()
        # after the transaction the setting reads '' and the policies see no organization
        assert conn.execute("SELECT count(*) FROM installation").fetchone()[0] == 0


def test_audit_rows_cannot_be_changed_or_deleted_by_the_app(two_tenants):
    db, (a, org_a), _ = two_tenants
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE audit_event SET action = 'forged'")
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM audit_event")
