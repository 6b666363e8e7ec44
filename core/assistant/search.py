"""Offline search: CN codes from a product description (Chinese or English) and regulation passages.

Chinese text is segmented with `jieba`, then scored with BM25 (Robertson/Spärck Jones, k1 = 1.5, b = 0.75) over the
569 CN codes of Annex I (core/cbam/data/cn_codes.csv) with the team's Chinese descriptions (cn_zh.json, reviewed
customs-tariff wording) and Chinese search words (cn_zh_terms.json, built by scripts/cn_zh_build.py), and over the bundled bilingual regulation passages (regulation.json)."""
from __future__ import annotations

import csv
import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
CN_CSV = HERE.parent / "cbam" / "data" / "cn_codes.csv"

_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
_STOP = {"the", "of", "or", "and", "in", "not", "by", "for", "with", "excl", "other", "than", "a", "an", "to",
         "的", "和", "或", "及", "其他", "是", "什么", "哪个", "多少", "吗", "怎么", "如何", "我", "我们"}


def tokens(text: str) -> list[str]:
    """Words of a text: jieba's segmentation for Chinese (with its single characters as well, so 氢 finds 氢气),
    lower-case words for the rest."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    out: list[str] = []
    for part in _WORD.findall(text.lower()):
        if part[0].isascii():
            out.append(part)
            continue
        words = [w for w in jieba.lcut(part) if w.strip()]
        out += words
        out += [c for w in words if len(w) > 1 for c in w]
    return [w for w in out if w not in _STOP]


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.docs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / max(len(docs), 1)
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b

    def scores(self, query: list[str]) -> list[float]:
        out = []
        for d, length in zip(self.docs, self.lengths, strict=True):
            s = 0.0
            for w in query:
                f = d.get(w, 0)
                if f:
                    s += self.idf[w] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * length / self.avg))
            out.append(s)
        return out

    def top(self, query: list[str], n: int) -> list[tuple[int, float]]:
        ranked = sorted(enumerate(self.scores(query)), key=lambda x: (-x[1], x[0]))
        return [(i, s) for i, s in ranked[:n] if s > 0]


@dataclass(frozen=True, slots=True)
class CnMatch:
    cn_code: str
    category: str
    description_en: str
    description_zh: str
    score: float


@lru_cache(maxsize=1)
def _cn_index() -> tuple[list[dict[str, str]], BM25]:
    zh = json.loads((HERE / "cn_zh.json").read_text(encoding="utf-8"))
    terms = json.loads((HERE / "cn_zh_terms.json").read_text(encoding="utf-8"))
    with open(CN_CSV, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["zh"] = zh.get(r["cn_code"], "")
    # the Chinese counts twice (description and search words): the people asking write Chinese first
    docs = [tokens(f"{r['zh']} {terms.get(r['cn_code'], '')} {r['zh']} {terms.get(r['cn_code'], '')} "
                   f"{r['category']} {r['description']}") for r in rows]
    return rows, BM25(docs)


def cn_search(text: str, n: int = 3) -> list[CnMatch]:
    rows, index = _cn_index()
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4:  # a code or its beginning: the codes under it, in order
        hits = [r for r in rows if r["cn_code"].startswith(digits[:8])]
        if hits:
            return [CnMatch(r["cn_code"], r["category"], r["description"], r["zh"], 1.0) for r in hits[:n]]
    return [CnMatch(rows[i]["cn_code"], rows[i]["category"], rows[i]["description"], rows[i]["zh"], round(s, 3))
            for i, s in index.top(tokens(text), n)]


@dataclass(frozen=True, slots=True)
class Passage:
    id: str
    act: str        # "Reg. (EU) 2023/956"
    article: str    # "Art. 22(2)"
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str
    score: float = 0.0

    @property
    def reference(self) -> str:
        return f"{self.act} {self.article}"


@lru_cache(maxsize=1)
def _passages() -> tuple[list[dict], BM25]:
    items = json.loads((HERE / "regulation.json").read_text(encoding="utf-8"))["passages"]
    docs = [tokens(" ".join([p["title_en"], p["title_zh"], p["text_en"], p["text_zh"], p["title_zh"],
                             " ".join(p.get("keywords", []))])) for p in items]
    return items, BM25(docs)


def passages() -> list[Passage]:
    return [Passage(**{k: v for k, v in p.items() if k != "keywords"}) for p in _passages()[0]]


def regulation_search(text: str, n: int = 3) -> list[Passage]:
    items, index = _passages()
    art = re.search(r"(?:art(?:icle)?\.?\s*|第\s*)(\d+[a-z]?)", text, re.I)
    out = []
    if art:  # an article named in the question comes first
        out = [p for p in items if re.match(rf"Art\. {re.escape(art.group(1))}\b", p["article"])]
    for i, s in index.top(tokens(text), n):
        if items[i] not in out:
            out.append(items[i] | {"score": round(s, 3)})
    return [Passage(**{k: v for k, v in p.items() if k != "keywords"}) for p in out[:n]]
