"""The dashboards' aggregations use the indexes of migration 0008 (EXPLAIN on both databases)."""
import uuid

from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.dashboards.aggregates import latest_periods, shipment_groups
from tests.factories import context, make_org, make_user


def _captured(engine, run) -> list[tuple[str, object]]:
    """The DBAPI statements (with their parameters) a call sends."""
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, params, context_, executemany):  # noqa: ANN001
        seen.append((statement, params))

    event.listen(Engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", grab)
    return seen


def _plan(engine, statement: str, params) -> str:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            cur.execute("SET enable_seqscan = off")  # tiny tables: ask whether the index serves the query
            cur.execute("EXPLAIN " + statement, params)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + statement, params)
        return "\n".join(str(r[-1]) for r in cur.fetchall())
    finally:
        raw.close()


def test_aggregations_use_the_dashboard_indexes(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)

    def run():
        with context(engine, owner, org) as ctx:
            shipment_groups(ctx, [uuid.uuid4()], by_customer=True)
            latest_periods(ctx)

    sent = _captured(engine, run)
    grouping = next((s, p) for s, p in sent if "GROUP BY" in s and "FROM shipment" in s)
    assert "ix_shipment_dashboard" in _plan(engine, *grouping)
    latest = next((s, p) for s, p in sent if "max(reporting_period.version_no)" in s)
    assert "ix_reporting_period_latest" in _plan(engine, *latest)
