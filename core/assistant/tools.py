"""Read-only tools over the services. The app runs them under the person's own context: the organization and the
permission come from the session (`ctx`), never from the model, which can only name a tool and its harmless
arguments (a period of the acting organization, a search text).

A tool result carries the numbers it contains (the grounding guard checks an answer against them) and citations:
the page and field a record is entered on (the link format of ui/field_link.py: `/<page>?period=…&row=…&field=…`)
or the regulation passage by act and article."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from core.access import Permission
from core.cbam.errors import CbamError
from core.context import Context
from core.errors import DomainError, NotFound
from core.i18n import t


@dataclass(frozen=True, slots=True)
class Citation:
    kind: str    # "record" (a page, row and field of the organization's data) | "passage" (regulation)
    label: str
    page: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str | None:
        if self.page is None:
            return None
        return f"/{self.page}" + (f"?{urlencode(self.params)}" if self.params else "")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "page": self.page, "params": dict(self.params),
                "url": self.url}


@dataclass(slots=True)
class ToolResult:
    tool: str
    data: dict[str, Any]
    numbers: list[Any] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    error: str | None = None  # a message key when the tool could not answer (data incomplete, nothing found)

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "data": self.data, "error": self.error,
                "citations": [c.to_dict() for c in self.citations]}


def _num(x: float | Decimal | None, places: int = 4) -> float | None:
    """What a tool reports of an engine number: rounded for reading (the raw float carries binary noise)."""
    if x is None:
        return None
    return round(float(x), places)


def resolve_period(ctx: Context, period_id: uuid.UUID | str | None):
    """The period a question is about: the one named (of the acting organization only), else the newest."""
    from core.reporting import get_period, list_periods

    ctx.require(Permission.DATA_VIEW)
    if period_id:
        try:
            return get_period(ctx, period_id=uuid.UUID(str(period_id)))
        except ValueError:
            raise NotFound("reportingperiod", period_id) from None
    periods = list_periods(ctx)
    if not periods:
        raise DomainError("assistant.error_no_period")
    return periods[0]


def record_link(ctx: Context, period_id: uuid.UUID, path: str, label: str) -> Citation:
    """A citation to where a field path is entered (as ui/field_link.field_link builds its link)."""
    from core.reporting.fields import locate_field

    target = locate_field(ctx, period_id=period_id, path=path)
    if target is None:
        return Citation("record", label, "reporting", (("period", str(period_id)),))
    params = [("period", str(period_id)), ("field", target.field)]
    for name, value in (("row", target.row_id), ("stream", target.stream_id), ("pos", target.position)):
        if value is not None:
            params.append((name, str(value)))
    return Citation("record", label, target.page, tuple(params))


def _period_citation(period, lang: str) -> Citation:
    return Citation("record", t("assistant.cite_period", lang, year=period.year, version=period.version_no),
                    "reporting", (("period", str(period.id)),))


def _engine_error(tool: str, base: dict, period, e: CbamError, lang: str) -> ToolResult:
    """The engine refused the period's data (incomplete): the tool says why, with the engine's own message."""
    params = {k: str(v) for k, v in e.params.items()}
    return ToolResult(tool, base | {"error_params": params}, [period.year, period.version_no, *params.values()],
                      [_period_citation(period, lang)], error=e.key)


_VERSIONED = lambda p: {"period_year": p.year, "period_version": p.version_no}  # noqa: E731


def _results_of(ctx: Context, tool: str, period_id, base_of, lang: str):
    """The person's period, the tool's base fields and the engine's live results — or, when the engine refuses the
    period's data, the tool's answer saying why (the last item; the results are then None)."""
    from core.reporting import live_results

    period = resolve_period(ctx, period_id)
    base = base_of(period)
    try:
        return period, base, live_results(ctx, period_id=period.id), None
    except CbamError as e:
        return period, base, None, _engine_error(tool, base, period, e, lang)


def explain_see(ctx: Context, *, period_id=None, lang: str = "en") -> ToolResult:
    """SEE per process with the engine's terms (why each number is what it is)."""
    period, base, res, refused = _results_of(ctx, "explain_see", period_id, _VERSIONED, lang)
    if refused:
        return refused
    procs, numbers, cites = [], [period.year, period.version_no], [_period_citation(period, lang)]
    for p in res.processes:
        terms = [{"label": t(term.label_key, lang), "value": _num(term.value, 6), "unit": term.unit,
                  "formula": term.formula, "source": term.source} for term in p.terms]
        row = {"process": p.code, "name": p.name, "goods_category": p.goods_category, "cn_code": p.cn_code,
               "see_direct": _num(p.see_direct), "see_indirect": _num(p.see_indirect),
               "see_total": _num(p.see_total), "cbam_basis": _num(p.cbam_basis), "terms": terms}
        procs.append(row)
        numbers += [row["see_direct"], row["see_indirect"], row["see_total"], row["cbam_basis"], p.cn_code]
        numbers += [x["value"] for x in terms]
        cites.append(record_link(ctx, period.id, f"processes.{p.code}.direct_emissions",
                                 t("assistant.cite_process", lang, code=p.code)))
    return ToolResult("explain_see", base | {"processes": procs}, numbers, cites)


