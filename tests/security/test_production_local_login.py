"""Production never offers the local demo login, whatever the database (SQLite included)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import t
from core.settings import get_settings
from db.migrate import upgrade
from db.session import get_engine

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def production_on_sqlite(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    upgrade(url)
    monkeypatch.setenv("CBAM_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CBAM_AUDIT_KEY", "k" * 64)  # production needs its audit key; this test is about login
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("chosen", [None, "demo-owner"])
def test_production_refuses_the_demo_login_on_sqlite(production_on_sqlite, lang, chosen):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if chosen:  # a session that had picked a demo person before: still refused
        at.session_state["local_subject"] = chosen
    at.run()
    assert not at.exception
    assert t("login.local_refused_production", lang) in [e.value for e in at.error]
    assert not at.radio and not at.button  # no demo person to pick, nothing to sign in with
    assert t("login.local_banner", lang) not in [w.value for w in at.warning]
    assert "acting" not in at.session_state
