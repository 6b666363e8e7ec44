"""Sign-in: OIDC providers through st.login when `[auth]` is configured, otherwise the local demo mode."""
from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from core.clock import SystemClock
from core.demo import DEMO_USERS
from core.identity import LOCAL_ISSUER, id_token_expired, resolve_login
from core.settings import get_settings
from db.session import Scope, scoped_session
from ui.state import Acting, acting, set_acting, tr


def oidc_providers() -> list[str]:
    """Provider names configured under [auth.<name>] in secrets.toml; [] when [auth] is absent."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001  (no secrets file at all)
        return []
    if not auth:
        return []
    named = [k for k, v in auth.items() if hasattr(v, "keys")]
    if named:
        return named
    return ["default"] if "client_id" in auth else []


def local_mode_refused() -> str | None:
    """The message key saying why the demo login is refused, or None when it is allowed: never in production
    (whatever the database), and on PostgreSQL only with CBAM_ALLOW_LOCAL_LOGIN (test databases)."""
    s = get_settings()
    if s.environment == "production":
        return "login.local_refused_production"
    if s.is_postgres and not s.allow_local_login:
        return "login.local_refused"
    return None


def _set_person(issuer: str, subject: str, email: str | None, name: str | None,
                email_verified: object = None) -> None:
    with scoped_session(Scope()) as session:
        user = resolve_login(session, issuer=issuer, subject=subject, email=email, name=name, clock=SystemClock(),
                             email_verified=email_verified)
        a = acting()
        keep_org = a.org_id if a and a.user_id == user.id else None
        set_acting(Acting(user.id, issuer, subject, user.email, keep_org, None))
        if user.language and not st.session_state.get("lang_chosen"):
            st.session_state["lang"] = user.language  # saved preference beats the browser locale, not the switch


def _signed_out() -> None:
    for key in ("acting", "local_subject"):
        st.session_state.pop(key, None)


def sign_in_oidc(providers: list[str]) -> bool:
    """True when a person is signed in through OIDC; otherwise draws the sign-in screen."""
    if not st.user.is_logged_in:
        _signed_out()
        st.title(tr("login.title"))
        st.write(tr("login.intro"))
        for name in providers:
            label = tr("login.with_provider", provider=name.capitalize())
            if st.button(label, key=f"login_{name}", icon=":material/login:"):
                st.login(None if name == "default" else name)
        return False
    claims = st.user.to_dict()
    if id_token_expired(claims, datetime.now(UTC)):
        _signed_out()
        st.logout()
        return False
    a = acting()
    if a is None or a.subject != claims.get("sub") or a.issuer != claims.get("iss"):
        _set_person(str(claims.get("iss")), str(claims.get("sub")), claims.get("email"), claims.get("name"),
                    claims.get("email_verified"))
    return True


def sign_in_local() -> bool:
    """The demo mode: pick a demo person. Refused in production, and against PostgreSQL unless
    CBAM_ALLOW_LOCAL_LOGIN=1."""
    refused = local_mode_refused()
    if refused:
        st.error(tr(refused))
        st.stop()
    subject = st.session_state.get("local_subject")
    if subject:
        a = acting()
        if a is None or a.subject != subject:
            demo = next((d for d in DEMO_USERS if d.subject == subject), None)
            if demo is None:
                _signed_out()
                st.rerun()
            _set_person(LOCAL_ISSUER, demo.subject, demo.email, demo.name)
        return True
    st.title(tr("login.title"))  # the demo banner is app.py's, on every screen of the local mode (once)
    labels = {d.subject: f"{d.name} — {tr('role.' + d.role)}" for d in DEMO_USERS}
    choice = st.radio(tr("login.local_choose"), list(labels), format_func=labels.get, key="login_local_choice")
    if st.button(tr("login.local_sign_in"), type="primary", icon=":material/login:"):
        st.session_state["local_subject"] = choice
        st.rerun()
    return False


def sign_out() -> None:
    providers = oidc_providers()
    _signed_out()
    if providers:
        st.logout()
    else:
        st.rerun()


def recent_sign_in() -> bool:
    """True when the signed-in person may export or erase their data now (core/privacy/reauth); otherwise draws
    "sign in again to confirm it is you" with a button that signs out and back in with the same provider."""
    from core.privacy.reauth import recently_authenticated

    a = acting()
    claims = None if a is None or a.issuer == LOCAL_ISSUER else st.user.to_dict()
    if recently_authenticated(claims, datetime.now(UTC)):
        return True
    st.warning(tr("privacy.reauth.needed"))
    providers = oidc_providers() or ["default"]
    if st.button(tr("privacy.reauth.button"), icon=":material/login:", key="reauth_sign_in"):
        # Streamlit keeps the old token until it is logged out; logging in again asks the provider for a fresh one.
        _signed_out()
        st.logout()
        st.login(None if providers[0] == "default" else providers[0])
    return False
