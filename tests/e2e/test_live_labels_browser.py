"""In a real browser: right after the owner submits the period, the period picker shows the new status (the browser
keeps a select box's label until it is sent a new one)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from core.i18n import t
from tests.e2e.test_pages_look import nav_link, sign_in_as_owner

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers) -> Iterator[AppServer]:
    root = tmp_path_factory.mktemp("labels-app")
    data_dir = app_servers.prepare_data_dir(root / "data", demo=True)
    server = app_servers.start(data_dir, root / "absent-secrets.toml")
    yield server
    app_servers.stop(server)


@pytest.mark.e2e
def test_period_picker_shows_the_status_right_after_submit(open_page: Callable[[str], Page], demo_app) -> None:
    page = open_page("en-US")
    sign_in_as_owner(page, demo_app, "en")
    demo_app.wait_idle(page)  # a click on a select box that is being redrawn opens nothing
    org = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=t("sidebar.organization", "en"))
    if "Demo Steel" not in (org.input_value() if org.count() else ""):
        option = page.get_by_role("option").filter(has_text="Demo Steel").first
        for _ in range(3):  # on a loaded machine the first click can land before the list is ready
            org.click()
            try:
                option.wait_for(timeout=5_000)
                break
            except Exception:  # noqa: BLE001 - Playwright's TimeoutError: close and open the list again
                page.keyboard.press("Escape")
        option.click()
        expect(org).to_have_value(re.compile("Demo Steel"))
        demo_app.wait_idle(page)
    nav_link(page, "reporting", "en").click()
    expect(page.get_by_role("heading", level=1, name=t("page.reporting", "en"))).to_be_visible()
    # the select box shows its chosen option's label as the value of its combobox input
    picker = page.get_by_role("combobox", name=t("reporting.period", "en"))
    expect(picker).to_have_value(re.compile(t("reporting.status.draft", "en")))
    page.get_by_role("button", name=t("reporting.submit", "en")).click()
    expect(page.get_by_role("button", name=t("reporting.approve", "en"))).to_be_visible()
    demo_app.wait_idle(page)
    expect(picker).to_have_value(re.compile(t("reporting.status.submitted", "en")))
