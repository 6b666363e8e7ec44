"""People: matched by issuer and subject, created once, onboarded; the ID token's expiry is checked."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.clock import FixedClock
from core.errors import ValidationFailed
from core.identity import complete_onboarding, id_token_expired, needs_onboarding, resolve_login
from db.models import ConsentRecord, User
from db.session import Scope, scoped_session


def test_token_expiry_is_checked_ourselves():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert not id_token_expired({"exp": (now + timedelta(seconds=30)).timestamp()}, now)
    assert id_token_expired({"exp": (now - timedelta(seconds=1)).timestamp()}, now)
    assert id_token_expired({"exp": now.timestamp()}, now)
    assert id_token_expired({}, now)  # OIDC requires exp: a token without one is not trusted
    assert id_token_expired({"exp": "soon"}, now)


def test_user_matched_by_issuer_and_subject(engine, now):
    clock = FixedClock(now)
    with scoped_session(Scope(), engine) as s:
        u1 = resolve_login(s, issuer="https://a.example", subject="42", email="x@a.example", name="X", clock=clock)
    with scoped_session(Scope(), engine) as s:
        again = resolve_login(s, issuer="https://a.example", subject="42", email="new@a.example", name="X",
                              clock=clock)
        other_idp = resolve_login(s, issuer="https://b.example", subject="42", email="x@a.example", name="X",
                                  clock=clock)
    assert again.id == u1.id and again.email == "new@a.example"
    assert other_idp.id != u1.id  # same subject at another provider is another person


def test_onboarding_requires_age_and_current_policy(engine, now):
    clock = FixedClock(now)
    with scoped_session(Scope(), engine) as s:
        user = resolve_login(s, issuer="https://a.example", subject="7", email="p@a.example", name="P", clock=clock)
        assert needs_onboarding(s, user, "1.0")
        with pytest.raises(ValidationFailed) as exc:
            complete_onboarding(s, user, adult=False, accept_policy=True, policy_version="1.0", clock=clock)
        assert set(exc.value.errors) == {"adult"}
        with pytest.raises(ValidationFailed) as exc:
            complete_onboarding(s, user, adult=True, accept_policy=False, policy_version="1.0", clock=clock)
        assert set(exc.value.errors) == {"accept_policy"}
        complete_onboarding(s, user, adult=True, accept_policy=True, policy_version="1.0", clock=clock)
        assert not needs_onboarding(s, user, "1.0")
        assert needs_onboarding(s, user, "1.1")  # a new policy version must be accepted again
        consent = s.exec(select(ConsentRecord).where(ConsentRecord.user_id == user.id)).one()
        assert consent.policy_version == "1.0" and consent.age_confirmed
        assert consent.accepted_at.replace(tzinfo=UTC) == now
        assert s.get(User, user.id).adult_confirmed_at is not None
