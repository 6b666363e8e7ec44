"""In a real browser: the owner opens Exports on the demo data with its steel period approved, fills the report
details, builds the customer data pack (progress shown) and downloads it; the zip's manifest hashes hold."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from core.i18n import t
from core.identity import LOCAL_ISSUER
from core.reporting import list_periods
from db.models import Organization, User
from db.session import Scope, make_engine, scoped_session
from tests.e2e.test_pages_look import full_page_screenshot, nav_link, sign_in_as_owner
from tests.factories import context, sign_off

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServers

FILL = {"declarant_city": "Duisburg", "installation_city": "Fuzhou", "signatory_name": "Jonas Weber",
        "signatory_position": "CBAM officer", "signature_place": "Duisburg"}


@pytest.fixture(scope="module")
def approved_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers) -> Iterator[tuple]:
    root = tmp_path_factory.mktemp("exports-app")
    data_dir = app_servers.prepare_data_dir(root / "data", demo=True)
    engine = make_engine(f"sqlite:///{data_dir / 'cbam.db'}")
    with scoped_session(Scope(), engine) as s:
        owner = s.exec(select(User).where(User.issuer == LOCAL_ISSUER, User.subject == "demo-owner")).one()
        editor = s.exec(select(User).where(User.issuer == LOCAL_ISSUER, User.subject == "demo-editor")).one()
        org = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one()
        s.expunge(owner)
        s.expunge(editor)
    with context(engine, owner, org.id) as ctx:
        period = list_periods(ctx)[0]
    # four-eyes approval: the editor submits, the owner approves
    approved = sign_off(engine, org.id, period.id, submitter=editor, approver=owner)
    engine.dispose()
    server = app_servers.start(data_dir, root / "absent-secrets.toml")
    yield server, approved.snapshot_hash
    app_servers.stop(server)


@pytest.mark.e2e
def test_owner_builds_and_downloads_a_data_pack(open_page: Callable[[str], Page], approved_app,
                                                screenshots_dir: Path, tmp_path: Path) -> None:
    app, snapshot = approved_app
    page = open_page("en-US")
    sign_in_as_owner(page, app, "en")
    nav_link(page, "exports", "en").click()
    expect(page.get_by_role("heading", level=1, name=t("page.exports", "en"))).to_be_visible()
    expect(page.get_by_text(snapshot)).to_be_visible()
    # the registry details stored with the demo data are prefilled: the XML is ready without typing anything
    expect(page.get_by_role("button", name=t("exports.xml_download", "en", quarter=1))).to_be_visible()
    page.get_by_text(t("exports.details", "en")).click()
    expect(page.get_by_label(t("exports.installation_city", "en"))).to_have_value("Fuzhou")
    for field, value in FILL.items():
        box = page.get_by_label(t(f"exports.{field}", "en"))
        box.fill(value)
        box.press("Enter")
        app.wait_idle(page)
    expect(page.get_by_role("button", name=t("exports.xml_download", "en", quarter=1))).to_be_visible()
    page.get_by_role("button", name=t("exports.pack_build", "en")).click()
    download_button = page.get_by_role("button", name=t("exports.pack_download", "en"))
    expect(download_button).to_be_visible()
    app.wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    full_page_screenshot(app, page, screenshots_dir / "en-exports-pack.png")
    with page.expect_download() as info:
        download_button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    z = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    manifest = json.loads(z.read("manifest.json"))
    assert manifest["snapshot"]["sha256"] == snapshot
    for entry in manifest["files"]:
        assert hashlib.sha256(z.read(entry["name"])).hexdigest() == entry["sha256"]
