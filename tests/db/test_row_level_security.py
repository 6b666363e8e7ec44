"""PostgreSQL enforces tenancy itself: raw SQL through the app role sees and writes only the acting
organization's rows, and cannot change or delete audit events."""
import uuid

import psycopg
import pytest

from db.rls import APP_ACCESS, APP_ROLE
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
    with _raw(db, org_a, a.id) as conn:  # updates of the other tenant's rows touch nothing
        assert conn.execute("UPDATE installation SET name = 'x' WHERE org_id = %s", (org_b,)).rowcount == 0
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM installation WHERE org_id = %s", (org_b,))  # no DELETE at all (0015)


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


REPORTING_TABLES = ("reporting_period", "production_process", "source_stream", "purchased_precursor",
                    "process_input", "customer", "shipment", "review_comment", "period_snapshot")


def _seed_reporting(db, org_id, installation_id):
    """One row in every reporting table of `org_id`, written by the owner connection (which bypasses RLS)."""
    ids = {t: uuid.uuid4() for t in REPORTING_TABLES}
    common = "org_id, created_at, updated_at, version"
    with psycopg.connect(db.admin_url.replace("+psycopg", "")) as conn:
        conn.execute(f"INSERT INTO reporting_period (id, {common}, installation_id, year, version_no, status, reason, "
                     "parameters) VALUES (%s, %s, now(), now(), 1, %s, 2026, 1, 'draft', '', '{}')",
                     (ids["reporting_period"], org_id, installation_id))
        period = ids["reporting_period"]
        conn.execute(f"INSERT INTO production_process (id, {common}, period_id, code, name, goods_category, cn_codes, "
                     "activity_level, qualifying_parameters, heat_imported_tj, heat_imported_ef, heat_exported_tj, "
                     "heat_exported_ef, heat_ef_source, waste_gas_imported_tj, waste_gas_exported_tj, "
                     "electricity_consumed_mwh, electricity_ef, electricity_exported_mwh, electricity_exported_ef, "
                     "electricity_ef_source) VALUES (%s, %s, now(), now(), 1, %s, 'P1', '', 'Crude steel', '[]', 10, "
                     "'{}', 0, 0, 0, 0, '', 0, 0, 0, 0, 0, 0, '')", (ids["production_process"], org_id, period))
        proc = ids["production_process"]
        conn.execute(f"INSERT INTO source_stream (id, {common}, process_id, name, method, params, position) "
                     "VALUES (%s, %s, now(), now(), 1, %s, '', 'combustion', '{}', 0)", (ids["source_stream"], org_id, proc))
        conn.execute(f"INSERT INTO purchased_precursor (id, {common}, period_id, code, goods_category, cn_code, "
                     "supplier_installation, country, see_direct, see_indirect, data_source, justification) "
                     "VALUES (%s, %s, now(), now(), 1, %s, 'PP1', 'Pig iron', '72011011', '', 'CN', 1, 0, 'actual', '')",
                     (ids["purchased_precursor"], org_id, period))
        conn.execute(f"INSERT INTO process_input (id, {common}, process_id, from_precursor_id, mass) "
                     "VALUES (%s, %s, now(), now(), 1, %s, %s, 5)",
                     (ids["process_input"], org_id, proc, ids["purchased_precursor"]))
        conn.execute(f"INSERT INTO customer (id, {common}, name, eori, country, contact_name, contact_email) "
                     "VALUES (%s, %s, now(), now(), 1, 'Importer', %s, 'DE', 'Anna', 'anna@example.com')",
                     (ids["customer"], org_id, f"DE{uuid.uuid4().int % 10**12}"))
        conn.execute(f"INSERT INTO shipment (id, {common}, period_id, customer_id, process_id, cn_code, quantity, "
                     "shipped_on, order_reference, basis) VALUES (%s, %s, now(), now(), 1, %s, %s, %s, '72071114', 1, "
                     "'2026-02-01', 'PO-1', 'actual')", (ids["shipment"], org_id, period, ids["customer"], proc))
        conn.execute(f"INSERT INTO review_comment (id, {common}, period_id, field_path, text, resolved) "
                     "VALUES (%s, %s, now(), now(), 1, %s, 'processes.P1', 'check', false)",
                     (ids["review_comment"], org_id, period))
        conn.execute(f"INSERT INTO period_snapshot (id, {common}, period_id, version_no, hash, content) "
                     "VALUES (%s, %s, now(), now(), 1, %s, 1, %s, '{}')", (ids["period_snapshot"], org_id, period, "0" * 64))
    return ids


def test_reporting_rows_are_invisible_and_unwritable_across_tenants(two_tenants):
    db, (a, org_a), (b, org_b) = two_tenants
    with _raw(db, org_b, b.id) as conn:
        inst_b = conn.execute("SELECT id FROM installation ORDER BY name").fetchone()[0]
    with _raw(db, org_a, a.id) as conn:
        inst_a = conn.execute("SELECT id FROM installation").fetchone()[0]
    ids_a = _seed_reporting(db, org_a, inst_a)
    ids_b = _seed_reporting(db, org_b, inst_b)
    for table in REPORTING_TABLES:
        with _raw(db, org_a, a.id) as conn:
            assert conn.execute(f"SELECT id FROM {table}").fetchall() == [(ids_a[table],)], table
        with _raw(db) as conn:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        if APP_ACCESS[table].delete:  # deletes go through cbam_delete(): the other tenant's row is not found
            with _raw(db, org_a, a.id) as conn:
                assert conn.execute("SELECT cbam_delete(%s, %s, 1)", (table, ids_b[table])).fetchone()[0] == 0
    # a row planted into the other organization is refused
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO customer (id, org_id, name, eori, country, contact_name, contact_email, created_at, "
                     "updated_at, version) VALUES (%s, %s, 'x', 'DE1', 'DE', '', '', now(), now(), 1)",
                     (uuid.uuid4(), org_b))
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE reporting_period SET org_id = %s", (org_b,))


def test_snapshots_cannot_be_changed_or_deleted_by_the_app(two_tenants):
    db, (a, org_a), _ = two_tenants
    with _raw(db, org_a, a.id) as conn:
        inst_a = conn.execute("SELECT id FROM installation").fetchone()[0]
    _seed_reporting(db, org_a, inst_a)
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE period_snapshot SET hash = 'forged'")
    with _raw(db, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM period_snapshot")
