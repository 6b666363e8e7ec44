"""The acting organization's name in the sidebar follows the UI language."""
from __future__ import annotations

import pytest

from core.i18n import t
from tests.app.conftest import open_app

NAMES = {"zh": "示例钢铁有限公司", "en": "Demo Steel Co., Ltd."}  # the demo seed's first organization


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_single_organization_is_named_in_the_ui_language(demo_data, lang):
    at = open_app("viewer", lang)  # the demo viewer belongs to Demo Steel only
    assert not at.exception
    captions = [c.value for c in at.sidebar.caption]
    assert t("sidebar.organization_named", lang, name=NAMES[lang]) in captions
    other = NAMES["en" if lang == "zh" else "zh"]
    assert not any(other in c for c in captions)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_organization_chooser_names_organizations_in_the_ui_language(demo_data, lang):
    at = open_app("owner", lang)  # the demo owner has two organizations
    chooser = at.sidebar.selectbox(key="sidebar_org")
    assert NAMES[lang] in chooser.options
