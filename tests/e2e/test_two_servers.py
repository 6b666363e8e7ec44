"""Two app servers on one PostgreSQL database, as behind a load balancer on two machines: the owner edits the
organization through server A, a colleague reading through server B sees the change, and a stale save through B is
refused (the version check lives in the database, not in one server's memory). Each server has its own data
directory, so nothing but the database is shared.

The demo login is allowed on this test database with CBAM_ALLOW_LOCAL_LOGIN=1 (never in production)."""
from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from core.demo import DEMO_USERS
from core.i18n import t
from tests.conftest import PgDatabase, cluster_lock
from tests.e2e.conftest import PROJECT, VENV_BIN, app_env

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers

NEW_ADDRESS = "福建省福州市鼓楼区两台服务器路2号"


def _cbam(data_dir, env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(VENV_BIN / "cbam"), *args], cwd=PROJECT, env=app_env(data_dir, env),
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"cbam {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def two_servers(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers,
                pg_database: PgDatabase) -> Iterator[tuple[AppServer, AppServer]]:
    env = {"DATABASE_URL": pg_database.app_url, "MIGRATION_DATABASE_URL": pg_database.admin_url,
           "CBAM_ALLOW_LOCAL_LOGIN": "1"}
    root = tmp_path_factory.mktemp("two-servers")
    seed_dir = root / "seed"
    seed_dir.mkdir()
    with cluster_lock():  # the app role is cluster-wide: one migration at a time on the shared server
        _cbam(seed_dir, env, "db", "upgrade")
    _cbam(seed_dir, env, "demo", "seed")
    servers = []
    for name in ("a", "b"):
        data_dir = root / name
        data_dir.mkdir()
        servers.append(app_servers.start(data_dir, root / "absent-secrets.toml", env=env))
    yield servers[0], servers[1]
    for server in servers:
        app_servers.stop(server)


def _sign_in(page: Page, app: AppServer, role: str, lang: str) -> None:
    demo = next(d for d in DEMO_USERS if d.role == role)
    page.goto(app.url)
    expect(page.get_by_role("heading", name=t("login.title", lang))).to_be_visible()
    app.wait_idle(page)
    page.locator('[data-testid="stRadio"]').get_by_text(demo.name).click()
    page.get_by_role("button", name=t("login.local_sign_in", lang)).click()
    expect(page.get_by_role("heading", level=1, name=t("home.title", lang), exact=True)).to_be_visible()
    app.wait_idle(page)


def _open_organization(page: Page, app: AppServer, lang: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link").filter(
        has_text=t("page.organization", lang)).click()
    expect(page.get_by_role("heading", level=1, name=t("page.organization", lang), exact=True)).to_be_visible()
    app.wait_idle(page)
    expect(page.get_by_label(t("org.name_en", lang))).to_have_value("Demo Steel Co., Ltd.")


def _reload_in_place(page: Page, app: AppServer, label: str) -> None:
    """Reload the record and read the new address in the same text box: the form is updated where it stands. Had
    it moved (a message above it coming or going), Streamlit would draw a second form and show both, the old one
    with the replaced values, until the run ends: a reader could copy the old address from it."""
    page.get_by_label(label).evaluate("box => { box.dataset.beforeReload = 'yes' }")
    page.get_by_role("button", name=t("common.reload", "en")).click()
    expect(page.locator('textarea[data-before-reload="yes"]')).to_have_value(NEW_ADDRESS)
    app.wait_idle(page)
    expect(page.get_by_label(label)).to_have_count(1)


@pytest.mark.e2e
@pytest.mark.postgres
def test_an_edit_through_one_server_is_seen_through_the_other(open_page: Callable[[str], Page],
                                                              two_servers: tuple[AppServer, AppServer]) -> None:
    a, b = two_servers
    address_zh, address_en = t("org.address", "zh"), t("org.address", "en")

    # server B: the viewer opens the organization before the change
    reader = open_page("en-US")
    _sign_in(reader, b, "viewer", "en")
    _open_organization(reader, b, "en")
    expect(reader.get_by_label(address_en)).not_to_have_value("")  # the demo organization has one; wait for it
    old_address = reader.get_by_label(address_en).input_value()
    assert old_address and old_address != NEW_ADDRESS

    # server B: the owner too, in another browser, with the organization loaded before the change
    stale = open_page("en-US")
    _sign_in(stale, b, "owner", "en")
    _open_organization(stale, b, "en")
    expect(stale.get_by_label(address_en)).to_have_value(old_address)

    # server A: the owner, in Chinese, changes the address
    writer = open_page("zh-CN")
    _sign_in(writer, a, "owner", "zh")
    _open_organization(writer, a, "zh")
    writer.get_by_label(address_zh).fill(NEW_ADDRESS)
    writer.get_by_role("button", name=t("common.save", "zh"), exact=True).click()
    expect(writer.get_by_text(t("common.saved", "zh"))).to_be_visible()
    a.wait_idle(writer)

    # server B: the viewer reloads the record and reads the new address
    _reload_in_place(reader, b, address_en)

    # server B: the owner's form still holds the old version; saving it would overwrite A's change, and is refused
    stale.get_by_label(t("org.signature_place", "en")).fill("Xiamen")
    stale.get_by_role("button", name=t("common.save", "en"), exact=True).click()
    expect(stale.get_by_text(re.compile(r"was changed by .*Wang Li.* while you were editing"))).to_be_visible()
    expect(stale.get_by_text(t("common.saved", "en"))).to_have_count(0)
    b.wait_idle(stale)
    _reload_in_place(stale, b, address_en)  # the refusal above the form goes: the form must not move and redraw
    expect(stale.get_by_label(t("org.signature_place", "en"))).not_to_have_value("Xiamen")
