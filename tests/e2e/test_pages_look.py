"""Every page of the local demo mode opens in English and in Chinese without an exception, and leaves a
full-page screenshot in $CBAM_SCREENSHOTS for a human to look at."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from core.access import Role, pages_for
from core.demo import DEMO_USERS
from core.i18n import t

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers

PAGES = pages_for(Role.OWNER)  # what an owner sees, in navigation order
BROWSER_LOCALES = {"en": "en-US", "zh": "zh-CN"}
OWNER = DEMO_USERS[0]


@pytest.fixture(scope="module")
def local_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers) -> Iterator[AppServer]:
    """The app in local demo mode (the secrets file does not exist) over a seeded database."""
    root = tmp_path_factory.mktemp("local-app")
    server = app_servers.start(app_servers.prepare_data_dir(root / "data", demo=True), root / "absent-secrets.toml")
    yield server
    app_servers.stop(server)


def nav_texts(lang: str) -> list[re.Pattern[str]]:
    """The sidebar links' texts; each starts with its Material icon's ligature name (e.g. "homeHome")."""
    return [re.compile(re.escape(t(f"page.{name}", lang)) + "$") for name in PAGES]


def nav_link(page: Page, name: str, lang: str) -> Locator:
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link")
    return link.filter(has_text=re.compile(re.escape(t(f"page.{name}", lang)) + "$"))


def page_title(name: str, lang: str) -> str:
    return t("home.title" if name == "home" else f"page.{name}", lang)


def sign_in_as_owner(page: Page, app: AppServer, lang: str) -> None:
    page.goto(app.url)
    expect(page.get_by_role("heading", name=t("login.title", lang))).to_be_visible()
    expect(page.get_by_text(t("login.local_banner", lang)).first).to_be_visible()
    page.locator('[data-testid="stRadio"]').get_by_text(OWNER.name).click()
    page.get_by_role("button", name=t("login.local_sign_in", lang)).click()
    expect(page.get_by_role("heading", level=1, name=page_title("home", lang), exact=True)).to_be_visible()
    app.wait_idle(page)


def full_page_screenshot(app: AppServer, page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main section, not the document: grow the viewport to the content first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    width = page.viewport_size["width"] if page.viewport_size else 1280
    page.set_viewport_size({"width": width, "height": max(800, min(int(height) + 40, 6000))})
    app.wait_idle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_opens_without_error(open_page: Callable[[str], Page], local_app: AppServer,
                                        screenshots_dir: Path, lang: str) -> None:
    page = open_page(BROWSER_LOCALES[lang])
    sign_in_as_owner(page, local_app, lang)  # the browser locale alone picks the language
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_role("link")).to_have_text(nav_texts(lang))
    for number, name in enumerate(PAGES, start=1):
        nav_link(page, name, lang).click()
        expect(page.get_by_role("heading", level=1, name=page_title(name, lang), exact=True)).to_be_visible()
        local_app.wait_idle(page)
        expect(page).to_have_url(local_app.url + ("/" if name == "home" else f"/{name}"))
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        full_page_screenshot(local_app, page, screenshots_dir / f"{lang}-{number:02d}-{name}.png")


@pytest.mark.e2e
def test_sidebar_language_control_switches_the_ui(open_page: Callable[[str], Page], local_app: AppServer) -> None:
    page = open_page("en-US")
    sign_in_as_owner(page, local_app, "en")
    control = page.locator('[data-testid="stSidebar"]').locator('[data-testid="stButtonGroup"]')
    control.get_by_role("radio", name="中文").click()
    expect(page.get_by_role("heading", level=1, name=page_title("home", "zh"), exact=True)).to_be_visible()
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_role("link")).to_have_text(nav_texts("zh"))
    # the choice sticks across pages of the same session
    nav_link(page, "members", "zh").click()
    expect(page.get_by_role("heading", level=1, name=page_title("members", "zh"), exact=True)).to_be_visible()
    control.get_by_role("radio", name="English").click()
    expect(page.get_by_role("heading", level=1, name=page_title("members", "en"), exact=True)).to_be_visible()
    local_app.wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
