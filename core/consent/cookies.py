"""The cookie inventory: every cookie the platform sets in a browser, shown on the policy page in both languages.

The platform privacy policy (§8, Cookies and Tracking) promises essential cookies only, for the session and the
sign-in state, and no advertising or third-party analytics cookies without consent; ePrivacy Directive Art 5(3)
exempts cookies strictly necessary for a service the person asked for. So every entry here is essential and none
needs consent. The names, lifetimes and purposes are Streamlit's own (the app sets no cookie of its own: the
language and the acting organization live in the server-side session state), read from Streamlit 1.67's server
(`streamlit/web/server/starlette/starlette_server_config.py`, `starlette_auth_routes.py`, `starlette_app.py`).
The preference cookie the policy mentions is not set: the language preference is stored on the account instead.
A test (tests/consent/test_cookies.py) checks the names against the installed Streamlit, so an upgrade that
renames or adds one fails until this list is updated."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str        # message key: consent.cookie.<name>.purpose
    essential: bool
    lifetime: str       # message key: consent.lifetime.*
    set_by: str         # message key: consent.set_by.*
    when: str           # message key: consent.cookie_when.*


COOKIES: tuple[Cookie, ...] = (
    # st.login: the signed identity of the person (HttpOnly, SameSite=Lax, Max-Age 30 days; split into numbered
    # chunks when large); removed by st.logout
    Cookie("_streamlit_user", "consent.cookie.user.purpose", True, "consent.lifetime.days_30", "consent.set_by.login",
           "consent.cookie_when.oidc"),
    # st.login: the signed tokens from the identity provider (access and ID token), same flags and lifetime
    Cookie("_streamlit_user_tokens", "consent.cookie.tokens.purpose", True, "consent.lifetime.days_30",
           "consent.set_by.login", "consent.cookie_when.oidc"),
    # the signed session of the sign-in round trip (OAuth state and nonce; Starlette SessionMiddleware, 14 days)
    Cookie("_streamlit_session", "consent.cookie.session.purpose", True, "consent.lifetime.days_14",
           "consent.set_by.streamlit", "consent.cookie_when.oidc"),
    # cross-site request forgery protection (server.enableXsrfProtection, on by default): no Max-Age, so it ends
    # with the browser session
    Cookie("_streamlit_xsrf", "consent.cookie.xsrf.purpose", True, "consent.lifetime.browser_session",
           "consent.set_by.streamlit", "consent.cookie_when.always"),
)


def essential_only() -> bool:
    """The policy's promise, checked: the default inventory holds essential cookies only."""
    return all(c.essential for c in COOKIES)


def inventory(lang: str) -> list[dict[str, str]]:
    """The rows of the cookie table, translated."""
    from core.i18n import t

    return [{t("consent.cookie_col.name", lang): c.name, t("consent.cookie_col.purpose", lang): t(c.purpose, lang),
             t("consent.cookie_col.essential", lang): t("consent.yes" if c.essential else "consent.no", lang),
             t("consent.cookie_col.lifetime", lang): t(c.lifetime, lang),
             t("consent.cookie_col.set_by", lang): t(c.set_by, lang),
             t("consent.cookie_col.when", lang): t(c.when, lang)} for c in COOKIES]
