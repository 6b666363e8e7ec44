"""Every CN code carries a Chinese description in customs-tariff wording, translated from its official English text
(core/assistant/cn_zh.json), and the Chinese search finds codes by those words and by the search terms."""
import csv
import json
import re
from pathlib import Path

import pytest

from core.i18n import t
from core.i18n.punctuation import to_fullwidth
from core.reporting.common import category_key, cn_catalog, cn_descriptions_zh, cn_label, find_cn

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")


def _english() -> dict[str, str]:
    with open(ROOT / "core/cbam/data/cn_codes.csv", encoding="utf-8") as f:
        return {row["cn_code"]: row["description"] for row in csv.DictReader(f)}


def _own_text(english: str) -> str:
    """The English text without what the code excludes ("(excl. …)", "(other than …)")."""
    return re.sub(r"\((?:excl|other than)[^()]*(?:\([^()]*\)[^()]*)*\)?", " ", english).lower()


def test_every_cn_code_has_a_description_that_is_a_sentence_not_a_keyword_list():
    zh = json.loads((ROOT / "core/assistant/cn_zh.json").read_text(encoding="utf-8"))
    english = _english()
    assert len(english) == 569
    assert set(zh) == set(english)
    for code, text in zh.items():
        assert HAN.search(text), code
        # a keyword list reads "铁及非合金钢 平板轧材 宽度≥600毫米 热轧 钢板": no run of 4+ space-separated tokens
        assert not re.search(r"\S+ \S+ \S+ \S+", text), (code, text)
        # translated: no English words left (type letters such as U型钢 and the unit 兆帕 aside)
        assert not re.search(r"[A-Za-z]{2,}", text), (code, text)


def test_chinese_punctuation_is_full_width_between_chinese_characters():
    for code, text in cn_descriptions_zh().items():
        assert to_fullwidth(text) == text, (code, text)
        assert not re.search(r"[(),;:]", text), (code, text)


# (code, terms its description must hold): the customs terms Chinese exporters use for what the English says
SPOT = [
    ("72083900", ["铁或非合金钢", "平板轧材", "宽度≥600毫米", "卷材", "仅经热轧", "厚度<3毫米", "未经酸洗"]),
    ("72085120", ["非卷材", "热轧", "厚度>15毫米"]),
    ("72091500", ["冷轧（冷压）", "卷材", "厚度≥3毫米"]),
    ("72092500", ["冷轧（冷压）", "非卷材"]),
    ("72103000", ["宽度≥600毫米", "电镀锌"]),
    ("72104900", ["镀或涂锌", "非瓦楞形"]),
    ("72101220", ["镀锡板（马口铁）", "厚度<0.5毫米"]),
    ("72111400", ["宽度<600毫米", "热轧", "宽扁钢"]),
    ("72193410", ["不锈钢", "冷轧", "按重量计含镍量≥2.5%"]),
    ("72254060", ["其他合金钢", "非卷材", "厚度≥4.75毫米但≤10毫米"]),
    ("72139110", ["条、杆", "不规则盘绕", "混凝土钢筋用", "直径<14毫米"]),
    ("72171010", ["铁或非合金钢丝", "按重量计含碳量<0.25%"]),
    ("72163110", ["U型钢", "高度≥80毫米但≤220毫米"]),
    ("73041100", ["石油或天然气管道用管线管", "无缝", "不锈钢"]),
    ("76011010", ["未锻轧", "非合金铝", "扁锭"]),
    ("76012080", ["未锻轧铝合金"]),
    ("76071111", ["铝箔", "厚度<0.021毫米"]),
    ("72021120", ["锰铁", "含碳量>2%"]),
    ("72024110", ["铬铁"]),
    ("72026000", ["镍铁"]),
    ("31021010", ["尿素", "含氮量>45%"]),
    ("31022100", ["硫酸铵"]),
    ("31023090", ["硝酸铵"]),
    ("31053000", ["磷酸氢二铵（磷酸二铵）"]),
    ("25231000", ["水泥熟料"]),
    ("25232100", ["白色硅酸盐水泥"]),
    ("25233000", ["铝酸盐水泥"]),
    ("28041000", ["氢"]),
    ("27160000", ["电力"]),
]


@pytest.mark.parametrize("code,terms", SPOT, ids=[code for code, _ in SPOT])
def test_spot_checks_against_the_customs_terms(code, terms):
    text = cn_descriptions_zh()[code]
    for term in terms:
        assert term in text, (code, term, text)


# English term in a code's own text (its exclusions aside) → what its Chinese description must then say
FAITHFUL = [
    (r"hot-rolled", "热轧"),
    (r"cold-rolled", "冷轧"),
    (r"(?<!not )in coils", "卷材"),
    (r"not in coils", "非卷材"),
    (r"zinc", "锌"),
    (r"tinned|tinplate", "镀锡"),
    (r"stainless", "不锈钢"),
    (r"unwrought", "未锻轧"),
    (r"seamless", "无缝"),
    (r"width of >= 600 mm", "宽度≥600毫米"),
    (r"width of < 600 mm", "宽度<600毫米"),
    (r"ferro-manganese", "锰铁"),
    (r"ferro-chromium", "铬铁"),
    (r"\burea\b", "尿素"),
    (r"cement clinker", "水泥熟料"),
    (r"(?<!stranded )wire\b", "丝"),
    (r"\bforged\b", "锻"),
]


def test_every_description_carries_the_conditions_its_english_states():
    zh = cn_descriptions_zh()
    wrong = [(code, term) for code, english in _english().items() for pattern, term in FAITHFUL
             if re.search(pattern, _own_text(english)) and term not in zh[code]]
    assert not wrong


def _labels(lang: str) -> dict[str, str]:
    return {code: cn_label(code, t(category_key(cat), lang), desc) for code, cat, desc in cn_catalog(lang=lang)}


def test_the_label_shows_the_description_and_search_also_finds_the_search_terms():
    labels = _labels("zh")
    assert labels["76011010"].endswith("未锻轧非合金铝扁锭")
    # the description says 镀或涂锌; the search terms say 镀锌, which is what people type
    assert "镀锌" not in cn_descriptions_zh()["72172010"]
    assert "72172010" in find_cn("镀锌 钢丝", labels)
    assert "72104900" in find_cn("镀或涂锌 非瓦楞形", labels)
    found = find_cn("未锻轧 铝合金", labels)
    assert found and all(code.startswith("7601") for code in found)
    assert set(find_cn("冷轧 非卷材 电工钢", labels)) >= {"72092610", "72092710", "72092810"}


def test_the_assistant_search_finds_codes_by_the_chinese_descriptions():
    from core.assistant.search import cn_search

    top = cn_search("未锻轧铝", n=3)
    assert top and all(m.cn_code.startswith("7601") for m in top)
    assert top[0].description_zh == cn_descriptions_zh()[top[0].cn_code]
    assert {"31021010", "31021090"} <= {m.cn_code for m in cn_search("尿素", n=3)}
