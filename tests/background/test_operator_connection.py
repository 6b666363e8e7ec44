"""The owner connection must see every organization. Given a role that row-level security binds (the app role
`cbam_app`, no BYPASSRLS), operator work found nothing and said it succeeded: an export of nobody's data, an
erasure that erased nothing. It is refused instead, naming the role: in the privacy commands (exit 2) and on a page
that opens the operator session (a translated error, no exception). The scheduled commands:
test_background_lock.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import t
from core.settings import get_settings
from db.rls import APP_ROLE
from db.session import get_engine, row_security_role

ROOT = Path(__file__).resolve().parents[2]


def test_the_roles_are_told_apart(pg_database, sqlite_engine):
    assert row_security_role(pg_database.app_url) == APP_ROLE
    assert row_security_role(pg_database.admin_url) is None  # the owner (here a superuser)
    assert row_security_role(sqlite_engine.url.render_as_string(hide_password=False)) is None


def test_privacy_commands_refuse_a_bound_owner_connection(pg_database, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), CBAM_DATA_DIR=str(tmp_path / "data"),
               DATABASE_URL=pg_database.app_url, MIGRATION_DATABASE_URL=pg_database.app_url)
    for args in (["privacy", "export", "someone@example.com", "--as", "dpo@example.com", "-o",
                  str(tmp_path / "out.zip")],
                 ["privacy", "erase", "someone@example.com", "--as", "dpo@example.com"],
                 ["privacy", "replay-erasures"]):
        done = subprocess.run([sys.executable, "-m", "cli.main", *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        error = json.loads(done.stderr.strip().splitlines()[-1])["error"]
        assert error["key"] == "operator.error.rls_bound" and APP_ROLE in error["message"], error
    assert not (tmp_path / "out.zip").exists()


def _page() -> None:
    import streamlit as st

    from core.privacy.subject import operator_session
    from ui.errors import database_errors

    with database_errors():
        with operator_session():
            pass
        st.write("operator session opened")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_page_shows_the_refusal_in_the_persons_language(pg_database, monkeypatch, lang):
    monkeypatch.setenv("DATABASE_URL", pg_database.app_url)
    monkeypatch.setenv("MIGRATION_DATABASE_URL", pg_database.app_url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    row_security_role.cache_clear()
    try:
        at = AppTest.from_function(_page, default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == [t("operator.error.rls_bound", lang, role=APP_ROLE)]
        assert not at.markdown or "operator session opened" not in [m.value for m in at.markdown]
    finally:
        get_settings.cache_clear()
        get_engine.cache_clear()
        row_security_role.cache_clear()
