"""The objection to AI improvement governs the one path that processes AI helper records for it: the review set
(`cbam ai improvement-export`) leaves out every interaction of a person who objected, and masks the rest."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.assistant.improvement import review_set
from core.privacy import objections
from db.assistant_models import AssistantInteraction
from db.session import Scope, scoped_session
from tests.factories import add_member, make_org, make_user
from tests.privacy.golden import owner_engine
from tests.support.connections import point_commands_at

NOW = datetime.now(UTC)


def _op(engine):
    return scoped_session(Scope(), owner_engine(engine))


@pytest.fixture
def asked(engine, monkeypatch):
    point_commands_at(engine, monkeypatch)
    owner = make_user(engine, name="Olga Owner")
    org = make_org(engine, owner)
    wang = make_user(engine, name="Wang Fang", email="wang.fang@example.com")
    add_member(engine, owner, org, wang, "editor")
    with _op(engine) as s:
        for who, text in ((owner, "Olga asks: why is my cost high? call +86 138 0000 1234"),
                          (wang, "Wang Fang asks about hot-rolled coil, mail wang.fang@example.com")):
            s.add(AssistantInteraction(org_id=org, user_id=who.id, question=text, answer=f"Dear {who.name}: …",
                                       tools=[{"tool": "explain_cost"}], created_at=NOW - timedelta(days=1),
                                       note="ungrounded" if who is wang else ""))
    return engine, owner, wang


def test_a_person_who_objected_is_left_out_and_the_rest_is_masked(asked):
    engine, owner, wang = asked
    window = dict(since=NOW - timedelta(days=30), until=NOW + timedelta(seconds=1))
    with _op(engine) as s:
        before = review_set(s, **window)
    assert len(before.items) == 2 and before.left_out == 0  # baseline: nobody objects
    text = json.dumps(before.items, ensure_ascii=False)
    for personal in ("Wang Fang", "wang.fang@example.com", "Olga Owner", "138 0000 1234"):
        assert personal not in text
    assert "[email]" in text and "[phone]" in text and "hot-rolled coil" in text
    with scoped_session(Scope(user_id=wang.id, email=wang.email), engine) as s:
        objections.set_objections(s, s.get(type(wang), wang.id), {"ai_improvement": True}, at=NOW)
    with _op(engine) as s:
        after = review_set(s, **window)
    assert after.left_out == 1 and len(after.items) == 1
    assert "hot-rolled" not in json.dumps(after.items, ensure_ascii=False)


def test_the_command_writes_the_set_and_says_who_was_left_out(asked, tmp_path):
    engine, _owner, wang = asked
    with scoped_session(Scope(user_id=wang.id, email=wang.email), engine) as s:
        objections.set_objections(s, s.get(type(wang), wang.id), {"ai_improvement": True}, at=NOW)
    out = tmp_path / "review.jsonl"
    res = CliRunner().invoke(app, ["ai", "improvement-export", "-o", str(out), "--days", "30"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"written": 1, "left_out_objected": 1, "out": str(out)}
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert "why is my cost high" in json.loads(line)["question"]
