"""What a person was shown when they chose: a notice's version names its label and a digest of its texts, so a
consent record proves which words were on the screen (GDPR Art 7(1): the controller demonstrates consent)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

DIGEST_CHARS = 12  # hex characters of the SHA-256 kept in a record (48 bits: enough to tell versions apart)


def digest(*texts: str) -> str:
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:DIGEST_CHARS]


@dataclass(frozen=True)
class Notice:
    kind: str
    label: str
    text_zh: str
    text_en: str
    summary_zh: str = ""
    summary_en: str = ""
    purposes: tuple[str, ...] = field(default_factory=tuple)
    effective_at: datetime | None = None

    @property
    def notice_version(self) -> str:
        """"<label>#<digest of both texts>": what a consent record stores as the notice shown."""
        return f"{self.label}#{digest(self.text_zh, self.text_en)}"

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_zh

    def summary(self, lang: str) -> str:
        return self.summary_en if lang == "en" else self.summary_zh
