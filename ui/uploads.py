"""A file uploader whose texts are all in the person's language: Streamlit's dropzone says "Drag and drop file
here", "Limit 200MB per file" and "Browse files" in English whatever the locale, so those are hidden (a constant
style rule; the whole dropzone stays clickable and accepts drops) and a translated caption says the same."""
from __future__ import annotations

from typing import Any

import streamlit as st

from core.uploads import upload_hint
from ui.state import lang

# A constant: never put user text or catalog text into this string (it is rendered as HTML).
_HIDE_ENGLISH = """<style>
[data-testid="stFileUploaderDropzoneInstructions"],
[data-testid="stFileUploaderDropzone"] button { display: none !important; }
[data-testid="stFileUploaderDropzone"] { min-height: 3.5rem; cursor: pointer; }
</style>"""


def hide_streamlit_english() -> None:
    """The style rule, once per run from app.py before any page renders: it is then already in the page when an
    uploader appears, so Streamlit's English never shows, not even for the moment a page takes to render."""
    st.html(_HIDE_ENGLISH)


def file_uploader(label: str, *, max_mb: int, type: list[str] | None = None, help: str | None = None,
                  **kwargs: Any) -> Any:
    st.html(_HIDE_ENGLISH)  # again for a page run on its own (tests); style only, out of the page flow
    st.caption(upload_hint(lang(), max_mb, type))
    return st.file_uploader(label, type=type, help=help, max_upload_size=max_mb, **kwargs)
