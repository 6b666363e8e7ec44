"""The audit chain is keyed: someone who can write the database but does not hold CBAM_AUDIT_KEY cannot edit an
event and recompute the later hashes into a chain that verifies."""
from __future__ import annotations

import pytest

from core import audit
from core.settings import Settings, get_settings
from db.session import Scope, scoped_session
from tests.factories import make_installation, make_org, make_user
from tests.security.audit_tamper import owner_engine, rewrite_chain


def _org_with_events(engine, n: int = 4):
    owner = make_user(engine)
    org = make_org(engine, owner)
    for i in range(n):
        make_installation(engine, owner, org, name=f"Plant {i}")
    return owner, org


def _verify(engine, chain=None):
    with scoped_session(Scope(), owner_engine(engine)) as s:
        return audit.verify(s, chain)


def test_editing_an_event_and_recomputing_later_hashes_fails(engine):
    _owner, org = _org_with_events(engine)
    chain = f"org:{org}"
    assert _verify(engine).ok
    rewrite_chain(engine, chain, from_seq=3, after={"name": "forged"})
    result = _verify(engine)
    assert not result.ok
    assert (result.broken_chain, result.broken_seq, result.reason) == (chain, 3, "hash_mismatch")


def test_marking_forged_events_as_unkeyed_fails(engine):
    _owner, org = _org_with_events(engine)
    chain = f"org:{org}"
    rewrite_chain(engine, chain, from_seq=3, after={"name": "forged"}, set_version=audit.service.PLAIN_SHA256)
    result = _verify(engine, chain)
    assert (result.ok, result.broken_seq, result.reason) == (False, 3, "hash_downgrade")


def test_the_hash_depends_on_the_key(engine, monkeypatch):
    _owner, org = _org_with_events(engine, 1)
    assert _verify(engine).ok
    monkeypatch.setenv("CBAM_AUDIT_KEY", "another key entirely, 32 characters or more")
    get_settings.cache_clear()
    result = _verify(engine)
    assert not result.ok and result.reason == "hash_mismatch"


def test_events_from_before_the_key_still_verify_and_the_chain_continues_keyed(engine):
    """A chain written before migration 0013 (plain SHA-256, version 1) stays readable; new events are keyed."""
    owner, org = _org_with_events(engine, 2)
    chain = f"org:{org}"
    rewrite_chain(engine, chain, from_seq=1, set_version=audit.service.PLAIN_SHA256)  # as the old code wrote it
    assert _verify(engine, chain).ok
    make_installation(engine, owner, org, name="Plant after the key")
    with scoped_session(Scope(), owner_engine(engine)) as s:
        versions = [e.hash_version for e in s.exec(audit.service.select(audit.service.AuditEvent).where(
            audit.service.AuditEvent.chain == chain).order_by(audit.service.AuditEvent.seq))]
    assert versions[-1] == audit.HASH_VERSION == audit.service.SEALED_HMAC_SHA256
    assert set(versions[:-1]) == {audit.service.PLAIN_SHA256}
    assert _verify(engine, chain).ok


def test_production_refuses_to_start_without_an_audit_key():
    with pytest.raises(ValueError, match="CBAM_AUDIT_KEY"):
        Settings(CBAM_ENV="production", DATABASE_URL="postgresql://u@h/db")
    with pytest.raises(ValueError, match="CBAM_AUDIT_KEY"):
        Settings(CBAM_ENV="production", DATABASE_URL="postgresql://u@h/db", CBAM_AUDIT_KEY="short")
    ok = Settings(CBAM_ENV="production", DATABASE_URL="postgresql://u@h/db", CBAM_AUDIT_KEY="k" * 32)
    assert ok.effective_audit_key == b"k" * 32
    assert Settings().effective_audit_key  # development: a fixed key, so the demo runs without configuration
    assert "k" * 32 not in repr(ok)


def test_the_consultant_scale_seed_builds_keyed_chains(engine, monkeypatch):
    """The bulk seed hashes with the same keyed function: its chains verify, and not under another key."""
    import random
    import uuid
    from datetime import UTC, datetime

    from core.demo.scale import audit_rows
    from db.models import AuditEvent

    actor = uuid.uuid4()
    events = {uuid.uuid4(): [(actor, "organization.created", "organization", "x", None, {"name": "A"})]
              for _ in range(2)}
    rows = audit_rows(events, 10, datetime(2026, 1, 1, tzinfo=UTC), random.Random(1))
    assert {r["hash_version"] for r in rows} == {audit.HASH_VERSION}
    with owner_engine(engine).begin() as conn:
        conn.execute(AuditEvent.__table__.insert(), rows)
    result = _verify(engine)
    assert result.ok and result.checked == 10
    monkeypatch.setenv("CBAM_AUDIT_KEY", "another key entirely, 32 characters or more")
    get_settings.cache_clear()
    assert _verify(engine).reason == "hash_mismatch"


def test_the_seed_writes_the_same_hash_as_hash_body_on_tricky_values():
    """`chain_hash` writes the sealed body's canonical JSON as text: equal to `hash_body` on every kind of value."""
    import random
    import uuid
    from datetime import UTC, datetime

    from core.audit.service import ERASED, PSEUDONYM, _iso, hash_body
    from core.demo.scale_audit import chain_hash

    key = b"k" * 32
    values = [None, 3.3, 0.1 + 0.2, 1e-7, 2.0, 5, -0.0, True, False, float("nan"), float("inf"), 10**30,
              "中文 \"q\" \\ \n\u2028", {"a": 1, "b": [1, None, {"z": "é"}]}, [], {}, {"quantity": 12.34},
              {ERASED: "ab" * 32, PSEUDONYM: "p"}, {"x": {ERASED: "cd" * 32, PSEUDONYM: "p"}}]
    rng = random.Random(7)
    org = uuid.uuid4()
    for seq in range(1, 400):
        before, after = rng.choice(values), rng.choice(values)
        at = _iso(datetime(2026, 1, 1, tzinfo=UTC))
        body = {"chain": f"org:{org}", "seq": seq, "org_id": str(org), "actor_id": "é\"", "action": "shipment.updated",
                "entity": "shipment", "entity_id": "x,y", "before": before, "after": after, "at": at,
                "prev_hash": audit.GENESIS}
        assert chain_hash(f"org:{org}", seq, str(org), "é\"", "shipment.updated", "shipment", "x,y", before, after,
                          at, audit.GENESIS, key) == hash_body(body, audit.HASH_VERSION, key), (before, after)


def test_the_seed_hashes_the_same_in_a_worker_process_and_in_this_one(monkeypatch):
    import random
    import uuid
    from datetime import UTC, datetime

    from core.demo import scale_audit

    actor = uuid.uuid4()
    events = {uuid.uuid4(): [(actor, "shipment.created", "shipment", str(uuid.uuid4()), None, {"quantity": 1.5})]
              for _ in range(3)}
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(scale_audit, "_workers", lambda chains: 1)
    pooled = scale_audit.audit_rows({k: list(v) for k, v in events.items()}, 30, t0, random.Random(1))
    monkeypatch.setattr(scale_audit, "_workers", lambda chains: 0)
    inline = scale_audit.audit_rows({k: list(v) for k, v in events.items()}, 30, t0, random.Random(1))
    assert [r["hash"] for r in pooled] == [r["hash"] for r in inline] and len(inline) == 30
