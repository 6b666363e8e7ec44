"""`cbam privacy breaches [--json]` lists the notices still owed, earliest due first; overdue ones make it exit 1."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from cli.main import app
from core.privacy import breaches
from tests.privacy.breach_support import data, dpo_ctx, operator
from tests.support.connections import point_commands_at


def test_open_obligations_from_the_command_line(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    point_commands_at(engine, monkeypatch)
    now = datetime.now(UTC)
    with dpo_ctx(op, now) as ctx:
        b = breaches.record_breach(ctx, data(aware_at=now - timedelta(hours=5), member_states=["AT"]))
        breaches.complete_obligation(ctx, b.id, "pipl", "reported to the CAC by phone")
    res = CliRunner().invoke(app, ["privacy", "breaches", "--json"])
    rows = json.loads(res.output)
    assert [(r["obligation"], r["status"]) for r in rows] == [
        ("cn_provincial", "overdue"), ("eu_sa:AT", "open"), ("users", "open")]
    assert all(r["breach"] == b.number for r in rows) and rows[0]["left"].startswith("-1h")
    res = CliRunner().invoke(app, ["privacy", "breaches"])
    assert res.exit_code == 1 and "cn_provincial" in res.output and "pipl" not in res.output
    with dpo_ctx(op, now) as ctx:
        breaches.complete_obligation(ctx, b.id, "cn_provincial", "provincial CAC report, late")
    res = CliRunner().invoke(app, ["privacy", "breaches"])
    assert res.exit_code == 0 and "eu_sa:AT" in res.output
