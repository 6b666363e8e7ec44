"""Chinese text takes full-width punctuation (，：；！？（）) next to Chinese characters: "时间（UTC）", not
"时间(UTC)". `halfwidth_marks` finds the marks that break the rule; `to_fullwidth` rewrites them (used once over the
catalogs by `python -m core.i18n.punctuation --fix`, and by the catalog test to show the expected text)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# CJK ideographs and the full-width marks themselves: a half-width mark touching either is in Chinese text.
_HAN = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u201c\u201d"
_MARKS = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_MARK_NEAR_HAN = re.compile(rf"(?<=[{_HAN}]) *([,:;!?]) *| *([,:;!?]) *(?=[{_HAN}])")
# a mark between a placeholder and Chinese text ("{reason}:" before 中文) counts too
_MARK_AFTER_FIELD = re.compile(rf"(?<=\}}) *([,:;!?]) *(?=[{_HAN}])")
_SPACED_FULLWIDTH = re.compile(r" *([，：；！？（）]) *")
_PARENS = re.compile(r"\(([^()]*)\)")


def _near_han(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" ")
    after = text[end:].lstrip(" ")
    han = re.compile(rf"[{_HAN}]")
    return bool((before and han.match(before[-1])) or (after and han.match(after[0])))


def _fix_parens(text: str) -> str:
    def once(current: str) -> str:
        def repl(m: re.Match) -> str:
            inner = m.group(1)
            if re.search(rf"[{_HAN}]", inner) or _near_han(current, m.start(), m.end()):
                return "（" + inner.strip(" ") + "）"
            return m.group(0)

        return _PARENS.sub(repl, current)

    # nested and chained brackets ("(法规 (EU) 2023/956 附件一)", "第6(1)(b)条") convert until nothing changes
    out = once(text)
    while out != text:
        text, out = out, once(out)
    return out


_QUOTED = re.compile(r"(“[^”]*”)")


def to_fullwidth(text: str) -> str:
    # a quoted span (“名称=数值; 名称=数值”) is text to type or a value shown as it is: left alone
    parts = _QUOTED.split(text)
    if len(parts) > 1:
        return "".join(p if p.startswith("“") else _convert(p) for p in parts)
    return _convert(text)


def _convert(text: str) -> str:
    text = _fix_parens(text)
    text = _MARK_NEAR_HAN.sub(lambda m: _MARKS[m.group(1) or m.group(2)], text)
    text = _MARK_AFTER_FIELD.sub(lambda m: _MARKS[m.group(1)], text)
    # a full-width mark carries its own spacing: no space beside it
    return _SPACED_FULLWIDTH.sub(r"\1", text)


def halfwidth_marks(text: str) -> bool:
    """True when the text has a half-width mark that Chinese typography writes full-width."""
    return to_fullwidth(text) != text


def catalog_files() -> list[Path]:
    from core.i18n import _EXTRA_CATALOGS, _HERE

    return [_HERE / "zh.json", *_EXTRA_CATALOGS]


_LINE = re.compile(r'^(\s*"(?:[^"\\]|\\.)*":\s*)("(?:[^"\\]|\\.)*")(,?\s*)$')


def _fix_file(path: Path) -> int:
    """Rewrite the Chinese strings of one catalog in place, line by line (the files' own layout is kept)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    in_zh = path.name == "zh.json"
    changed = 0
    for i, line in enumerate(lines):
        if re.match(r'^\s*"(en|zh)":\s*\{', line):
            in_zh = line.strip().startswith('"zh"')
            continue
        m = _LINE.match(line)
        if not (in_zh and m):
            continue
        value = json.loads(m.group(2))
        if halfwidth_marks(value):
            lines[i] = m.group(1) + json.dumps(to_fullwidth(value), ensure_ascii=False) + m.group(3)
            changed += 1
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


if __name__ == "__main__":
    if "--fix" in sys.argv:
        for f in catalog_files():
            if n := _fix_file(f):
                print(f"{f}: {n} strings")
    else:
        from core.i18n import catalogs

        for k, v in catalogs()["zh"].items():
            if halfwidth_marks(v):
                print(k, "|", v, "→", to_fullwidth(v))
