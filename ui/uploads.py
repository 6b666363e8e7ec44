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


def file_uploader(label: str, *, max_mb: int, type: list[str] | None = None, help: str | None = None,
                  **kwargs: Any) -> Any:
    st.html(_HIDE_ENGLISH)  # style only: Streamlit puts it out of the page flow, it takes no space
    st.caption(upload_hint(lang(), max_mb, type))
    return st.file_uploader(label, type=type, help=help, max_upload_size=max_mb, **kwargs)
