"""On a real running server, a database error on a page shows a translated message: no traceback, no SQL, no
driver text reaches the browser; the detail is in the server log."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from core.demo import DEMO_USERS
from core.i18n import t

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers

OWNER = DEMO_USERS[0]
LOCALES = {"en": "en-US", "zh": "zh-CN"}


@pytest.fixture
def app(tmp_path, app_servers: AppServers) -> Iterator[AppServer]:
    server = app_servers.start(app_servers.prepare_data_dir(tmp_path / "data", demo=True), tmp_path / "absent.toml")
    yield server
    app_servers.stop(server)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_database_error_shows_a_translated_message_only(open_page: Callable[[str], Page], app: AppServer,
                                                          lang: str) -> None:
    page = open_page(LOCALES[lang])
    page.goto(app.url)
    page.locator('[data-testid="stRadio"]').get_by_text(OWNER.name).click()
    page.get_by_role("button", name=t("login.local_sign_in", lang)).click()
    expect(page.get_by_role("heading", level=1, name=t("home.title", lang), exact=True)).to_be_visible()
    app.wait_idle(page)
    # the database fails under the running app: the table a page reads is gone
    with sqlite3.connect(app.data_dir / "cbam.db") as conn:
        conn.execute("ALTER TABLE installation RENAME TO installation_gone")
    nav = page.locator('[data-testid="stSidebarNav"]').get_by_role("link")
    nav.filter(has_text=re.compile(re.escape(t("page.installations", lang)) + "$")).click()
    message = t("error.database", lang, ref="REF").split("REF")[0]
    # whatever the page ends with: Streamlit's exception box or the translated message
    page.locator('[data-testid="stException"]').or_(page.get_by_text(message[:40])).first.wait_for()
    app.wait_idle(page)
    shown = page.locator('[data-testid="stApp"]').inner_text()
    for leak in ("Traceback", "SELECT", "installation.", "no such table", "OperationalError", "sqlalchemy",
                 "sqlite3", "[SQL", "File \""):
        assert leak not in shown, f"{leak!r} reached the browser:\n{shown}"
    assert not page.locator('[data-testid="stException"]').count()
    expect(page.get_by_text(message[:40])).to_be_visible()
    ref = re.search(r"[0-9a-f]{8}", shown[shown.index(message[:20]):]).group(0)
    log = app.output()
    assert f"reference {ref}" in log and "no such table: installation" in log  # the detail stays server-side
