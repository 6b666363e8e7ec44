"""The offline assistant (the default, and CI): a question is matched to an intent, the intent's tools run, and the
answer is templated text over their results. It says plainly that it is the offline assistant. A question with
Chinese characters gets a Chinese answer.

Every number it writes is a tool number written as the tool holds it (`num`), so its answers pass the grounding
guard by construction; the tests check that on every verified question in both languages."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core.assistant.tools import ToolResult
from core.i18n import t

_CJK = re.compile(r"[\u4e00-\u9fff]")


def language_of(text: str) -> str:
    return "zh" if _CJK.search(text or "") else "en"


@dataclass(frozen=True, slots=True)
class Verified:
    id: str
    intent: str

    @property
    def key(self) -> str:
        return f"assistant.q.{self.id}"

    def text(self, lang: str) -> str:
        return t(self.key, lang)

    @property
    def en(self) -> str:
        return self.text("en")

    @property
    def zh(self) -> str:
        return self.text("zh")


# The catalogue of verified questions (texts in messages.json as assistant.q.<id>): each is answered from the tools,
# in both languages (tests/assistant).
VERIFIED: tuple[Verified, ...] = (
    Verified("see", "see"),
    Verified("cost", "cost"),
    Verified("findings", "findings"),
    Verified("default", "default"),
    Verified("supplier", "supplier"),
    Verified("cn", "cn"),
    Verified("deminimis", "regulation"),
    Verified("deadline", "regulation"),
)


# intent → the words that signal it (checked in this order: the first match wins). Latin words are bounded by
# letters, not by \b: in 我的SEE是 a Chinese character counts as a word character.
_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("supplier", re.compile(r"supplier|供应商|e-?mail|邮件", re.I)),
    ("cn", re.compile(r"(?<![a-z])(cn|hs)(?![a-z])|cn ?code|编码|税号|税则|商品编号|归类|classif", re.I)),
    ("regulation", re.compile(r"(?<![a-z])art(icle)?(?![a-z])|regulation|法规|条例|第\s*\d+\s*条|规定|de minimis|豁免|门槛|"
                              r"deadline|due|截止|申报|declarant|申报人|penalt|罚|verif|核查|mark-?up|加成|"
                              r"free allocation|免费配额|circumvent|规避", re.I)),
    ("default", re.compile(r"default|默认|actual data|实际数据|save|节省", re.I)),
    ("cost", re.compile(r"cost|certificate|price|成本|费用|证书|价格|多少钱", re.I)),
    ("findings", re.compile(r"finding|quality|error|fix|problem|问题|数据质量|修复|错误", re.I)),
    ("see", re.compile(r"(?<![a-z])see(?![a-z])|emission|intensity|排放|强度", re.I)),
)

# intent → the tools it runs (name, arguments from the question)
PLANS = {
    "see": [("explain_see", {})],
    "cost": [("explain_cost", {})],
    "findings": [("findings", {})],
    "default": [("default_vs_actual", {})],
    "supplier": [("findings", {}), ("default_vs_actual", {})],
    "cn": [("cn_lookup", {"text": None})],
    "regulation": [("regulation", {"text": None})],
    "help": [],
}


def intent_of(question: str) -> str:
    for name, pattern in _INTENTS:
        if pattern.search(question or ""):
            return name
    return "cn" if _looks_like_product(question) else "help"


def _looks_like_product(question: str) -> bool:
    """A short noun phrase (热轧钢板, "aluminium ingots") is most likely a product to classify."""
    q = (question or "").strip()
    return 0 < len(q) <= 12 and "?" not in q and "？" not in q


_CN_NOISE = re.compile(r"(?i)(?<![a-z])(which|what|is|the|cn|hs|code|codes|for|of|a|an|does|belong|belongs|to|"
                       r"in|under)(?![a-z])|编码|税号|是什么|是多少|属于|哪个|什么|的|请问|商品|归类|[?？。，,]")


def plan(question: str) -> tuple[str, list[tuple[str, dict]]]:
    intent = intent_of(question)
    steps = []
    for name, args in PLANS[intent]:
        if "text" in args:
            text = _CN_NOISE.sub(" ", question).strip() if intent == "cn" else question
            args = {"text": text or question}
        steps.append((name, args))
    return intent, steps


def num(x: object) -> str:
    """A tool number as text, exactly as the tool holds it (thousands grouped): never re-rounded here."""
    if x is None:
        return "—"
    if isinstance(x, float):
        x = Decimal(repr(x))
    if isinstance(x, Decimal):
        s = f"{x:,f}"
        return s.rstrip("0").rstrip(".") if "." in s else s
    return str(x)


def _category(name: str, lang: str) -> str:
    """A goods category's name in the answer's language (the reference data is English)."""
    from core.reporting.common import category_key

    key = category_key(name) if name else ""
    text = t(key, lang) if key else ""
    return name if not text or text == key else text


def _see(r: ToolResult, lang: str) -> list[str]:
    d = r.data
    out = [t("assistant.see_head", lang, year=d["period_year"], version=d["period_version"])]
    for p in d["processes"]:
        out.append(t("assistant.see_line", lang, code=p["process"], category=_category(p["goods_category"], lang),
                     cn=p["cn_code"] or "—", total=num(p["see_total"]), direct=num(p["see_direct"]),
                     indirect=num(p["see_indirect"]), basis=num(p["cbam_basis"])))
        terms = [f"{x['label']} {num(x['value'])} {x['unit']}".strip() for x in p["terms"][:4]]
        if terms:
            out.append(t("assistant.see_terms", lang, terms="；".join(terms) if lang == "zh" else "; ".join(terms)))
    return out


def _cost(r: ToolResult, lang: str) -> list[str]:
    d = r.data
    total = d["total"]
    key = "assistant.cost_head" if total["cost_eur"] is not None else "assistant.cost_head_noprice"
    out = [t(key, lang, year=d["period_year"], certificates=num(total["certificates"]), cost=num(total["cost_eur"]))]
    for ln in d["lines"][:3]:
        out.append(t("assistant.cost_line", lang, cn=ln["cn_code"], quarter=ln["quarter"],
                     basis=t(f"entry.basis.{ln['basis']}", lang),
                     quantity=num(ln["quantity_t"]), shipments=ln["shipments"],
                     emissions=num(ln["embedded_emissions_t"]), certificates=num(ln["certificates"]),
                     cost=num(ln["cost_eur"])))
    out.append(t("assistant.cost_tail", lang))
    return out


def _findings(r: ToolResult, lang: str) -> list[str]:
    d = r.data
    if not d["total"]:
        return [t("assistant.findings_none", lang, year=d["period_year"])]
    out = [t("assistant.findings_head", lang, year=d["period_year"], total=d["total"], blocking=d["blocking"])]
    for f in d["top"]:
        out.append(t("assistant.findings_line", lang, rule=f["rule"], message=f["message"], path=f["path"],
                     severity=t(f"assistant.severity_{f['severity']}", lang)))
    out.append(t("assistant.findings_tail", lang))
    return out


def _default(r: ToolResult, lang: str) -> list[str]:
    d = r.data
    if not d["rows"]:
        return [t("assistant.default_none", lang, year=d["period_year"])]
    out = [t("assistant.default_head", lang, year=d["period_year"])]
    for x in d["rows"]:
        out.append(t("assistant.default_line", lang, code=x["process"], cn=x["cn_code"], actual=num(x["actual_see"]),
                     default=num(x["default_total"]), markup=num(x["markup_pct"]),
                     with_markup=num(x["default_with_markup"]), saving=num(x["saving_per_t"])))
    return out


def _cn(r: ToolResult, lang: str) -> list[str]:
    out = [t("assistant.cn_head", lang, query=r.data["query"])]
    for m in r.data["matches"]:
        out.append(t("assistant.cn_line", lang, code=m["cn_code"], category=_category(m["category"], lang),
                     description=m["description_zh"] if lang == "zh" else m["description_en"]))
    out.append(t("assistant.cn_tail", lang))
    return out


def _regulation(r: ToolResult, lang: str) -> list[str]:
    out = [t("assistant.reg_head", lang)]
    for p in r.data["passages"]:
        out.append(t("assistant.reg_line", lang, reference=p["reference"], title=p["title"], text=p["text"]))
    return out


_RENDER = {"explain_see": _see, "explain_cost": _cost, "findings": _findings, "default_vs_actual": _default,
           "cn_lookup": _cn, "regulation": _regulation}


_GERMAN = re.compile(r"german|deutsch|德语|德文", re.I)


def _mail_templates() -> dict[str, str]:
    import json
    from pathlib import Path

    return json.loads((Path(__file__).with_name("mail_templates.json")).read_text(encoding="utf-8"))


def _supplier(results: list[ToolResult], lang: str, question: str = "") -> list[str]:
    year = next((r.data.get("period_year") for r in results if r.data.get("period_year")), "")
    out = [t("assistant.supplier_head", lang)]
    precursor = [f["rule"] for r in results if r.tool == "findings" for f in r.data.get("top", [])
                 if f["path"].startswith("purchased_precursors")]
    if precursor:
        out.append(t("assistant.supplier_ask", lang, items=", ".join(precursor)))
    for r in results:
        if r.tool == "default_vs_actual" and not r.error:
            out += _default(r, lang)
    out.append(t("assistant.supplier_mail", lang, year=year))
    if _GERMAN.search(question):  # the supplier's language, asked for by name
        out.append(_mail_templates()["de"].format(year=year))
    return out


def compose(intent: str, results: list[ToolResult], lang: str, question: str = "") -> str:
    """The templated answer over the turn's tool results."""
    lines = [t("assistant.offline_intro", lang)]
    if intent == "help":
        lines.append(t("assistant.help", lang))
        lines += [f"- {v.text(lang)}" for v in VERIFIED]
        return "\n".join(lines)
    if intent == "supplier":
        return "\n".join(lines + _supplier(results, lang, question))
    for r in results:
        if r.error:
            lines.append(t(r.error, lang) if r.error.startswith("assistant.")
                         else t("assistant.error_incomplete", lang,
                                reason=t(r.error, lang, **r.data.get("error_params", {}))))
            continue
        lines += _RENDER[r.tool](r, lang)
    return "\n".join(lines)
