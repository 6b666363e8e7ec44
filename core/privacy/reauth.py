"""Re-authentication before a self-service export or erasure (privacy.md §3.1): a download of all of a person's
data, or the erasure of their account, must be done by that person and not by whoever finds an unlocked session.
When the person signed in with OpenID Connect, the ID token says when they last authenticated; we accept the
request only when that was recent. The local demo login carries no token: it is accepted as is (it is refused in
production anyway, see ui/auth.local_mode_refused)."""
from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

# How recent the last sign-in must be for an export or erasure. 15 minutes follows OWASP ASVS 4.0 V3.7.1
# ("re-authentication before sensitive transactions") as set by the platform for privacy actions; long enough to
# finish the action after signing in again, short enough that an abandoned session does not qualify.
REAUTH_MAX_AGE_SECONDS = 15 * 60

# A provider's clock may run a little ahead of ours; a sign-in time slightly in the future is still a sign-in.
CLOCK_SKEW_SECONDS = 60


def _numeric_date(value: object) -> float | None:
    """An RFC 7519 §2 NumericDate (JSON number of seconds since the epoch), or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        ts = float(value)
    except OverflowError:
        return None
    return ts if math.isfinite(ts) else None


def authenticated_at(claims: Mapping[str, object]) -> float | None:
    """When the person last authenticated: `auth_time` (OpenID Connect Core 1.0 §2), else `iat` (when the token was
    issued, which is no earlier than the sign-in), else None."""
    auth_time = _numeric_date(claims.get("auth_time"))
    return auth_time if auth_time is not None else _numeric_date(claims.get("iat"))


def recently_authenticated(claims: Mapping[str, object] | None, now: datetime) -> bool:
    """True when the person may export or erase now. `claims` is None for the local demo login (no token)."""
    if claims is None:
        return True
    at = authenticated_at(claims)
    if at is None:
        return False
    age = now.astimezone(UTC).timestamp() - at
    return -CLOCK_SKEW_SECONDS <= age <= REAUTH_MAX_AGE_SECONDS
