"""Chain heads anchored outside the database: deleting the newest events, deleting a whole organization's chain,
or rewriting a chain from its start (links recomputed) no longer passes verification."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from core import audit
from core.audit.anchors import anchors_path, load_anchors, write_anchors
from db.session import Scope, scoped_session
from tests.factories import make_installation, make_org, make_user
from tests.security.audit_tamper import delete_events, owner_engine, rewrite_chain

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PROJECT = Path(__file__).resolve().parents[2]


def _two_orgs(engine):
    owner = make_user(engine)
    orgs = [make_org(engine, owner, name_en=f"Org {n}") for n in range(2)]
    for org in orgs:
        for i in range(3):
            make_installation(engine, owner, org, name=f"Plant {i}")
    return owner, orgs


def _anchor(engine):
    with scoped_session(Scope(), owner_engine(engine)) as s:
        return write_anchors(s, at=NOW)


def _verify(engine, chain=None):
    with scoped_session(Scope(), owner_engine(engine)) as s:
        return audit.verify(s, chain)


def test_anchor_writes_every_head_outside_the_database(engine):
    owner, orgs = _two_orgs(engine)
    result, count = _anchor(engine)
    assert result.ok and count == 3  # two organizations and the owner's personal chain
    heads = load_anchors()
    assert heads[f"org:{orgs[0]}"][0] == 5  # created, member added, three installations
    assert set(heads) == {f"org:{orgs[0]}", f"org:{orgs[1]}", f"user:{owner.id}"}
    assert json.loads(anchors_path().read_text())["format"] == "cbam-audit-anchors/1"
    assert _verify(engine).ok
    make_installation(engine, owner, orgs[0], name="Plant after the anchor")  # growing past an anchor is fine
    assert _verify(engine).ok


def test_deleting_the_newest_events_is_found(engine):
    _owner, orgs = _two_orgs(engine)
    _anchor(engine)
    chain = f"org:{orgs[1]}"
    delete_events(engine, chain, from_seq=4)
    result = _verify(engine)
    assert (result.ok, result.broken_chain, result.broken_seq, result.reason) == (False, chain, 4, "truncated")
    assert (_verify(engine, chain).reason, _verify(engine, f"org:{orgs[0]}").ok) == ("truncated", True)


def test_deleting_a_whole_chain_is_found(engine):
    _owner, orgs = _two_orgs(engine)
    _anchor(engine)
    chain = f"org:{orgs[0]}"
    delete_events(engine, chain)
    result = _verify(engine)
    assert (result.ok, result.broken_chain, result.reason) == (False, chain, "chain_missing")
    assert _verify(engine, chain).reason == "chain_missing"


def test_rewriting_a_chain_from_its_start_is_found(engine):
    """Unkeyed hashes are accepted before a chain's first keyed event (old chains stay readable): a chain rewritten
    whole as if it were old passes the links, and the anchor catches it."""
    _owner, orgs = _two_orgs(engine)
    _anchor(engine)
    chain = f"org:{orgs[0]}"
    rewrite_chain(engine, chain, from_seq=1, after={"name": "forged"}, set_version=audit.service.PLAIN_SHA256)
    result = _verify(engine)
    assert (result.ok, result.broken_chain, result.broken_seq, result.reason) == (False, chain, 5, "anchor_mismatch")


def test_a_broken_log_is_not_anchored(engine):
    _owner, orgs = _two_orgs(engine)
    _anchor(engine)
    before = anchors_path().read_text()
    delete_events(engine, f"org:{orgs[0]}", from_seq=5)
    result, count = _anchor(engine)  # anchoring again must not launder the cut
    assert (result.ok, result.reason, count) == (False, "truncated", 0)
    assert anchors_path().read_text() == before
    assert not _verify(engine).ok


def test_cli_anchor_and_verify(tmp_path):
    env = {"CBAM_DATA_DIR": str(tmp_path / "cli"), "PATH": "/usr/bin:/bin"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "cli.main", *a], env=env, cwd=PROJECT,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    assert run("db", "upgrade").returncode == 0
    assert run("demo", "seed").returncode == 0
    anchored = run("audit", "anchor")
    assert anchored.returncode == 0 and anchored.stdout.startswith("ANCHORED:"), anchored.stderr
    assert (tmp_path / "cli" / "audit-anchors" / "heads.json").is_file()
    assert run("audit", "verify").returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "cli" / "cbam.db") as conn:
        chain, = conn.execute("SELECT chain FROM audit_event WHERE chain LIKE 'org:%' ORDER BY id LIMIT 1").fetchone()
        newest = conn.execute("SELECT max(seq) FROM audit_event WHERE chain = ?", (chain,)).fetchone()[0]
        conn.execute("DELETE FROM audit_event WHERE chain = ? AND seq = ?", (chain, newest))
    broken = run("audit", "verify")
    assert broken.returncode == 1
    assert f"BROKEN: chain {chain}, event #{newest}" in broken.stderr and "truncated" in broken.stderr
    assert run("audit", "anchor").returncode == 1
