"""The first screen after a server start is the sign-in form alone: no list of page files (Streamlit's legacy
discovery of a pages/ folder), one demo banner; a shared link to a page with filters lands there after sign-in."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from core.i18n import t

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers


@pytest.fixture
def fresh_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers) -> Iterator[AppServer]:
    """A server that has served no request yet."""
    root = tmp_path_factory.mktemp("fresh-app")
    server = app_servers.start(app_servers.prepare_data_dir(root / "data", demo=True), root / "absent-secrets.toml")
    yield server
    app_servers.stop(server)


@pytest.mark.e2e
@pytest.mark.parametrize("locale,lang", [("zh-CN", "zh"), ("en-US", "en")])
def test_the_sign_in_screen_after_a_restart_shows_the_form_only(open_page: Callable[[str], Page],
                                                                fresh_app: AppServer, locale: str, lang: str) -> None:
    page = open_page(locale)
    page.goto(fresh_app.url)
    expect(page.get_by_role("heading", name=t("login.title", lang))).to_be_visible()
    fresh_app.wait_idle(page)
    expect(page.get_by_text(t("login.local_banner", lang))).to_have_count(1)
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    for name in ("app", "home", "audit log", "privacy center", "my data"):  # the raw file names, as listed
        expect(page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True)).to_have_count(0)


@pytest.mark.e2e
def test_a_link_with_filters_lands_on_its_page_after_signing_in(open_page: Callable[[str], Page],
                                                                fresh_app: AppServer) -> None:
    from core.demo import DEMO_USERS

    page = open_page("en-US")
    page.goto(fresh_app.url + "/costs?quarter=2")  # a link a colleague shared, opened in a new tab
    fresh_app.wait_idle(page)
    expect(page.get_by_role("heading", name=t("login.title", "en"))).to_be_visible()
    page.locator('[data-testid="stRadio"]').get_by_text(DEMO_USERS[0].name).click()
    page.get_by_role("button", name=t("login.local_sign_in", "en")).click()
    expect(page.get_by_role("heading", level=1, name=t("page.costs", "en"))).to_be_visible()
    fresh_app.wait_idle(page)
    assert page.url.endswith("/costs?quarter=2")
