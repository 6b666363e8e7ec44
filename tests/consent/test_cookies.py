"""The cookie inventory names exactly the cookies the installed Streamlit sets, all essential (policy §8)."""
from __future__ import annotations

from starlette.middleware.sessions import SessionMiddleware
from streamlit.web.server.starlette import starlette_server_config as server

from core.consent.cookies import COOKIES, essential_only, inventory


def test_the_inventory_is_streamlits_cookies():
    names = {value for name, value in vars(server).items() if name.endswith("COOKIE_NAME")}
    assert {c.name for c in COOKIES} == names
    assert server.AUTH_COOKIE_MAX_AGE_SECONDS == 30 * 24 * 3600  # "30 days" in the inventory


def test_the_session_cookie_lifetime_is_starlettes_default():
    import inspect

    assert inspect.signature(SessionMiddleware).parameters["max_age"].default == 14 * 24 * 3600


def test_essential_cookies_only_and_both_languages():
    assert essential_only()
    en, zh = inventory("en"), inventory("zh")
    assert len(en) == len(zh) == len(COOKIES)
    assert en[0]["Essential"] == "Yes" and zh[0]["必要"] == "是"
    assert all("consent." not in v for row in en + zh for v in row.values())  # every key translated
