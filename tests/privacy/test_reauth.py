"""Re-authentication rule for self-service export and erasure: the last sign-in must be at most 15 minutes old."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.privacy.reauth import REAUTH_MAX_AGE_SECONDS, authenticated_at, recently_authenticated

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _ago(seconds: float) -> float:
    return (NOW - timedelta(seconds=seconds)).timestamp()


def test_the_limit_is_fifteen_minutes():
    assert REAUTH_MAX_AGE_SECONDS == 900


def test_a_fresh_sign_in_passes_and_an_old_one_is_refused():
    assert recently_authenticated({"auth_time": _ago(60)}, NOW)
    assert recently_authenticated({"auth_time": _ago(900)}, NOW)
    assert not recently_authenticated({"auth_time": _ago(901)}, NOW)


def test_auth_time_wins_over_iat():
    # A token refreshed just now (fresh iat) for a sign-in an hour ago is not a fresh sign-in.
    assert not recently_authenticated({"auth_time": _ago(3600), "iat": _ago(10)}, NOW)
    assert recently_authenticated({"iat": _ago(10)}, NOW)
    assert not recently_authenticated({"iat": _ago(3600)}, NOW)


@pytest.mark.parametrize("bad", [None, "1700000000", True, float("nan"), float("inf"), 10**400])
def test_a_missing_or_malformed_time_is_refused(bad):
    assert authenticated_at({"auth_time": bad}) is None
    assert not recently_authenticated({"auth_time": bad}, NOW)


def test_a_time_far_in_the_future_is_refused():
    assert recently_authenticated({"auth_time": _ago(-30)}, NOW)
    assert not recently_authenticated({"auth_time": _ago(-3600)}, NOW)


def test_the_local_demo_login_has_no_token_and_passes():
    assert recently_authenticated(None, NOW)
