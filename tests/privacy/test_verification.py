"""Identity verification by e-mailed code on a frozen clock: valid 10 minutes, 3 attempts, only a hash stored."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.privacy import verification as v
from db.privacy_models import PrivacyRequest
from db.session import Scope, scoped_session
from tests.privacy.golden import owner_engine

AT = datetime(2026, 11, 30, 10, tzinfo=UTC)


def _request(engine) -> uuid.UUID:
    with scoped_session(Scope(), owner_engine(engine)) as s:
        req = PrivacyRequest(number="PR-X", requester_email="walk.in@example.com", type="access", received_at=AT,
                             received_on=AT.date())
        s.add(req)
        s.flush()
        return req.id


def _issue(engine, rid) -> str:
    sent = []
    with scoped_session(Scope(), owner_engine(engine)) as s:
        req = s.get(PrivacyRequest, rid)
        v.issue_code(s, req, at=AT, send=lambda email, code: sent.append((email, code)))
        assert req.code_hash and sent[0][1] not in req.code_hash
    ((email, code),) = sent
    assert email == "walk.in@example.com" and len(code) == 6 and code.isdigit()
    return code


def _check(engine, rid, code, seconds) -> str:
    with scoped_session(Scope(), owner_engine(engine)) as s:
        return v.check_code(s, s.get(PrivacyRequest, rid), code, at=AT + timedelta(seconds=seconds))


def test_the_right_code_within_ten_minutes_verifies(engine):
    rid = _request(engine)
    code = _issue(engine, rid)
    assert _check(engine, rid, code, 600) == v.OK
    with scoped_session(Scope(), owner_engine(engine)) as s:
        req = s.exec(select(PrivacyRequest).where(PrivacyRequest.id == rid)).one()
        assert req.verification_method == "email_code" and req.verified_at is not None


def test_a_code_expires_after_ten_minutes(engine):
    rid = _request(engine)
    code = _issue(engine, rid)
    assert _check(engine, rid, code, 601) == v.EXPIRED


def test_three_wrong_attempts_lock_the_code(engine):
    rid = _request(engine)
    code = _issue(engine, rid)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert [_check(engine, rid, wrong, n) for n in (1, 2, 3)] == [v.WRONG, v.WRONG, v.LOCKED]
    assert _check(engine, rid, code, 4) == v.LOCKED  # even the right code, once locked
    code = _issue(engine, rid)  # a new code starts again
    assert _check(engine, rid, code, 5) == v.OK
