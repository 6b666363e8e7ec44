"""PostgreSQL isolates the customer request log: through the app role one organization neither sees nor writes
another's requests."""
import uuid
from datetime import date

import psycopg
import pytest

from core.exchange.pack import RequestData, add_request, list_requests
from tests.factories import context, make_customer, make_org, make_user


def _raw(db, org_id, user_id):
    conn = psycopg.connect(db.app_url.replace("+psycopg", ""))
    conn.execute("SELECT set_config('app.org_id', %s, true), set_config('app.user_id', %s, true)",
                 (str(org_id), str(user_id)))
    return conn


def test_requests_are_isolated_per_organization(pg_database, pg_engine):
    a, b = make_user(pg_engine), make_user(pg_engine)
    org_a, org_b = make_org(pg_engine, a, name_en="Alpha"), make_org(pg_engine, b, name_en="Beta")
    cust_a = make_customer(pg_engine, a, org_a, name="Alpha's importer")
    cust_b = make_customer(pg_engine, b, org_b, name="Beta's importer")
    for user, org, cust, subject in ((a, org_a, cust_a, "alpha asks"), (b, org_b, cust_b, "beta asks")):
        with context(pg_engine, user, org) as ctx:
            add_request(ctx, data=RequestData(customer_id=cust.id, received_on=date(2026, 1, 5),
                                              due_on=date(2026, 2, 5), subject=subject))
    with context(pg_engine, a, org_a) as ctx:
        assert [v.request.subject for v in list_requests(ctx)] == ["alpha asks"]
    with _raw(pg_database, org_a, a.id) as conn:
        assert [r[0] for r in conn.execute("SELECT subject FROM customer_request")] == ["alpha asks"]
        assert conn.execute("SELECT count(*) FROM customer_request WHERE org_id = %s", (org_b,)).fetchone()[0] == 0
        assert conn.execute("UPDATE customer_request SET subject = 'x' WHERE org_id = %s", (org_b,)).rowcount == 0
    with _raw(pg_database, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM customer_request WHERE org_id = %s", (org_b,))  # no DELETE at all (0015)
    with _raw(pg_database, org_a, a.id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO customer_request (id, org_id, customer_id, received_on, due_on, subject, "
                      "requested_by, requested_by_email, answer_files, created_at, updated_at, version) "
                      "VALUES (%s, %s, %s, '2026-01-01', '2026-01-02', 'planted', '', '', '[]', now(), now(), 1)",
                      (uuid.uuid4(), org_b, cust_b.id))
    with _raw(pg_database, org_b, b.id) as conn:
        assert [r[0] for r in conn.execute("SELECT subject FROM customer_request")] == ["beta asks"]
