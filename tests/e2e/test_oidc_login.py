"""Sign-in through `st.login` against a real OpenID Connect provider on 127.0.0.1, in headless Chromium:
first login creates the person and asks for onboarding; an expired ID token signs the person out."""
from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from core.i18n import t
from core.settings import Settings
from tests.support.oidc_provider import OidcProvider, TestUser

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers

PROVIDER = "testidp"  # the [auth.<name>] section; the button reads "Sign in with Testidp"
POLICY_VERSION = Settings().privacy_policy_version  # the app's default (CBAM_PRIVACY_POLICY_VERSION unset)


@pytest.fixture(scope="module")
def idp() -> Iterator[OidcProvider]:
    with OidcProvider(client_id="cbam-e2e", client_secret=secrets.token_urlsafe(24),
                      user=TestUser("placeholder", "placeholder@example.test", "Placeholder")) as provider:
        yield provider


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers,
             idp: OidcProvider) -> Iterator[AppServer]:
    """The app with [auth] pointing at the local provider. The secrets file lives in a temp dir, never in the
    repository's .streamlit/."""
    root = tmp_path_factory.mktemp("oidc-app")
    port = app_servers.free_port()
    secrets_file = root / "secrets.toml"
    secrets_file.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"

[auth.{PROVIDER}]
client_id = "{idp.client_id}"
client_secret = "{idp.client_secret}"
server_metadata_url = "{idp.discovery_url}"
""", encoding="utf-8")
    server = app_servers.start(app_servers.prepare_data_dir(root / "data", demo=False), secrets_file, port)
    yield server
    app_servers.stop(server)


def sign_in_with_provider(page: Page, app: AppServer) -> None:
    page.goto(app.url)
    expect(page.get_by_role("heading", name=t("login.title", "en"))).to_be_visible()
    # st.login → /auth/login → provider /authorize → /oauth2callback → the app, signed in
    page.get_by_role("button", name=t("login.with_provider", "en", provider=PROVIDER.capitalize())).click()
    expect(page.get_by_role("heading", level=1, name=t("onboarding.title", "en"))).to_be_visible()
    app.wait_idle(page)


def db_rows(app: AppServer, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(app.data_dir / "cbam.db") as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.e2e
def test_first_login_creates_the_person_and_records_onboarding(
        open_page: Callable[[str], Page], oidc_app: AppServer, idp: OidcProvider) -> None:
    idp.user = TestUser("e2e-subject-1", "ann.first@example.test", "Ann First")
    idp.id_token_lifetime = 300
    page = open_page("en-US")
    sign_in_with_provider(page, oidc_app)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(
        t("sidebar.signed_in_as", "en", name="Ann First"))).to_be_visible()
    asked = idp.authorizations[-1]  # Streamlit sent a nonce and a PKCE S256 challenge, and the provider checked them
    assert asked["code_challenge_method"] == "S256" and asked["code_challenge"] and asked["nonce"]
    assert idp.issued[-1]["nonce"] == asked["nonce"]

    page.get_by_text(t("onboarding.adult", "en")).click()
    page.get_by_text(t("onboarding.accept", "en", version=POLICY_VERSION)).click()
    expect(page.get_by_role("checkbox", name=t("onboarding.adult", "en"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=t("onboarding.accept", "en", version=POLICY_VERSION))).to_be_checked()
    page.get_by_role("button", name=t("onboarding.continue", "en")).click()
    expect(page.get_by_role("heading", level=1, name=t("home.title", "en"), exact=True)).to_be_visible()
    oidc_app.wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    users = db_rows(oidc_app, "SELECT id, email, name, adult_confirmed_at FROM app_user WHERE issuer = ? AND subject = ?",
                    idp.issuer, "e2e-subject-1")
    assert len(users) == 1, users
    user_id, email, name, adult_confirmed_at = users[0]
    assert (email, name) == ("ann.first@example.test", "Ann First")
    assert adult_confirmed_at is not None
    consents = db_rows(oidc_app, "SELECT kind, policy_version, age_confirmed FROM consent_record WHERE user_id = ?",
                       user_id)
    assert consents == [("privacy_policy", POLICY_VERSION, 1)]


@pytest.mark.e2e
def test_expired_id_token_signs_the_person_out(
        open_page: Callable[[str], Page], oidc_app: AppServer, idp: OidcProvider) -> None:
    idp.user = TestUser("e2e-subject-2", "bo.short@example.test", "Bo Short")
    idp.id_token_lifetime = 6  # seconds: long enough to see the signed-in page first on a slow machine
    page = open_page("en-US")
    sign_in_with_provider(page, oidc_app)
    exp = idp.issued[-1]["exp"]
    assert idp.issued[-1]["sub"] == "e2e-subject-2"
    assert time.time() < exp, "the ID token expired before the signed-in page showed; raise the lifetime"

    page.reload()  # a fresh session before expiry: still signed in (the cookie carries the claims)
    expect(page.get_by_role("heading", level=1, name=t("onboarding.title", "en"))).to_be_visible()
    oidc_app.wait_idle(page)

    time.sleep(max(0.0, exp - time.time()) + 0.5)  # only as long as the token has left
    page.reload()
    expect(page.get_by_role("heading", name=t("login.title", "en"))).to_be_visible()
    expect(page.get_by_role("button", name=t("login.with_provider", "en", provider="Testidp"))).to_be_visible()
    oidc_app.wait_idle(page)
    # st.logout went through /auth/logout, which deleted the identity cookie: signed out for good
    assert not [c["name"] for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    page.reload()
    expect(page.get_by_role("heading", name=t("login.title", "en"))).to_be_visible()
