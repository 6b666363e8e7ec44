"""Translation: Chinese and English catalogs kept in step (a test fails on a missing key).

`pseudo` is a test language: every string comes back wrapped in ⟦…⟧, so a test can find page text that did not
go through the catalogs.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
PSEUDO = "pseudo"
_HERE = Path(__file__).resolve().parent
# Other capabilities keep their messages next to their code, as {"en": {...}, "zh": {...}}: every
# `messages.json` in a package under core/ (one or two levels down) joins the catalogs.
_CORE = _HERE.parent
_EXTRA_CATALOGS = tuple(sorted([*_CORE.glob("*/messages.json"), *_CORE.glob("*/*/messages.json")]))


@lru_cache(maxsize=1)
def catalogs() -> dict[str, dict[str, str]]:
    cats = {lang: json.loads((_HERE / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES}
    for extra in _EXTRA_CATALOGS:
        if extra.exists():
            data = json.loads(extra.read_text(encoding="utf-8"))
            for lang in LANGUAGES:
                cats[lang].update(data.get(lang, {}))
    return cats


class Term(str):
    """A message parameter that is itself a catalog key (`entity.productionprocess`): translated into the language
    of the message it fills, so a service can name a thing without knowing the reader's language."""

    __slots__ = ()


# The parameters a count may come in, in the order a message's grammatical number follows them.
PLURAL_PARAMS = ("count", "files", "changes", "checked", "total")


def _singular_key(key: str, params: dict) -> str:
    """`key.one` when the message counts exactly one thing ("1 change", not "1 changes"). Chinese has no plural
    forms, so only the English catalog has `.one` variants; a language without one falls back to `key`."""
    for name in PLURAL_PARAMS:
        if name in params:
            value = params[name]
            return key + ".one" if isinstance(value, int) and not isinstance(value, bool) and value == 1 else key
    return key


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    if lang == PSEUDO:
        return "⟦" + t(key, "en", **params) + "⟧"
    cat = catalogs().get(lang) or catalogs()[DEFAULT_LANGUAGE]
    if params and (one := _singular_key(key, params)) != key and one in cat:
        key = one
    text = cat.get(key)
    if text is None:
        text = catalogs()["en"].get(key, key)
    if params:
        params = {k: t(v, lang) if isinstance(v, Term) else v for k, v in params.items()}
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def language_from_locale(locale: str | None) -> str:
    """The browser's locale → a catalog language (Chinese for zh-*, English otherwise)."""
    if not locale:
        return DEFAULT_LANGUAGE
    return "zh" if locale.lower().startswith("zh") else "en"


def problem_list(errors: dict[str, tuple[str, dict]], lang: str) -> str:
    """Field errors (`{field: (key, params)}`) as one sentence: "Comment: Required." (a field's name when the
    catalogs have `field.<name>`, else the message alone)."""
    parts = []
    for field, (key, params) in errors.items():
        message = t(key, lang, **params)
        label = f"field.{field}"
        known = label in catalogs().get(lang if lang in LANGUAGES else "en", {})
        parts.append(t("form.problem", lang, field=t(label, lang), message=message) if known else message)
    return " ".join(parts)


def error_text(error, lang: str) -> str:
    """A DomainError (or its key and params) in the user's language. Field errors are spelled out: nothing on the
    screen is highlighted unless a form draws them next to their fields (ui/forms.py)."""
    errors = getattr(error, "errors", None)
    if isinstance(errors, dict) and errors:
        return t("form.not_saved", lang, problems=problem_list(errors, lang))
    return t(error.key, lang, **error.params)
