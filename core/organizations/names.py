"""An organization's name in the reader's language: the Chinese name on the Chinese UI, the English one on the
English UI, the other one when only one is filled in."""
from __future__ import annotations


def organization_name(org, lang: str) -> str:
    first, second = (org.name_zh, org.name_en) if lang == "zh" else (org.name_en, org.name_zh)
    return first or second or ""
