"""Background commands are safe to start on two machines at once (issue 18): `core.background.lock.exclusive`
holds a PostgreSQL advisory lock (or, on SQLite, a file lock) for the run; `cbam results warm` and `cbam retention
run` started while another run holds it say so, exit 0 and change nothing; once it is released they run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from core.background.lock import exclusive
from core.dashboards import CACHE
from core.settings import get_settings
from db.result_models import PeriodResult
from db.retention_models import RetentionRun
from db.session import Scope, get_engine, make_engine, scoped_session
from tests.dashboards.data import build

ROOT = Path(__file__).resolve().parents[2]


def test_one_holder_at_a_time_on_sqlite():
    with exclusive("job") as first:
        assert first
        with exclusive("job") as second:
            assert not second  # the same name is held (another process would be refused the same way)
        with exclusive("other job") as other:
            assert other
    with exclusive("job") as again:
        assert again  # released


def test_one_holder_at_a_time_on_postgres(pg_engine, pg_database):
    url = pg_database.admin_url
    with exclusive("job", url) as first:
        assert first
        with exclusive("job", url) as second:
            assert not second
        with exclusive("other job", url) as other:
            assert other
    with exclusive("job", url) as again:
        assert again


def test_a_second_warm_on_sqlite_does_nothing(sqlite_engine):
    build(sqlite_engine)
    get_settings.cache_clear()
    get_engine.cache_clear()
    with exclusive("results-warm") as held:
        assert held
        res = CliRunner().invoke(app, ["results", "warm", "--json"])
        assert res.exit_code == 0 and json.loads(res.stdout) == {"status": "already_running"}
        assert _count(sqlite_engine, PeriodResult) == 0
    res = CliRunner().invoke(app, ["results", "warm", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["computed"] > 0
    CACHE.clear()


def _count(engine, model) -> int:
    with scoped_session(Scope(), engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _cbam(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_a_second_run_on_another_machine_waits_for_nothing_and_changes_nothing(pg_engine, pg_database, tmp_path):
    """Another process (as on another machine) holds the locks; the commands, each in a process of its own, see
    that and do nothing; once released, they run."""
    build(pg_engine)
    owner = make_engine(pg_database.admin_url)
    env = dict(os.environ, PYTHONPATH=str(ROOT), CBAM_DATA_DIR=str(tmp_path / "other-machine"),
               DATABASE_URL=pg_database.app_url, MIGRATION_DATABASE_URL=pg_database.admin_url)
    try:
        with exclusive("results-warm", pg_database.admin_url) as w, \
                exclusive("retention-run", pg_database.admin_url) as r:
            assert w and r
            warm = _cbam(env, "results", "warm")
            assert warm.returncode == 0, warm.stderr
            assert "another run is already running; nothing done" in warm.stdout
            retention = _cbam(env, "retention", "run", "--json")
            assert retention.returncode == 0, retention.stderr
            assert json.loads(retention.stdout) == {"status": "already_running"}
            assert _count(owner, PeriodResult) == 0
            assert _count(owner, RetentionRun) == 0
        warm = _cbam(env, "results", "warm", "--json")
        assert warm.returncode == 0, warm.stderr
        assert json.loads(warm.stdout)["computed"] > 0
        assert _count(owner, PeriodResult) > 0
        retention = _cbam(env, "retention", "run", "--json")
        assert retention.returncode == 0, retention.stderr
        assert json.loads(retention.stdout)["status"] == "ok"
        assert _count(owner, RetentionRun) == 1
    finally:
        owner.dispose()


def test_background_commands_refuse_an_owner_connection_that_row_security_binds(pg_engine, pg_database, tmp_path):
    """Pointed at the app role (no BYPASSRLS: every tenant table's policies bind it), `results warm` would see no
    organization and report "0 organizations" as a success. Both scheduled commands refuse instead, name the role,
    and change nothing."""
    from db.rls import APP_ROLE

    build(pg_engine)
    owner = make_engine(pg_database.admin_url)
    env = dict(os.environ, PYTHONPATH=str(ROOT), CBAM_DATA_DIR=str(tmp_path / "machine"),
               DATABASE_URL=pg_database.app_url, MIGRATION_DATABASE_URL=pg_database.app_url)
    try:
        for args in (["results", "warm", "--json"], ["retention", "run", "--json"]):
            done = _cbam(env, *args)
            assert done.returncode == 2, (args, done.stdout, done.stderr)
            error = json.loads(done.stderr.strip().splitlines()[-1])["error"]
            assert error == {"key": "operator.error.rls_bound", "role": APP_ROLE}
        words = _cbam(env, "results", "warm")
        assert words.returncode == 2 and APP_ROLE in words.stderr and "BYPASSRLS" in words.stderr
        assert _count(owner, PeriodResult) == 0
        assert _count(owner, RetentionRun) == 0
        # the owner connection itself passes (the same commands, as in the test above)
        env["MIGRATION_DATABASE_URL"] = pg_database.admin_url
        assert _cbam(env, "results", "warm", "--json").returncode == 0
    finally:
        owner.dispose()
