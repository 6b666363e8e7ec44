"""`cbam ask` and `cbam ai enable|disable` act as a named member, through the same service as the page."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings
from db.migrate import upgrade
from db.session import get_engine, make_engine
from tests.assistant.conftest import steel_org as _steel_org_fixture

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])
build_steel = _steel_org_fixture.__wrapped__


def _team():
    get_settings.cache_clear()
    get_engine.cache_clear()
    url = get_settings().effective_database_url
    upgrade(url)
    return build_steel(make_engine(url))


def test_ask_prints_the_answer_and_json_with_citations_numbers_and_provider():
    s = _team()
    r = CliRunner().invoke(app, ["ask", "本期的CBAM成本主要由什么构成？", "--org", "Test Steel Co.",
                                 "--as", s.viewer.email, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out) >= {"answer", "citations", "numbers", "provider"}
    assert out["provider"] == "offline" and out["answer"].startswith("离线助手")
    assert out["numbers"] and any(c["page"] == "costs" for c in out["citations"])
    r = CliRunner().invoke(app, ["ask", "Which CN code is urea?", "--org", "Test Steel Co.", "--as", s.viewer.email])
    assert r.exit_code == 0 and "3102" in r.output and "Sources:" in r.output


def test_ai_switch_is_for_owners_only():
    s = _team()
    r = CliRunner().invoke(app, ["ai", "enable", "--org", "Test Steel Co.", "--as", s.viewer.email])
    assert r.exit_code == 2 and "error.permission_denied" in r.output
    r = CliRunner().invoke(app, ["ai", "enable", "--org", "Test Steel Co.", "--as", s.owner.email])
    assert r.exit_code == 0 and "is on" in r.output
    r = CliRunner().invoke(app, ["ai", "disable", "--org", "Test Steel Co.", "--as", s.owner.email])
    assert r.exit_code == 0 and "is off" in r.output
