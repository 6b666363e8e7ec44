"""PostgreSQL: the app role appends only to the acting organization's chain (or the person's own), and only in
the name of the person acting. Before migration 0013 a member of one organization could plant an event in
another organization's chain (the event's org_id their own, its chain the victim's)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import DBAPIError

from core import audit
from db.models import AuditEvent
from db.session import Scope, scoped_session
from tests.factories import make_org, make_user
from tests.security.audit_tamper import owner_engine

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _raw_event(chain: str, seq: int, org_id, actor_id) -> AuditEvent:  # noqa: ANN001
    ev = AuditEvent(chain=chain, seq=seq, org_id=org_id, actor_id=actor_id, action="installation.created",
                    entity="installation", entity_id=str(uuid.uuid4()), before=None, after={"name": "planted"},
                    at=AT, prev_hash="0" * 64)
    ev.hash = audit.service.compute_hash(ev)
    return ev


def _insert_refused(engine, scope: Scope, event: AuditEvent) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), scoped_session(scope, engine) as s:
        s.add(event)
        s.flush()


def test_an_event_cannot_be_planted_in_another_tenants_chain(pg_engine):
    mallory, victim = make_user(pg_engine), make_user(pg_engine)
    own_org, victim_org = make_org(pg_engine, mallory), make_org(pg_engine, victim)
    scope = Scope(user_id=mallory.id, org_id=own_org, email=mallory.email)
    _insert_refused(pg_engine, scope, _raw_event(f"org:{victim_org}", 99, own_org, mallory.id))
    _insert_refused(pg_engine, scope, _raw_event(f"user:{victim.id}", 99, None, mallory.id))
    _insert_refused(pg_engine, Scope(user_id=mallory.id, email=mallory.email),
                    _raw_event(f"user:{victim.id}", 99, None, mallory.id))
    with scoped_session(Scope(), owner_engine(pg_engine)) as s:
        assert audit.verify(s, f"org:{victim_org}").ok
        assert audit.verify(s, f"user:{victim.id}").ok


def test_nobody_appends_in_someone_elses_name(pg_engine):
    alice, bob = make_user(pg_engine), make_user(pg_engine)
    org = make_org(pg_engine, alice)
    with pytest.raises(DBAPIError, match="row-level security"), \
            scoped_session(Scope(user_id=alice.id, org_id=org, email=alice.email), pg_engine) as s:
        audit.record(s, actor_id=bob.id, org_id=org, action="installation.created", entity="installation",
                     entity_id=None, before=None, after={"name": "as bob"}, at=AT)
    with pytest.raises(DBAPIError, match="row-level security"), \
            scoped_session(Scope(user_id=alice.id, email=alice.email), pg_engine) as s:
        audit.record(s, actor_id=bob.id, org_id=None, action="user.profile_updated", entity="user",
                     entity_id=bob.id, before=None, after={"name": "as bob"}, at=AT)
    # as herself, in her organization's chain and her own, Alice appends
    with scoped_session(Scope(user_id=alice.id, org_id=org, email=alice.email), pg_engine) as s:
        audit.record(s, actor_id=alice.id, org_id=org, action="installation.created", entity="installation",
                     entity_id=None, before=None, after={"name": "as alice"}, at=AT)
    with scoped_session(Scope(user_id=alice.id, email=alice.email), pg_engine) as s:
        audit.record(s, actor_id=alice.id, org_id=None, action="user.profile_updated", entity="user",
                     entity_id=alice.id, before=None, after={"name": "Alice"}, at=AT)
