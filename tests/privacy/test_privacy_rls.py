"""Row-level security on the privacy tables (PostgreSQL, the app role): a request is seen by its requester and
by its organization's DPO only; an objection by its person only; the erasure ledger by nobody through the app."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from core.privacy import objections, requests
from db.privacy_models import PrivacyObjection, PrivacyRequest
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user

AT = datetime(2026, 11, 30, 10, tzinfo=UTC)


def test_privacy_rows_are_scoped(pg_engine):
    engine = pg_engine
    owner_a, owner_b = make_user(engine, name="Owner A"), make_user(engine, name="Owner B")
    org_a, org_b = make_org(engine, owner_a), make_org(engine, owner_b)
    dpo_b = make_user(engine, name="DPO B")
    add_member(engine, owner_b, org_b, dpo_b, "dpo")
    person, other = make_user(engine, name="Person"), make_user(engine, name="Other")
    add_member(engine, owner_a, org_a, person, "viewer")
    with scoped_session(Scope(user_id=person.id, org_id=org_a, email=person.email), engine) as s:
        requests.create_request(s, user=person, org_id=org_a, type="access", details="", at=AT)
        objections.set_objections(s, person, {"marketing": True}, at=AT)
    with scoped_session(Scope(user_id=other.id, email=other.email), engine) as s:
        assert s.exec(select(PrivacyRequest)).all() == []
        assert s.exec(select(PrivacyObjection)).all() == []
    with context(engine, dpo_b, org_b) as ctx:
        assert requests.list_requests(ctx) == []
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        assert len(requests.my_requests(s, person)) == 1
        with pytest.raises(Exception, match="permission denied"):
            s.execute(text("SELECT * FROM privacy_erasure")).all()