def explain_cost(ctx: Context, *, period_id=None, lang: str = "en") -> ToolResult:
    """Certificates and cost of the period's shipments, per good, basis, process and quarter."""
    period, base, res, refused = _results_of(ctx, "explain_cost", period_id, _VERSIONED, lang)
    if refused:
        return refused
    lines = [{"cn_code": ln.cn_code, "basis": ln.basis, "process": ln.process, "quarter": ln.quarter,
              "quantity_t": _num(ln.quantity), "shipments": ln.count,
              "embedded_emissions_t": _num(ln.embedded_emissions), "certificates": _num(ln.certificates),
              "cost_eur": _num(ln.cost_eur, 2)} for ln in res.lines]
    lines.sort(key=lambda x: -(x["certificates"] or 0))
    total = {"certificates": _num(res.total_certificates), "cost_eur": _num(res.total_cost_eur, 2)}
    numbers: list[Any] = [period.year, period.version_no, total["certificates"], total["cost_eur"]]
    for ln in lines:
        numbers += [ln[k] for k in ("cn_code", "quarter", "quantity_t", "shipments", "embedded_emissions_t",
                                    "certificates", "cost_eur")]
    cites = [_period_citation(period, lang),
             Citation("record", t("assistant.cite_costs", lang), "costs", (("period", str(period.id)),)),
             Citation("record", t("assistant.cite_shipments", lang), "shipments", (("period", str(period.id)),))]
    return ToolResult("explain_cost", base | {"total": total, "lines": lines}, numbers, cites)


def findings(ctx: Context, *, period_id=None, lang: str = "en", limit: int = 5) -> ToolResult:
    """The data-quality findings that matter most (blocking first) and where each is fixed."""
    from core.reporting.quality import period_findings

    period = resolve_period(ctx, period_id)
    found = period_findings(ctx, period_id=period.id)
    found.sort(key=lambda f: (f.severity != "blocking", f.rule, f.path))
    items, numbers, cites = [], [period.year, period.version_no, len(found)], [_period_citation(period, lang)]
    blocking = sum(1 for f in found if f.severity == "blocking")
    numbers.append(blocking)
    for f in found[:limit]:
        text = t(f.key, lang, **f.params)
        items.append({"rule": f.rule, "severity": f.severity, "path": f.path, "message": text})
        numbers += [f.rule, text]  # the rule id (DQ07) and the numbers its message states
        cites.append(record_link(ctx, period.id, f.path, f"{f.rule} · {f.path}"))
    data = {"period_year": period.year, "total": len(found), "blocking": blocking, "top": items}
    return ToolResult("findings", data, numbers, cites)


