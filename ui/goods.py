"""Goods categories and CN codes as the entry pages show them: code, category in the person's language, and the
description in the person's language (Chinese from core/assistant/cn_zh.json, English from the reference data)."""
from __future__ import annotations

from core.reporting.common import category_key, cn_catalog, cn_label, goods_categories
from ui.state import lang, tr


def category_labels() -> dict[str, str]:
    return {name: tr(category_key(name)) for name in goods_categories()}


def cn_labels(category: str | None = None) -> dict[str, str]:
    """CN code → "7208 39 00 · 钢铁制品 · 热轧…" on the Chinese UI, the English description on the English UI (the
    select box searches these labels)."""
    return {code: cn_label(code, tr(category_key(cat)), desc) for code, cat, desc in cn_catalog(category, lang())}
