"""English and Chinese texts of the engine's message keys (`messages.json`); the app merges them into its catalogs."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    return json.loads((Path(__file__).parent / "messages.json").read_text(encoding="utf-8"))


def render(key: str, params: dict[str, Any] | None = None, lang: str = "en") -> str:
    """The text of a key with its `{param}` placeholders filled; the key itself if it has no text."""
    text = catalog().get(lang, {}).get(key, key)
    try:
        return text.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return text
