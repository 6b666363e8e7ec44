"""End-to-end fixtures: the real app under `streamlit run` on a free port, with its own data directory and its
own secrets file, and headless Debian Chromium driven by Playwright.

Environment:
- CBAM_CHROMIUM: the browser binary (default /usr/bin/chromium, from `apt-get install chromium`).
- CBAM_SCREENSHOTS: where page screenshots go (default a pytest temporary directory).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

PROJECT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CBAM_CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium needs these in a container (see DESIGN.md, Known pitfalls).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
STARTUP_TIMEOUT_S = 60
UI_TIMEOUT_MS = 20_000  # one Streamlit rerun on 2 cores takes well under a second; this bounds a hung one

_SERVERS = pytest.StashKey["AppServers"]()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the app and the CLI run with: only our data directory, never a real database unless a test
    names one in `extra` (e.g. DATABASE_URL of a test PostgreSQL database)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "MIGRATION_DATABASE_URL", "CBAM_ALLOW_LOCAL_LOGIN", "CBAM_ENV")}
    env.update(CBAM_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **(extra or {}))
    return env


def prepare_data_dir(data_dir: Path, *, demo: bool) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    commands = [["db", "upgrade"]] + ([["demo", "seed"]] if demo else [])
    for args in commands:
        done = subprocess.run([str(VENV_BIN / "cbam"), *args], cwd=PROJECT, env=app_env(data_dir),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"cbam {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return data_dir


class AppServer:
    """`streamlit run app.py` in a subprocess; its output goes to a file so a full pipe never blocks it."""

    def __init__(self, data_dir: Path, secrets_file: Path, log_file: Path, port: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_file = log_file
        # An explicit secrets list: a developer's .streamlit/secrets.toml or ~/.streamlit/secrets.toml never
        # leaks into a test. A missing file is simply no secrets (local demo mode).
        cmd = [str(VENV_BIN / "streamlit"), "run", "app.py", "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--secrets.files", str(secrets_file)]
        self._log = log_file.open("w")
        self.process = subprocess.Popen(cmd, cwd=PROJECT, env=app_env(data_dir, env), stdout=self._log,
                                        stderr=subprocess.STDOUT)

    def output(self) -> str:
        self._log.flush()
        return self.log_file.read_text(errors="replace")

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"streamlit not healthy after {STARTUP_TIMEOUT_S} s:\n{self.output()}")

    @staticmethod
    def wait_idle(page: Page) -> None:
        """Wait until Streamlit has finished the current script run and the browser has drawn every element. Call it
        once the content an action leads to is visible: right after a click the state may still read "notRunning"
        from the previous run."""
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=UI_TIMEOUT_MS)
        # and until every element is drawn: an element whose code the browser is still fetching (a table, a text box,
        # the first time in a browser) is a grey placeholder, and a check or screenshot would see half a page
        page.wait_for_selector('[data-testid="stSkeleton"]', state="detached", timeout=UI_TIMEOUT_MS)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


class AppServers:
    """Starts and stops app servers; the report hook reads `running` to show their output on a failure."""

    def __init__(self) -> None:
        self.running: list[AppServer] = []

    prepare_data_dir = staticmethod(prepare_data_dir)
    free_port = staticmethod(free_port)  # for a secrets file that must name the app's port before it starts

    def start(self, data_dir: Path, secrets_file: Path, port: int | None = None,
              env: dict[str, str] | None = None) -> AppServer:
        server = AppServer(data_dir, secrets_file, data_dir.parent / f"streamlit-{data_dir.name}.log", port, env)
        self.running.append(server)
        try:
            server.wait_healthy()
        except Exception:
            self.stop(server)
            raise
        return server

    def stop(self, server: AppServer) -> None:
        server.stop()
        self.running.remove(server)


@pytest.fixture(scope="session")
def app_servers(request: pytest.FixtureRequest) -> Iterator[AppServers]:
    servers = AppServers()
    request.config.stash[_SERVERS] = servers
    yield servers
    for server in list(servers.running):
        servers.stop(server)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failing test, attach the output of every app server still running (module-scoped ones included)."""
    report = yield
    servers = item.config.stash.get(_SERVERS, None)
    if report.failed and servers is not None:
        for server in servers.running:
            report.sections.append((f"streamlit output ({server.url})", server.output()))
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        expect.set_options(timeout=UI_TIMEOUT_MS)
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install -y chromium (or set CBAM_CHROMIUM)"
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """`open_page("zh-CN")`: a page in a fresh browser context (own cookies) with that browser locale."""
    contexts: list[BrowserContext] = []

    def _open(locale: str) -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(UI_TIMEOUT_MS)  # every click and fill as bounded as every expect
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(os.environ.get("CBAM_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path
