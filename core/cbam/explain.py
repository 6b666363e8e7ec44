"""Explanations: every number the engine returns carries the terms that produced it.

A `Term` is one line of "why this number": a translatable label, the value, its unit, the formula (with the
numbers filled in) and where the value came from. Pages render them; the assistant quotes them verbatim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(slots=True)
class Term:
    label_key: str  # message key in core/cbam/messages.json
    value: float
    unit: str
    formula: str = ""
    source: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"label_key": self.label_key, "value": self.value, "unit": self.unit, "formula": self.formula,
                "source": self.source}


def fmt(x: float) -> str:
    """A number as shown inside a formula string: short, but never rounded to a misleading value."""
    return f"{x:.10g}"


def terms_to_list(terms: list[Term] | tuple[Term, ...]) -> list[dict[str, object]]:
    return [t.to_dict() for t in terms]


# -- sources as a person reads them ---------------------------------------------------------------------------------
_ENTERED = "scenario"  # a value entered on the period's pages (or in the scenario file)
_INTERNAL = re.compile(r"\s*[,;]?\s*\(?\s*(?:via\s+)?domain ref(?:erence)?\s*§[^;)]*\)?")
_EN = ((re.compile(r"\bscenario parameters\.\w+"), "given with the period's data"),
       (re.compile(r"\bGWPs (\w+_\w+)"), r"global warming potentials (template sheet \1)"),
       (re.compile(r"\bImpl\. Reg\."), "Implementing Regulation"), (re.compile(r"\bReg\."), "Regulation"),
       (re.compile(r"\bArt\."), "Article"), (re.compile(r"\bEqs\."), "Equations"),
       (re.compile(r"\bEq\."), "Equation"), (re.compile(r"\bUNVERIFIED\b"), "not yet verified"),
       (re.compile(r"\b(?:Communication )?template v?2\.1\.1,? (?:sheet )?([A-Z]\w*_\w+)"),
        r"the Commission's communication template v2.1.1, sheet \1"))
_ZH = ((re.compile(r"\bscenario parameters\.\w+"), "随本期数据给定"),
       (re.compile(r"\bGWPs (\w+_\w+)"), r"全球变暖潜能值（通报模板 \1 表）"),
       (re.compile(r"\bColumn ([AB]), benchmarks version (\S+)"), r"\1 栏，基准值版本 \2"),
       (re.compile(r"\bpurchased \(default, (\w+)\)"), r"外购前体（默认值，\1）"),
       (re.compile(r"\bpurchased \(actual, (\w+)\)"), r"外购前体（实际值，\1）"),
       (re.compile(r"\bprocess\b"), "工序"),
       (re.compile(r"\bas replaced by (.+)$"), r"（由 \1 替代）"), (re.compile(r"\bas inserted by (.+)$"), r"（由 \1 增补）"),
       (re.compile(r", default values version (\S+)"), r"，默认值版本 \1"),
       (re.compile(r"\bImpl\. Reg\. \(EU\) ?"), "实施条例（EU）"), (re.compile(r"\bReg\. \(EU\) ?"), "条例（EU）"),
       (re.compile(r"\bDirective "), "指令 "), (re.compile(r"\bArt\. ([0-9a-z()]+)"), r"第 \1 条"),
       (re.compile(r"\bAnnex\b"), "附件"), (re.compile(r"\bpoints? ([0-9–-]+)"), r"第 \1 点"),
       (re.compile(r"\bEqs?\. ([0-9–-]+)"), r"公式 \1"), (re.compile(r" and "), " 及 "),
       (re.compile(r"\bUNVERIFIED\b"), "尚未核实"),
       (re.compile(r"\b(?:Communication )?template v?2\.1\.1,? (?:sheet )?([A-Z]\w*_\w+)"),
        r"欧盟委员会通报模板 v2.1.1（\1 表）"),
       (re.compile(r"; "), "；"))


def readable_source(source: str | None, lang: str) -> str:
    """Where a value comes from, as a person reads it: the act's name in words ("Implementing Regulation (EU)
    2025/2547, Annex III" / "实施条例（EU）2025/2547 附件 III"), never an internal reference or "scenario"."""
    from core.i18n import t

    if not source:
        return ""
    if source == _ENTERED:
        return t("cbam.source.entered", lang)
    text = _INTERNAL.sub("", source).strip(" ,;")
    for pattern, words in (_ZH if lang == "zh" else _EN):
        text = pattern.sub(words, text)
    return text
