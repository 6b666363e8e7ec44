"""`cbam import workbook FILE --org ORG --as EMAIL`: acts as a member, prints a summary and every problem, exit code
non-zero on problems; on PostgreSQL through the app role."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.exchange.workbook import layout as L
from core.reporting import list_processes
from core.settings import get_settings
from db.session import get_engine
from tests.exchange.workbook.conftest import edit, with_member
from tests.exchange.workbook.test_workbook_import import state


@pytest.fixture
def cli(steel, request, monkeypatch):
    """Point the command at the test database (PostgreSQL: the app role, and the owner for the look-ups)."""
    if steel.engine.dialect.name == "postgresql":
        db = request.getfixturevalue("pg_database")
        monkeypatch.setenv("DATABASE_URL", db.app_url)
        monkeypatch.setenv("MIGRATION_DATABASE_URL", db.admin_url)
    else:
        monkeypatch.setenv("DATABASE_URL", steel.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    get_engine.cache_clear()

    def run(*args: str):
        return CliRunner().invoke(app, ["import", "workbook", *args])
    yield run
    get_engine.cache_clear()
    get_settings.cache_clear()


def test_import_workbook_command(steel, cli, tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(edit(steel.workbook(), {(L.PROCESSES.title, "G4"): 110000}))
    r = cli(str(path), "--org", str(steel.org), "--as", steel.owner.email, "--period", str(steel.period.id))
    assert r.exit_code == 0, r.output
    assert f"{L.PROCESSES.title}: 0 created, 1 updated, 1 unchanged, 0 skipped" in r.output
    with steel.ctx() as ctx:
        assert next(p for p in list_processes(ctx, period_id=steel.period.id) if p.code == "P1").activity_level == 110000
    before = state(steel)
    r = cli(str(path), "--org", "Test Steel Co.", "--as", steel.owner.email.upper(), "--period", str(steel.period.id))
    assert r.exit_code == 0 and "imported: 0 changes" in r.output
    assert state(steel) == before


def test_problems_are_printed_and_exit_non_zero(steel, cli, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(edit(steel.workbook(), {(L.PROCESSES.title, "G4"): "lots", (L.PROCESSES.title, "A6"): "P7",
                                             (L.PROCESSES.title, "C6"): "Crude steel", (L.PROCESSES.title, "G6"): 5}))
    before = state(steel)
    r = cli(str(path), "--org", str(steel.org), "--as", steel.owner.email, "--period", str(steel.period.id))
    assert r.exit_code == 1
    assert f'{L.PROCESSES.title} row 4 G4 [Activity level (t | MWh)]: "lots" is not a number.' in r.output
    assert "nothing was imported" in r.output
    assert state(steel) == before
    r = cli(str(path), "--org", str(steel.org), "--as", steel.owner.email, "--period", str(steel.period.id),
            "--valid-only")
    assert r.exit_code == 1 and "the valid rows were imported" in r.output
    with steel.ctx() as ctx:
        assert [p.code for p in list_processes(ctx, period_id=steel.period.id)] == ["P1", "P2", "P7"]


def test_refusals(steel, cli, tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(steel.workbook())
    viewer = with_member(steel, "viewer")
    r = cli(str(path), "--org", str(steel.org), "--as", viewer.email, "--period", str(steel.period.id))
    assert r.exit_code == 2 and "error.permission_denied" in r.output
    r = cli(str(path), "--org", str(steel.org), "--as", "nobody@example.com")
    assert r.exit_code == 2 and "tenancy.error.unknown_person" in r.output
    r = cli(str(path), "--org", str(steel.org), "--as", steel.owner.email)  # two draft periods: name one
    assert r.exit_code == 2 and "exchange.cli.error.choose_period" in r.output
    (tmp_path / "x.xlsx").write_bytes(b"garbage")
    r = cli(str(tmp_path / "x.xlsx"), "--org", str(steel.org), "--as", steel.owner.email, "--period",
            str(steel.period.id))
    assert r.exit_code == 2 and "exchange.safety.not_xlsx" in r.output
