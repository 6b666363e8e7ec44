"""Every page for every role in both languages, through AppTest; plus the flows of the foundation."""
from __future__ import annotations

import pytest

from core.access import PAGES, ROLES, pages_for
from core.i18n import t
from tests.app.conftest import APP, open_app, visible_texts

CASES = [(role.value, page) for role in ROLES for page in pages_for(role)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("role,page", CASES)
def test_page_renders_for_role(demo_data, role, page, lang):
    at = open_app(role, lang, page)
    assert not at.exception, [e.value for e in at.exception]
    assert [x.value for x in at.title][0] == t(f"page.{page}" if page != "home" else "home.title", lang)
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("role,page", CASES)
def test_page_has_no_untranslated_text(demo_data, role, page):
    """In the pseudo language every catalog string is wrapped in ⟦…⟧; a bare literal gives itself away."""
    at = open_app(role, "pseudo", page)
    assert not at.exception
    bare = [text for text in visible_texts(at) if "⟦" not in text]
    assert bare == []


@pytest.mark.parametrize("role", [r.value for r in ROLES])
def test_pages_a_role_may_not_use_are_not_registered(demo_data, role):
    at = open_app(role, "en")
    for page in set(PAGES) - set(pages_for(role)):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(APP.replace("app.py", f"views/{page}.py"))


def test_sign_in_screen_offers_every_demo_role(demo_data):
    at = open_app(None, "en")
    assert at.title[0].value == t("login.title", "en")
    assert t("login.local_banner", "en") in [w.value for w in at.warning]
    options = at.radio[0].options
    for role in ("owner", "editor", "viewer", "consultant", "dpo"):
        assert any(t(f"role.{role}", "en") in o for o in options)
