"""Every page for every role, in Chinese and in English, at 1440×900 in Chromium (issue 12):
- a full-page screenshot of each in $CBAM_SCREENSHOTS for a person to look at;
- on the Chinese UI, no English text of the interface: no phrase of the English catalog (two words or more, not
  also in a Chinese text, e.g. a unit) and none of Streamlit's own English widget texts;
- no table cut at the right: the main area never scrolls sideways, and no table reaches past it (wide data tables
  scroll inside their own frame).
Organization data (names, addresses) may be in any language: only interface texts are checked."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from core.access import pages_for
from core.demo import DEMO_USERS
from core.i18n import catalogs, t

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers

ROLES = ("owner", "editor", "viewer", "consultant", "dpo")
LOCALES = {"zh": "zh-CN", "en": "en-US"}
# Streamlit's own texts in English, which would show through an untranslated widget
STREAMLIT_EN = ("Browse files", "Drag and drop file here", "Limit 200MB per file", "Press Enter to apply",
                "Choose an option", "No results", "Press Enter to submit form", "Upload", "None")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*(?: [A-Za-z][A-Za-z'’-]*)+")


def english_phrases() -> set[str]:
    """Runs of two or more English words from the English catalog that no Chinese text contains."""
    cats = catalogs()
    zh_text = "\n".join(cats["zh"].values())
    phrases = set()
    for value in cats["en"].values():
        for part in _PLACEHOLDER.split(value):
            for run in _WORDS.findall(part):
                if len(run) >= 8 and run not in zh_text:
                    phrases.add(run)
    return phrases


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers) -> Iterator[AppServer]:
    root = tmp_path_factory.mktemp("every-screen")
    server = app_servers.start(app_servers.prepare_data_dir(root / "data", demo=True), root / "absent-secrets.toml")
    yield server
    app_servers.stop(server)


@pytest.fixture
def wide_page(browser: Browser) -> Iterator:
    contexts = []

    def _open(locale: str) -> Page:
        ctx = browser.new_context(locale=locale, viewport={"width": 1440, "height": 900})
        ctx.set_default_timeout(20_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _open
    for ctx in contexts:
        ctx.close()


def _title(name: str, lang: str) -> str:
    return t("home.title" if name == "home" else f"page.{name}", lang)


def _sign_in(page: Page, app: AppServer, role: str, lang: str) -> None:
    demo = next(d for d in DEMO_USERS if d.role == role)
    page.goto(app.url)
    expect(page.get_by_role("heading", name=t("login.title", lang))).to_be_visible()
    page.locator('[data-testid="stRadio"]').get_by_text(demo.name).click()
    page.get_by_role("button", name=t("login.local_sign_in", lang)).click()
    expect(page.get_by_role("heading", level=1, name=_title("home", lang), exact=True)).to_be_visible()
    app.wait_idle(page)


def _open(page: Page, app: AppServer, name: str, lang: str) -> None:
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link").filter(
        has_text=re.compile(re.escape(t(f"page.{name}", lang)) + "$"))
    link.click()
    expect(page.get_by_role("heading", level=1, name=_title(name, lang), exact=True)).to_be_visible()
    app.wait_idle(page)


_CUT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const right = main.getBoundingClientRect().right + 1;
  const cut = [];
  if (main.scrollWidth > main.clientWidth + 1) cut.push('main scrolls sideways');
  for (const el of document.querySelectorAll('[data-testid="stTable"], [data-testid="stMarkdownContainer"] table,'
                                            + ' [data-testid="stDataFrame"]')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > right) cut.push(el.getAttribute('data-testid') || 'table');
  }
  return cut;
}"""


def _check(page: Page, lang: str, phrases: set[str]) -> list[str]:
    problems = [f"cut: {c}" for c in page.evaluate(_CUT)]
    if page.locator('[data-testid="stException"]').count():
        problems.append("exception")
    if lang == "zh":
        text = page.locator('[data-testid="stMain"]').inner_text() + "\n" + \
            page.locator('[data-testid="stSidebar"]').inner_text()
        lines = text.splitlines()
        for phrase in sorted(phrases):
            if phrase in text:
                problems.append(f"English: {phrase!r}")
        problems += [f"Streamlit English: {w!r}" for w in STREAMLIT_EN if w in lines]
    return problems


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_reads_whole_in_its_language(wide_page, demo_app: AppServer, screenshots_dir: Path,
                                                            role: str, lang: str) -> None:
    phrases = english_phrases()
    page = wide_page(LOCALES[lang])
    _sign_in(page, demo_app, role, lang)
    found: dict[str, list[str]] = {}
    for number, name in enumerate(pages_for(role), start=1):
        if name != "home":
            _open(page, demo_app, name, lang)
        if problems := _check(page, lang, phrases):
            found[name] = problems
        height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": 1440, "height": max(900, min(int(height) + 40, 6000))})
        demo_app.wait_idle(page)
        page.screenshot(path=str(screenshots_dir / f"{role}-{lang}-{number:02d}-{name}.png"), full_page=True)
        page.set_viewport_size({"width": 1440, "height": 900})
    assert found == {}
