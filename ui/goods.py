"""Goods categories and CN codes as the entry pages show them: code, category in the person's language, and the
English description (the reference data has no Chinese CN descriptions; the category's name is translated)."""
from __future__ import annotations

from core.reporting.common import category_key, cn_catalog, goods_categories
from ui.state import tr


def category_labels() -> dict[str, str]:
    return {name: tr(category_key(name)) for name in goods_categories()}


def cn_labels(category: str | None = None) -> dict[str, str]:
    """CN code → "7208 39 00 · 钢铁制品 · Flat-rolled products …" (searchable by either language)."""
    return {code: f"{code[:4]} {code[4:6]} {code[6:]} · {tr(category_key(cat))} · {desc}"
            for code, cat, desc in cn_catalog(category)}
