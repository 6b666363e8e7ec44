"""What every reporting service shares: the period lock, the workflow states that allow editing, field checks."""
from __future__ import annotations

import functools
import json
import math
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlmodel import select

from core.access import Permission
from core.cbam import ReferenceData, load_reference
from core.cbam.scenario import CN_PATTERN
from core.context import Context
from core.errors import DomainError, NotFound
from core.validation.identifiers import Error
from db.reporting_models import ReportingPeriod

# Workflow states (issue 4): draft → submitted → in_review → (changes_requested → submitted …) → approved.
DRAFT, SUBMITTED, IN_REVIEW, CHANGES_REQUESTED, APPROVED = "draft", "submitted", "in_review", "changes_requested", "approved"
STATUSES = (DRAFT, SUBMITTED, IN_REVIEW, CHANGES_REQUESTED, APPROVED)
EDITABLE = (DRAFT, CHANGES_REQUESTED)

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,20}")  # (fullmatch) process / precursor ids in the scenario ("P1", "PP1")


_PINNED: ContextVar[ReferenceData | None] = ContextVar("pinned_reference", default=None)


def reference() -> ReferenceData:
    return _PINNED.get() or load_reference()


@contextmanager
def pinned_reference() -> Iterator[ReferenceData]:
    """Within one bulk operation (a workbook import of 200,000 rows) read the reference data once, not per row
    (each `load_reference()` checks the registry file). Context-local, so other requests are unaffected."""
    token = _PINNED.set(load_reference())
    try:
        yield _PINNED.get()
    finally:
        _PINNED.reset(token)


def lock_period(ctx: Context, period_id: uuid.UUID) -> ReportingPeriod:
    """The period row, locked for this transaction on PostgreSQL (SELECT … FOR UPDATE), so that an edit and a
    status change of the same period cannot interleave: whichever comes second sees the other's result."""
    period = ctx.session.exec(
        select(ReportingPeriod).where(ReportingPeriod.id == period_id, ReportingPeriod.org_id == ctx.tenant)
        .with_for_update().execution_options(populate_existing=True)).first()
    if period is None:
        raise NotFound("reportingperiod", period_id)
    return period


def period_for_edit(ctx: Context, period_id: uuid.UUID) -> ReportingPeriod:
    """Check DATA_EDIT and that the period's data may change (a draft, or changes were requested)."""
    ctx.require(Permission.DATA_EDIT)
    period = lock_period(ctx, period_id)
    if period.status == APPROVED:
        raise DomainError("reporting.error_period_frozen", year=period.year, version=period.version_no)
    if period.status not in EDITABLE:
        raise DomainError("reporting.error_period_locked", status=period.status)
    return period


def positive(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def non_negative(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value >= 0


def cn_error(value: str | None, ref: ReferenceData, category: str | None = None) -> Error:
    """A CN code must be 8 digits (or 10, TARIC), be a CBAM good (Reg. (EU) 2023/956 Annex I), and belong to the
    goods category it is entered under."""
    if not value:
        return ("validation.required", {})
    code = value.replace(" ", "")
    if not CN_PATTERN.fullmatch(code):
        return ("reporting.error_cn_format", {"value": value})
    if not ref.is_known_cn(code):
        return ("reporting.error_cn_not_cbam", {"value": value})
    if category and ref.category_of(code) != ref.canonical_category(category):
        return ("reporting.error_cn_category", {"value": value, "category": category})
    return None


def category_error(value: str | None, ref: ReferenceData) -> Error:
    if not value or not value.strip():
        return ("validation.required", {})
    if ref.canonical_category(value) is None:
        return ("reporting.error_goods_category", {"value": value})
    return None


def clean_cn(value: str | None) -> str | None:
    return value.replace(" ", "") if value else None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def category_key(category: str) -> str:
    """The message key of a goods category's name (`entry.category.crude_steel`): the reference data is English."""
    return "entry.category." + _slug(category)


def route_key(route: str) -> str:
    """The message key of a production route's name (`entry.route.electric_arc_furnace`)."""
    return "entry.route." + _slug(route)


def qualifying_key(parameter: str) -> str:
    """The message key of a qualifying parameter's name (`entry.qp.t_scrap_per_t_steel`)."""
    return "entry.qp." + _slug(parameter)


@functools.cache
def cn_descriptions_zh() -> dict[str, str]:
    """CN code → Chinese description: the team's reviewed translations of the Annex I descriptions in customs-tariff
    wording (core/assistant/cn_zh.json; the assistant's search reads the same file)."""
    path = Path(__file__).resolve().parent.parent / "assistant" / "cn_zh.json"
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def cn_search_terms_zh() -> dict[str, str]:
    """CN code → Chinese search words (heading names and glossary terms such as 镀锌, 热轧卷板; built by
    scripts/cn_zh_build.py): found by the search, never shown."""
    path = Path(__file__).resolve().parent.parent / "assistant" / "cn_zh_terms.json"
    return json.loads(path.read_text(encoding="utf-8"))


def cn_catalog(category: str | None = None, lang: str = "en") -> list[tuple[str, str, str]]:
    """(CN code, goods category, description in `lang`) of every CBAM good (Annex I), optionally of one category.
    A Chinese description falls back to the English one where the translation has none."""
    ref = reference()
    canonical = ref.canonical_category(category) if category else None
    zh = cn_descriptions_zh() if lang == "zh" else {}
    return [(code, cat, zh.get(code) or ref.cn_descriptions.get(code, ""))
            for code, cat in sorted(ref.cn_categories.items()) if canonical is None or cat == canonical]


def cn_label(code: str, category_name: str, description: str) -> str:
    """"7208 39 00 · 钢铁制品 · 热轧…": the spaced code, the category's name and the description."""
    return f"{code[:4]} {code[4:6]} {code[6:]} · {category_name} · {description}"


def find_cn(query: str, labels: dict[str, str]) -> list[str]:
    """The CN codes whose label, description (in either language) or Chinese search words contain every word of
    `query`; digits match the code with or without its spaces."""
    words = [w.casefold() for w in query.split() if w]
    ref = reference()
    zh, terms = cn_descriptions_zh(), cn_search_terms_zh()
    found = []
    for code, label in labels.items():
        text = " ".join((code, label, ref.cn_descriptions.get(code, ""), zh.get(code, ""), terms.get(code, ""))).casefold()
        if all(w in text for w in words):
            found.append(code)
    return found


def goods_categories() -> dict[str, tuple[str, ...]]:
    """Goods category → its production routes (template v2.1.1 sheet c_CodeLists)."""
    return {name: cat.production_routes for name, cat in reference().categories.items()}


def qualifying_parameters(category: str) -> tuple[str, ...]:
    """The qualifying parameters the template asks for a goods category (Impl. Reg. (EU) 2023/1773 Annex IV)."""
    ref = reference()
    canonical = ref.canonical_category(category or "")
    return ref.categories[canonical].qualifying_parameters if canonical else ()
