"""In a real browser: the Chinese evidence page's upload box shows no English Streamlit texts, only ours."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from core.i18n import t
from tests.e2e.test_pages_look import nav_link, page_title, sign_in_as_owner

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers) -> Iterator[AppServer]:
    root = tmp_path_factory.mktemp("uploader-app")
    server = app_servers.start(app_servers.prepare_data_dir(root / "data", demo=True), root / "absent-secrets.toml")
    yield server
    app_servers.stop(server)


@pytest.mark.e2e
def test_chinese_evidence_upload_box_has_no_english(open_page: Callable[[str], Page], demo_app) -> None:
    page = open_page("zh-CN")
    sign_in_as_owner(page, demo_app, "zh")
    nav_link(page, "evidence", "zh").click()
    expect(page.get_by_role("heading", level=1, name=page_title("evidence", "zh"), exact=True)).to_be_visible()
    demo_app.wait_idle(page)
    page.get_by_text(t("evidence.upload", "zh")).first.click()
    dropzone = page.locator('[data-testid="stFileUploaderDropzone"]').first
    expect(dropzone).to_be_visible()
    expect(page.get_by_text(t("upload.drop_hint", "zh")).first).to_be_visible()
    shown = page.locator("body").inner_text()  # only what is rendered: display:none text is left out
    for english in ("Drag and drop", "Browse files", "per file"):
        assert english not in shown
    # the hidden button is not needed: a click on the dropzone itself opens the file chooser
    with page.expect_file_chooser(timeout=10_000):
        dropzone.click()
