"""The short bilingual summary of a data pack (HTML). Every value that came from a user (names, references) is
escaped: the summary never renders user text as markup."""
from __future__ import annotations

from html import escape
from typing import Any

from core.i18n import t

_STYLE = ("body{font-family:sans-serif;max-width:56rem;margin:2rem auto;line-height:1.5}"
          "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25rem .5rem;text-align:left}"
          "td.n{text-align:right}code{font-size:.9em}")


def _certs(value: float | None, lang: str) -> str:
    """A quarter whose certificates are unknown (a benchmark is missing) says so, never a smaller sum."""
    return escape(t("dash.incomplete", lang)) if value is None else f"{value:,.3f}"


def _section(lang: str, facts: dict[str, Any], quarters: list[dict[str, Any]], files: list[str]) -> str:
    e = escape
    rows = "".join(
        f"<tr><td>Q{q['quarter']}</td><td class=n>{q['quantity']:,.3f}</td>"
        f"<td class=n>{q.get('emissions_without_markup', q['emissions']):,.3f}</td><td class=n>{q['emissions']:,.3f}</td>"
        f"<td class=n>{_certs(q['certificates'], lang)}</td><td class=n>{e(q['cost'])}</td></tr>" for q in quarters)
    head = "".join(f"<th>{e(t(f'pack.summary.col_{c}', lang))}</th>"
                   for c in ("quarter", "quantity", "emissions_without_markup", "emissions", "certificates", "cost"))
    return (
        f'<section lang="{lang}"><h2>{e(t("pack.summary.title", lang))}</h2>'
        f"<p>{e(t('pack.summary.intro', lang, customer=facts['customer'], eori=facts['eori'], installation=facts['installation'], year=facts['year']))}</p>"
        f"<p>{e(t('pack.summary.snapshot', lang, version=facts['version'], frozen_at=facts['frozen_at']))}<br>"
        f"<code>{e(facts['snapshot'])}</code></p>"
        f"<table><tr>{head}</tr>{rows}</table>"
        f"<p>{e(t('pack.summary.files', lang))}</p><ul>{''.join(f'<li><code>{e(f)}</code></li>' for f in files)}</ul>"
        f"<p>{e(t('pack.summary.manifest', lang))}</p></section>"
    )


def summary_html(facts: dict[str, Any], quarters: list[dict[str, Any]], files: list[str]) -> bytes:
    body = "<hr>".join(_section(lang, facts, quarters, files) for lang in ("en", "zh"))
    title = escape(f"{t('pack.summary.title', 'en')} · {t('pack.summary.title', 'zh')}")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>").encode()
