"""AppTest fixtures: a seeded demo database shared by the read-only page tests, a fresh one for flows."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from core.demo import seed_demo
from core.i18n import t
from core.settings import get_settings
from db.migrate import upgrade
from db.session import get_engine, make_engine

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SUBJECTS = {"owner": "demo-owner", "editor": "demo-editor", "viewer": "demo-viewer",
            "consultant": "demo-consultant", "dpo": "demo-dpo"}


class _ServerLikePagesManager(PagesManager):
    """AppTest resets Streamlit's legacy `pages/` detection before every run, so from the second run on it
    executes page files without app.py. A running server does this only until the first st.navigation call
    (which switches the detection off for the process); this makes AppTest behave like that server."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _server_like_navigation(monkeypatch):
    monkeypatch.setattr(app_test_module, "PagesManager", _ServerLikePagesManager)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("seeded")
    url = f"sqlite:///{path / 'cbam.db'}"
    upgrade(url)
    seed_demo(make_engine(url), policy_version="1.0")
    return path


@pytest.fixture
def demo_data(seeded_template, tmp_path, monkeypatch):
    """A private copy of the seeded database for one test."""
    target = tmp_path / "demo"
    shutil.copytree(seeded_template, target)
    monkeypatch.setenv("CBAM_DATA_DIR", str(target))
    get_settings.cache_clear()
    get_engine.cache_clear()
    return target


def open_app(role: str | None, lang: str = "en", page: str | None = None) -> AppTest:
    """Run app.py signed in as the demo person of `role`, then open `page` through the navigation."""
    at = AppTest.from_file(APP, default_timeout=60)
    if role:
        at.session_state["local_subject"] = SUBJECTS[role]
    at.session_state["lang"] = lang
    at.session_state["lang_chosen"] = True  # as if chosen in the sidebar: beats the demo person's preference
    at.run()
    if page:
        at.switch_page(str(Path(APP).parent / "views" / f"{page}.py"))
        at.run()
    return at


def open_tab(at: AppTest, key: str, label_key: str, lang: str = "en") -> AppTest:
    """Choose a tab of a lazy `st.tabs` (ui/dashboards.py `chart_tabs`): only that tab's content runs."""
    at.session_state[key] = t(label_key, lang)
    return at.run()


def visible_texts(at: AppTest) -> list[str]:
    """Every text a person reads on the page, apart from tables of their own data."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        texts += [e.value for e in getattr(at, kind)]
    for kind in ("button", "text_input", "text_area", "selectbox", "checkbox", "toggle", "number_input",
                 "date_input", "radio", "form_submit_button" if hasattr(at, "form_submit_button") else "button"):
        texts += [e.label for e in getattr(at, kind)]
    texts += [e.label for e in at.expander] if hasattr(at, "expander") else []
    return [t for t in texts if t]