def default_vs_actual(ctx: Context, *, period_id=None, lang: str = "en") -> ToolResult:
    """Each process's actual SEE next to the default value for its CN code and country (what actual data saves)."""
    from core.cbam.reference import load_reference
    from db.models import Installation

    period, base, res, refused = _results_of(ctx, "default_vs_actual", period_id,
                                             lambda p: {"period_year": p.year}, lang)
    if refused:
        return refused
    inst = ctx.session.get(Installation, period.installation_id)
    country = (inst.country if inst else "") or ""
    ref = load_reference()
    rows, numbers, cites = [], [period.year, period.version_no], [_period_citation(period, lang)]
    for p in res.processes:
        if not p.cn_code:
            continue
        try:
            m = ref.default_values.lookup(country, p.cn_code)
        except CbamError:
            continue
        markup = ref.markup(m.row.sector, period.year)
        default_total = _num(m.row.total)
        with_markup = _num((m.row.total or 0) * (1 + markup))
        saving = _num(with_markup - p.cbam_basis) if with_markup is not None else None
        row = {"process": p.code, "cn_code": p.cn_code, "country": country, "actual_see": _num(p.cbam_basis),
               "default_total": default_total, "markup_pct": _num(markup * 100, 2),
               "default_with_markup": with_markup, "saving_per_t": saving, "fell_back": m.fell_back}
        rows.append(row)
        numbers += [p.cn_code, row["actual_see"], default_total, row["markup_pct"], with_markup, saving, markup]
        cites.append(record_link(ctx, period.id, f"processes.{p.code}.cn_code",
                                 t("assistant.cite_process", lang, code=p.code)))
    return ToolResult("default_vs_actual", base | {"rows": rows, "default_values_version": ref.default_values.version},
                      numbers, cites)


def cn_lookup(ctx: Context | None = None, *, text: str, lang: str = "en") -> ToolResult:
    """CN codes for a product description (reference data only: reads nothing of the organization)."""
    from core.assistant.search import cn_search

    matches = cn_search(text)
    rows = [{"cn_code": m.cn_code, "category": m.category, "description_en": m.description_en,
             "description_zh": m.description_zh} for m in matches]
    numbers = [m.cn_code for m in matches] + [f"{m.cn_code[:4]} {m.cn_code[4:6]} {m.cn_code[6:]}" for m in matches]
    for m in matches:  # the code in its parts (7208 39 00) and the numbers its descriptions state (600 mm)
        numbers += [m.cn_code[:4], m.cn_code[4:6], m.cn_code[6:], m.description_en, m.description_zh]
    cites = [Citation("record", t("assistant.cite_cn", lang, code=m.cn_code), "processes",
                      (("cn", m.cn_code),)) for m in matches]
    return ToolResult("cn_lookup", {"query": text, "matches": rows}, numbers, cites,
                      error=None if matches else "assistant.error_no_cn")


def regulation(ctx: Context | None = None, *, text: str, lang: str = "en") -> ToolResult:
    """Bundled regulation passages (written by the team in its own words) with act and article."""
    from core.assistant.grounding import numbers_in
    from core.assistant.search import regulation_search

    found = regulation_search(text)
    rows, numbers, cites = [], [], []
    for p in found:
        title, body = (p.title_zh, p.text_zh) if lang == "zh" else (p.title_en, p.text_en)
        rows.append({"reference": p.reference, "title": title, "text": body})
        numbers += numbers_in(f"{p.reference} {p.text_en} {p.text_zh} {p.title_en} {p.title_zh}")
        cites.append(Citation("passage", f"{p.reference} — {title}"))
    return ToolResult("regulation", {"query": text, "passages": rows}, numbers, cites,
                      error=None if found else "assistant.error_no_passage")


# name → (function, whether it reads the organization's data); the model sees only these names and a search text
TOOLS = {
    "explain_see": (explain_see, True),
    "explain_cost": (explain_cost, True),
    "findings": (findings, True),
    "default_vs_actual": (default_vs_actual, True),
    "cn_lookup": (cn_lookup, False),
    "regulation": (regulation, False),
}


def run_tool(ctx: Context, name: str, args: dict[str, Any], *, period_id=None, lang: str = "en") -> ToolResult:
    """Run a tool by name with only the arguments it takes. The period is the person's choice (or their newest),
    looked up inside the acting organization; a model names a tool and a search text, never a period or an
    organization."""
    fn, reads_data = TOOLS[name]
    if reads_data:
        return fn(ctx, period_id=period_id, lang=lang)
    text = str(args.get("text") or args.get("query") or "")[:500]
    return fn(ctx, text=text, lang=lang)
