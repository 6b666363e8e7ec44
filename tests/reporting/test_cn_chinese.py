"""CN codes carry a Chinese description on the Chinese UI, and code search finds a code by Chinese words."""
import re

from core.i18n import t
from core.reporting.common import category_key, cn_catalog, cn_label, find_cn, reference

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_cbam_cn_code_has_a_chinese_description():
    rows = cn_catalog(lang="zh")
    assert {code for code, _, _ in rows} == set(reference().cn_categories)
    missing = [code for code, _, desc in rows if not HAN.search(desc or "")]
    assert not missing


def _labels(lang: str) -> dict[str, str]:
    return {code: cn_label(code, t(category_key(cat), lang), desc) for code, cat, desc in cn_catalog(lang=lang)}


def test_chinese_label_of_hot_rolled_steel_is_chinese_and_english_stays_english():
    zh, en = _labels("zh"), _labels("en")
    assert zh["72083900"].startswith("7208 39 00 · ")
    assert "热轧" in zh["72083900"]
    assert not HAN.search(en["72083900"])


def test_search_finds_a_code_by_chinese_words_on_either_ui():
    assert "72083900" in find_cn("热轧", _labels("zh"))
    assert "72083900" in find_cn("热轧 钢板", _labels("en"))
    assert "72083900" in find_cn("7208 39", _labels("en"))
    assert find_cn("不存在的货物", _labels("zh")) == []
