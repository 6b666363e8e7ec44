"""Row-level security on the retention tables (PostgreSQL, the app role): a person reads only their own sign-ins and
cannot forge someone else's; holds and cancellations are their organization's; the run log is nobody's through
the app; the app role cannot delete a security event."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from core.retention import cancellation
from core.retention import holds as holds_service
from db.retention_models import OrganizationCancellation, RetentionHold, SecurityEvent
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user

AT = datetime(2026, 11, 30, 10, tzinfo=UTC)


def test_retention_rows_are_scoped(pg_engine):
    engine = pg_engine
    owner_a, owner_b = make_user(engine, name="Owner A"), make_user(engine, name="Owner B")
    org_a, org_b = make_org(engine, owner_a), make_org(engine, owner_b, name_en="Beta")
    dpo_a = make_user(engine, name="DPO A")
    add_member(engine, owner_a, org_a, dpo_a, "dpo")
    with context(engine, dpo_a, org_a) as ctx:
        holds_service.set_hold(ctx, reason="Dispute D-1")
    with context(engine, owner_a, org_a) as ctx:
        cancellation.request_cancellation(ctx)
    with scoped_session(Scope(user_id=owner_a.id, email=owner_a.email), engine) as s:
        mine = s.exec(select(SecurityEvent)).all()
        assert mine and {e.user_id for e in mine} == {owner_a.id}  # the sign-in make_user went through
    with context(engine, owner_b, org_b) as ctx:
        assert ctx.session.exec(select(RetentionHold)).all() == []
        assert ctx.session.exec(select(OrganizationCancellation)).all() == []
        assert cancellation.current(ctx) is None
    with pytest.raises(Exception, match="row-level security"), \
            scoped_session(Scope(user_id=owner_b.id, email=owner_b.email), engine) as s:
        s.add(SecurityEvent(kind="sign_in", user_id=owner_a.id, at=AT))  # someone else's sign-in
        s.flush()
    with pytest.raises(Exception, match="permission denied"), \
            scoped_session(Scope(user_id=owner_a.id, email=owner_a.email), engine) as s:
        s.execute(text("SELECT * FROM retention_run")).all()
    with pytest.raises(Exception, match="permission denied"), \
            scoped_session(Scope(user_id=owner_a.id, email=owner_a.email), engine) as s:
        s.execute(text("DELETE FROM security_event WHERE id = :id"), {"id": uuid.uuid4()})
