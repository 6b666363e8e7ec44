"""The Exports page says what the registry XML is for: the transitional quarterly report (up to Q4 2025), and,
for a period in the definitive period (the demo's 2026), that the registry takes no quarterly report for it."""
from __future__ import annotations

import pytest

from core.i18n import t
from tests.app.conftest import open_app
from tests.app.test_exports_page import approved_demo  # noqa: F401  (fixture)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_xml_export_is_labelled_by_what_it_is_for(approved_demo, lang):  # noqa: F811
    assert approved_demo.year == 2026
    at = open_app("owner", lang, "exports")
    assert not at.exception, [e.value for e in at.exception]
    assert any(t("exports.xml_header", lang) in m.value for m in at.markdown)
    assert t("exports.xml_purpose", lang) in [c.value for c in at.caption]
    assert t("exports.xml_definitive_year", lang, year=2026) in [w.value for w in at.warning]
    assert "QReport" in t("exports.xml_header", lang) and "2025" in t("exports.xml_purpose", lang)
