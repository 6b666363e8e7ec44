"""`cbam retention run [--dry-run] [--now YYYY-MM-DD] [--json]` on the operator connection: the JSON names, per
table, the rows deleted, pseudonymised and held; the dry run changes nothing; a bad day is refused."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from db.retention_models import RetentionRun
from tests.factories import make_org, make_user
from tests.privacy.test_retention import TODAY, _op, ai
from tests.support.connections import point_commands_at


@pytest.fixture
def cli(engine, monkeypatch):
    point_commands_at(engine, monkeypatch)
    return lambda *args: CliRunner().invoke(app, ["retention", *args])


def test_run_from_the_command_line(engine, cli):
    from db.assistant_models import AssistantInteraction  # after db.models (which imports it) is loaded

    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    with _op(engine) as s:
        for n in (364, 365, 400):
            ai(s, org, owner.id, TODAY - timedelta(days=n), f"q{n}")
    day = TODAY.isoformat()
    res = cli("run", "--dry-run", "--now", day, "--json")
    assert res.exit_code == 0, res.output
    dry = json.loads(res.output)
    assert dry["dry_run"] is True and dry["as_of"] == day and dry["status"] == "ok"
    assert dry["tables"]["assistant_interaction"] == {"deleted": 2, "pseudonymised": 0, "held": 0}
    assert set(dry["tables"]) >= {"assistant_interaction", "security_event", "audit_event", "organization"}
    with _op(engine) as s:
        assert len(s.exec(select(AssistantInteraction)).all()) == 3  # the dry run changed nothing
    res = cli("run", "--now", day, "--json")
    done = json.loads(res.output)
    assert res.exit_code == 0 and done["dry_run"] is False and done["tables"] == dry["tables"]
    assert done["duration_ms"] > 0
    with _op(engine) as s:
        assert len(s.exec(select(AssistantInteraction)).all()) == 1
        assert {r.dry_run for r in s.exec(select(RetentionRun)).all()} == {True, False}
    res = cli("run", "--now", day)
    assert res.exit_code == 0 and "assistant_interaction: deleted 0, pseudonymised 0, held 0" in res.output
    res = cli("run", "--now", "2026-13-01")
    assert res.exit_code == 2 and "retention.error.bad_date" in res.output
