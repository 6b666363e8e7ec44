"""Records of processing activities (GDPR Art 30; PIPL Art 55-56 documentation), generated, never typed in: one
activity per purpose of the data map (core/privacy/datamap.py) with its legal bases, data categories, columns,
retention and erasure, the recipients (the processors that apply today, from the registry) and the transfers
abroad with their mechanism; then every registered processor (each one's current version, or its latest if none
applies yet). Exported as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) and XLSX, in Chinese or
English."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.access import Permission
from core.context import Context
from core.i18n import t
from core.privacy.datamap import data_map
from core.privacy.registers.processors import current, registry
from core.privacy.requests import local_day

COLUMNS = ("kind", "name", "purpose", "legal_basis", "subjects", "categories", "data", "retention", "erasure",
           "recipients", "region", "transfer", "policy", "version")


@dataclass
class Records:
    lang: str
    day: date
    rows: list[dict[str, str]]

    def header(self) -> list[str]:
        return [t(f"privacy.records.col.{c}", self.lang) for c in COLUMNS]


def build(session: Session, lang: str, today: date) -> Records:
    lang = lang if lang in ("zh", "en") else "zh"
    live = current(session, today)
    recipients = "; ".join(v.service for v in live)
    abroad = "; ".join(f"{v.service} ({t(f'privacy.mechanism.{v.mechanism}', lang)})" for v in live if v.abroad)
    by_purpose: dict[str, list] = {}
    for e in data_map():
        if e.purpose:
            by_purpose.setdefault(e.purpose, []).append(e)
    rows: list[dict[str, str]] = []
    for purpose, entries in by_purpose.items():
        rows.append({
            "kind": t("privacy.records.kind.activity", lang),
            "name": purpose.removeprefix("purpose."),
            "purpose": t(f"privacy.{purpose}", lang),
            "legal_basis": "; ".join(sorted({t(f"privacy.{e.legal_basis}", lang) for e in entries})),
            "subjects": t("privacy.records.subjects", lang),
            "categories": ", ".join(sorted({e.category for e in entries})),
            "data": ", ".join(f"{e.table}.{e.column}" for e in entries),
            "retention": "; ".join(sorted({t(f"privacy.{e.retention}", lang) for e in entries})),
            "erasure": ", ".join(sorted({e.erasure or "-" for e in entries})),
            "recipients": recipients,
            "region": "",
            "transfer": abroad or t("privacy.records.no_transfer", lang),
            "policy": "",
            "version": "",
        })
    live_keys = {v.processor_key: v for v in live}
    for vs in registry(session):
        v = live_keys.get(vs[0].processor_key) or vs[-1]
        state = ("privacy.records.state.removed" if v.removed else "privacy.records.state.current"
                 if v.processor_key in live_keys else "privacy.records.state.pending")
        rows.append({
            "kind": t("privacy.records.kind.processor", lang),
            "name": v.service + (t("privacy.processors.example_mark", lang) if v.example else ""),
            "purpose": getattr(v, f"purpose_{lang}"),
            "legal_basis": "",
            "subjects": "",
            "categories": getattr(v, f"data_types_{lang}"),
            "data": getattr(v, f"fields_{lang}"),
            "retention": "",
            "erasure": "",
            "recipients": " ".join(p for p in (v.provider, v.provider_url) if p),
            "region": v.region + (t("privacy.processors.abroad_mark", lang) if v.abroad else ""),
            "transfer": t(f"privacy.mechanism.{v.mechanism}", lang),
            "policy": v.policy_url,
            "version": f"{v.version} · {v.effective_on.isoformat()} · {t(state, lang)}",
        })
    return Records(lang, today, rows)


def _records(ctx: Context, lang: str) -> Records:
    ctx.require(Permission.PRIVACY_MANAGE)
    return build(ctx.session, lang, local_day(ctx.clock.now()))


def to_csv(records: Records) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(records.header())
    for r in records.rows:
        w.writerow([r[c] for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(records: Records) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = t("privacy.records.sheet", records.lang)[:31]
    ws.append(records.header())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in records.rows:
        ws.append([r[c] for c in COLUMNS])
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKLMN", (14, 22, 40, 40, 24, 24, 60, 30, 20, 40, 20, 30, 30, 30), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def records_csv(ctx: Context, lang: str = "zh") -> bytes:
    return to_csv(_records(ctx, lang))


def records_xlsx(ctx: Context, lang: str = "zh") -> bytes:
    return to_xlsx(_records(ctx, lang))
