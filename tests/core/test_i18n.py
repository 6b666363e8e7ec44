"""The Chinese and English catalogs stay in step, and every key the code uses exists."""
import re
import string
from pathlib import Path

import pytest

from core.i18n import LANGUAGES, catalogs, language_from_locale, t

ROOT = Path(__file__).resolve().parents[2]


def test_catalogs_have_the_same_keys():
    cats = catalogs()
    en, zh = set(cats["en"]), set(cats["zh"])
    # English singular forms (`key.one`, "1 change") have no Chinese twin: Chinese has no grammatical number
    singular = {k for k in en if k.endswith(".one")}
    assert sorted(k for k in singular if k.removesuffix(".one") not in en or k.removesuffix(".one") not in zh) == []
    assert sorted(en - zh - singular) == [], "missing in Chinese"
    assert sorted(zh - en) == [], "missing in English"


def test_no_catalog_overrides_another():
    """Each capability's messages.json adds keys; none may silently replace a key defined elsewhere."""
    import json

    from core.i18n import _EXTRA_CATALOGS, _HERE

    seen: dict[str, str] = {}
    clashes = []
    sources = [(_HERE / "en.json", json.loads((_HERE / "en.json").read_text(encoding="utf-8")))]
    sources += [(p, json.loads(p.read_text(encoding="utf-8")).get("en", {})) for p in _EXTRA_CATALOGS]
    for path, cat in sources:
        for key in cat:
            if key in seen:
                clashes.append((key, seen[key], path.name))
            seen[key] = str(path)
    assert clashes == []


def test_placeholders_match_between_languages():
    cats = catalogs()
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    mismatched = [k for k in cats["en"]
                  if not k.endswith(".one") and fields(cats["en"][k]) != fields(cats["zh"].get(k, ""))]
    assert mismatched == []
    # a singular form names no field its plural lacks
    assert [k for k in cats["en"] if k.endswith(".one")
            and not fields(cats["en"][k]) <= fields(cats["en"][k.removesuffix(".one")])] == []


@pytest.mark.parametrize("key", ["entry.saved_rows", "exports.requests_overdue", "approval.error_blocking_submit",
                                 "audit.verify_ok", "evidence.pack_download", "data_import.no_problems"])
def test_counts_read_right_in_both_languages(key):
    params = {"count": 1, "files": 1, "changes": 1, "checked": 1, "rules": "DQ23", "quarter": 1}
    one = t(key, "en", **params)
    assert "(s)" not in one and not re.search(r"\b1 \w+s\b", one), one
    many = t(key, "en", **{k: (3 if isinstance(v, int) else v) for k, v in params.items()})
    assert "(s)" not in many and many != one
    assert t(key, "zh", **params) != one  # Chinese keeps its one form


def test_no_english_message_hedges_its_number():
    assert [k for k, v in catalogs()["en"].items() if "(s)" in v] == []


def test_no_empty_or_untranslated_chinese():
    cats = catalogs()
    empty = [k for lang in LANGUAGES for k, v in cats[lang].items() if not v.strip()]
    assert empty == []
    # a Chinese text identical to the English one is a forgotten translation (names and codes excepted)
    same = [k for k, v in cats["zh"].items() if v == cats["en"][k] and re.search(r"[a-z]{4,}", v)]
    assert same == []


def test_every_literal_key_used_in_code_exists():
    used = set()
    for folder in ("app.py", "views", "ui", "core"):
        for path in ([ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py")):
            if "access" in path.parts:
                continue  # permission names (e.g. "audit.view") are identifiers, not messages
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"\btr\(\s*\"([a-z_]+(?:\.[a-z_0-9]+)+)\"", text))
            used |= set(re.findall(r"\"((?:validation|error|members|installations|onboarding|home|audit)"
                                   r"\.[a-z_]+(?:\.[a-z_]+)*)\"", text))
    missing = sorted(k for k in used if k not in catalogs()["en"])
    assert missing == []


def test_browser_locale_picks_language():
    assert language_from_locale("zh-CN") == "zh"
    assert language_from_locale("zh-Hant-TW") == "zh"
    assert language_from_locale("en-GB") == "en"
    assert language_from_locale("de-DE") == "en"
    assert language_from_locale(None) == "zh"


def test_pseudo_language_marks_translated_text():
    assert t("common.save", "pseudo") == "⟦Save⟧"
    assert t("members.invited", "en", email="a@b.c") == "a@b.c has been invited."


def test_every_audited_action_and_entity_has_a_label():
    actions, entities = set(), set()
    for path in (ROOT / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        actions |= set(re.findall(r"action=\"([a-z_]+\.[a-z_]+)\"", text))
        entities |= set(re.findall(r"entity=\"([a-z_]+)\"", text))
    from sqlmodel import SQLModel

    import db.models  # noqa: F401

    # versioned_update/insert audit a row under its class name in lower case
    entities |= {m.class_.__name__.lower() for m in SQLModel._sa_registry.mappers
                 if m.class_.__name__ not in ("AuditEvent", "ConsentRecord")}  # those two name themselves
    en = catalogs()["en"]
    assert sorted(a for a in actions if f"audit.event.{a}" not in en) == []
    assert sorted(e for e in entities if f"entity.{e}" not in en) == []


def test_chinese_text_uses_fullwidth_punctuation():
    """Between Chinese characters the catalogs write ，：；！？（） — "时间（UTC）", never "时间(UTC)"."""
    from core.i18n.punctuation import halfwidth_marks, to_fullwidth

    wrong = {k: (v, to_fullwidth(v)) for k, v in catalogs()["zh"].items() if halfwidth_marks(v)}
    assert not wrong, "\n".join(f"{k}: {v} → {fixed}" for k, (v, fixed) in list(wrong.items())[:20])


@pytest.mark.parametrize(("text", "expected"), [
    ("时间(UTC)", "时间（UTC）"),
    ("您的角色只能查看,不能修改。", "您的角色只能查看，不能修改。"),
    ("断裂:{reason}(已校验 {checked} 条)。", "断裂：{reason}（已校验 {checked} 条）。"),
    ("CBAM 货物(法规 (EU) 2023/956 附件一)。", "CBAM 货物（法规（EU）2023/956 附件一）。"),
    ("格式为“名称=数值; 名称=数值”。", "格式为“名称=数值; 名称=数值”。"),  # text to type stays as typed
    ("https://example.eu/a:b, 10:00 UTC", "https://example.eu/a:b, 10:00 UTC"),  # no Chinese beside them
])
def test_fullwidth_rewrite(text, expected):
    from core.i18n.punctuation import to_fullwidth

    assert to_fullwidth(text) == expected
