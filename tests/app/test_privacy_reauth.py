"""My data and rights asks a person signed in with OIDC to sign in again before an export when their last sign-in
is older than 15 minutes, and lets a fresh sign-in through."""
from __future__ import annotations

import time
from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.models import User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import APP

ISSUER = "https://accounts.example.com"

AUTH = {"google": {"client_id": "x", "client_secret": "y",
                   "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"},
        "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "z"}


def _open(auth_time: float) -> AppTest:
    # The demo editor (consented, a member) as if their account had come from an OIDC provider.
    with scoped_session(Scope(), get_engine()) as s:
        editor = s.exec(select(User).where(User.subject == "demo-editor")).one()
        editor.issuer = ISSUER
        s.add(editor)
        email = editor.email
    now = time.time()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": ISSUER, "sub": "demo-editor",
               "email": email, "email_verified": True, "name": "Editor",
               "exp": now + 3600, "iat": now - 5, "auth_time": auth_time}
    at.session_state["lang"] = "en"
    at.session_state["lang_chosen"] = True
    at.run()
    at.switch_page(str(Path(APP).parent / "views" / "my_data.py"))
    at.run()
    return at


def test_an_old_sign_in_must_sign_in_again_before_an_export(demo_data):
    at = _open(time.time() - 3600)  # signed in an hour ago; the token was refreshed (iat) just now
    assert not at.exception
    at.button(key="my_data_export").click().run()
    assert not at.exception
    assert any("Sign in again to confirm it is you" in w.value for w in at.warning)
    assert not any("ready" in s.value for s in at.success)
    assert "reauth_sign_in" in [b.key for b in at.button]


def test_a_fresh_sign_in_exports(demo_data):
    at = _open(time.time() - 60)
    assert not at.exception
    at.button(key="my_data_export").click().run()
    assert not at.exception
    assert not any("Sign in again" in w.value for w in at.warning)
    assert any("ready" in s.value for s in at.success)
