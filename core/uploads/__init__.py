"""Texts of the file upload boxes in the person's language (Streamlit's own dropzone texts are English only)."""
from __future__ import annotations

from core.i18n import t


def upload_hint(lang: str, max_mb: int, types: list[str] | None = None) -> str:
    """"Drag files onto the box below or click it to choose them. Up to 50 MB per file · XLSX"."""
    parts = [t("upload.limit", lang, max=max_mb)]
    if types:
        parts.append(" / ".join(x.upper() for x in types))
    return f"{t('upload.drop_hint', lang)} {' · '.join(parts)}"
