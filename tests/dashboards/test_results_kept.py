"""The engine's period results kept in the database (issue 18, `period_result`): a new process reads them instead
of computing them, and a changed period is never read from what was kept (its key moved), on SQLite and PostgreSQL.

The engine calls are counted with spies that call the real functions (nothing under test is replaced)."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from core.dashboards import CACHE, costs_dashboard, emissions_dashboard, portfolio, stored
from core.reporting import SourceStreamData, list_processes, list_source_streams, update_source_stream
from db.result_models import PeriodResult
from tests.dashboards.data import build, expected
from tests.factories import context

pytestmark = pytest.mark.usefixtures("fresh_cache")  # tests/dashboards/conftest.py


def _kept(engine, ds) -> Counter:
    with context(engine, ds.owner, ds.org) as ctx:
        return Counter(dict(ctx.session.execute(
            select(PeriodResult.kind, func.count()).where(PeriodResult.org_id == ds.org)
            .group_by(PeriodResult.kind)).all()))


def _look(engine, ds):
    with context(engine, ds.owner, ds.org) as ctx:
        return emissions_dashboard(ctx), costs_dashboard(ctx), portfolio(ctx.user, engine=engine)


def test_a_new_process_reads_the_kept_results_and_the_engine_does_not_run(engine, calls):
    ds = build(engine)
    first = _look(engine, ds)
    assert calls["evaluate"] > 0 and calls["forecast"] > 0 and calls["findings_of"] == 2
    # both periods' unit results, findings and forecast, and the organization's summary for the owner
    assert _kept(engine, ds) == Counter({"units": 2, "findings": 2, "forecast": 2, "summary": 1})

    CACHE.clear()  # what a new process (or another machine) starts with
    calls.clear()
    second = _look(engine, ds)
    assert calls == Counter()  # nothing computed: every result came from the database
    assert second == first  # the same numbers, exactly (Decimals and floats round-trip)
    assert second[1].certificates == pytest.approx(expected(engine, ds)["cert"], rel=1e-9)


def test_a_changed_period_is_computed_afresh_never_read_from_what_was_kept(engine, calls):
    ds = build(engine, approve=False)
    before = _look(engine, ds)
    smelter = ds.periods["Smelter"]
    with context(engine, ds.owner, ds.org) as ctx:  # more anode consumed: more emissions
        proc = next(p for p in list_processes(ctx, period_id=smelter) if p.cn_code == "76011010")
        stream = next(s for s in list_source_streams(ctx, process_id=proc.id) if s.method == "process")
        update_source_stream(ctx, stream_id=stream.id, expected_version=stream.version, data=SourceStreamData(
            name=stream.name, method=stream.method,
            params=dict(stream.params) | {"activity_data": 2 * float(stream.params["activity_data"])}))

    CACHE.clear()  # only the database could still hold the old numbers
    calls.clear()
    after = _look(engine, ds)
    assert calls["evaluate"] > 0  # the changed period was computed again
    want = expected(engine, ds)
    assert after[1].certificates == pytest.approx(want["cert"], rel=1e-9)
    assert after[1].certificates > before[1].certificates
    assert after[2][0].certificates == pytest.approx(want["cert"], rel=1e-9)  # the portfolio too
    # the changed period's results replaced the old ones in place: still one row per period and kind
    assert _kept(engine, ds) == Counter({"units": 2, "findings": 2, "forecast": 2, "summary": 1})


def test_the_kept_form_round_trips_exactly(engine):
    ds = build(engine)
    with context(engine, ds.owner, ds.org) as ctx:
        costs_dashboard(ctx)
        summaries = portfolio(ctx.user, engine=engine)
    values = {k: v for k, v in ((k, CACHE.get(k)) for k in CACHE.keys()) if k[1] in stored.KINDS}
    assert {k[1] for k in values} >= {"units", "forecast", "findings", "summary"}
    for key, value in values.items():
        assert stored.decode(key[1], stored.encode(key[1], value)) == value
    assert summaries[0].cost_eur == stored.decode("summary", stored.encode("summary", summaries[0])).cost_eur


def test_a_failure_to_keep_a_result_does_not_break_the_page(engine, monkeypatch, caplog):
    ds = build(engine)
    from sqlalchemy.engine import Connection

    real = Connection.execute

    def refuse(self, statement, *args, **kwargs):  # the database refuses the write (a lock, a read-only replica)
        if getattr(statement, "table", None) is not None and statement.table.name == "period_result":
            raise RuntimeError("refused")
        return real(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "execute", refuse)
    with context(engine, ds.owner, ds.org) as ctx:
        dash = costs_dashboard(ctx)
    assert dash.certificates == pytest.approx(expected(engine, ds)["cert"], rel=1e-9)
    assert "could not store" in caplog.text
    monkeypatch.setattr(Connection, "execute", real)
    assert _kept(engine, ds) == Counter()


def test_a_store_blocked_by_another_transaction_gives_up_and_the_page_still_answers(pg_engine, pg_database, caplog):
    """Another transaction holds a lock that every write to `period_result` waits for (as an uncommitted insert of
    the same key would): the page's store waits at most the lock timeout, gives up (logged) and the page answers."""
    import time

    import psycopg

    ds = build(pg_engine)
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{pg_database.name}") as blocker:
        blocker.execute("LOCK TABLE period_result IN SHARE MODE")  # reads pass, inserts wait
        t = time.perf_counter()
        with context(pg_engine, ds.owner, ds.org) as ctx:
            dash = costs_dashboard(ctx)
        took = time.perf_counter() - t
        blocker.rollback()
    assert dash.certificates == pytest.approx(expected(pg_engine, ds)["cert"], rel=1e-9)
    assert "could not store" in caplog.text
    assert took < 4 * (stored.LOCK_TIMEOUT_MS / 1000) + 5  # each store gave up after the lock timeout
    assert _kept(pg_engine, ds) == Counter()


def test_results_computed_in_a_transaction_that_rolls_back_are_not_kept(engine):
    ds = build(engine)
    with pytest.raises(RuntimeError), context(engine, ds.owner, ds.org) as ctx:
        assert costs_dashboard(ctx).certificates > 0
        raise RuntimeError("the action failed")
    assert _kept(engine, ds) == Counter()
    CACHE.clear()
    with context(engine, ds.owner, ds.org) as ctx:
        costs_dashboard(ctx)
    assert _kept(engine, ds) == Counter({"units": 2, "forecast": 2})  # kept when the transaction commits
