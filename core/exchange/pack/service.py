"""The customer data pack: for one EU customer and one approved (frozen) period, a zip holding the filled
communication template, the registry XML of each quarter, the shipments CSV, a bilingual summary and a
manifest with the SHA-256 of every file and the snapshot id and hash it came from.

Building a pack is sending data to a customer: it needs EXCHANGE_SEND, is audited, and answers a logged
request when one is named.
"""
from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core import audit
from core.access import Permission
from core.cbam import evaluate_data
from core.context import Context
from core.errors import DomainError
from core.exchange.csv_export import shipments_csv_of
from core.exchange.frozen import load_frozen
from core.exchange.pack.requests import record_answer
from core.exchange.pack.summary import summary_html
from core.exchange.registry import (
    Problem,
    ReportDetails,
    build_report,
    default_details,
    quarters_of,
    report_data,
)
from core.exchange.template import export_template

FORMAT = "cbam-customer-pack/1"
Progress = Callable[[str, float], None]


class PackProblems(DomainError):
    """The registry XML of some quarter has problems: the pack is not built; `problems` lists them."""

    def __init__(self, problems: list[tuple[int, Problem]]) -> None:
        self.problems = problems
        super().__init__("pack.error.xml_problems", count=len(problems))


@dataclass(slots=True)
class Pack:
    filename: str
    content: bytes
    manifest: dict[str, Any]
    files: list[dict[str, Any]] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_customer_pack(ctx: Context, *, period_id: uuid.UUID, customer_id: uuid.UUID,
                        details: ReportDetails | None = None,
                        lang: str = "en", request_id: uuid.UUID | None = None,
                        request_version: int | None = None, progress: Progress | None = None) -> Pack:
    ctx.require(Permission.EXCHANGE_SEND)
    step = progress or (lambda key, fraction: None)
    step("pack.progress.snapshot", 0.05)
    frozen = load_frozen(ctx, period_id)
    customer = frozen.customers.get(customer_id)
    if customer is None or not frozen.of_customer(customer_id):
        raise DomainError("pack.error.no_shipments", customer=customer.name if customer else str(customer_id),
                          year=frozen.period.year)
    if details is None:  # the stored details, as frozen with the period
        details = default_details(frozen, customer_id)
    now = ctx.clock.now()
    period = frozen.period
    stem = f"{customer.eori}_{period.year}_v{period.version_no}"
    files: dict[str, bytes] = {}

    step("pack.progress.xml", 0.2)
    problems: list[tuple[int, Problem]] = []
    for q in quarters_of(frozen, customer_id):
        report = build_report(report_data(frozen, customer_id, q, details, now), eori=customer.eori)
        problems += [(q, p) for p in report.problems]
        if report.xml is not None:
            files[report.filename] = report.xml
    if problems:
        raise PackProblems(problems)

    step("pack.progress.template", 0.45)
    files[f"communication_template_{period.year}_v{period.version_no}.xlsx"] = export_template(frozen.scenario)

    step("pack.progress.csv", 0.7)
    csv = shipments_csv_of(frozen, customer_id=customer_id, lang=lang)
    files[csv.filename] = csv.content

    step("pack.progress.summary", 0.8)
    ev = evaluate_data(frozen.scenario)
    quarters = []
    for q in quarters_of(frozen, customer_id):
        rs = [ev.imports[s.index] for s in frozen.of_customer(customer_id) if s.line.get("quarter") == q]
        costs = [r.cost_eur for r in rs]
        cost = "—" if any(c is None for c in costs) else f"€{sum(costs, Decimal(0)):,.2f}"
        quarters.append({"quarter": q, "quantity": sum(r.quantity for r in rs),
                         "emissions": sum(r.embedded_emissions for r in rs),  # incl. default-value mark-up
                         "emissions_without_markup": sum(r.embedded_emissions_without_markup for r in rs),
                         # a line without certificates (missing benchmark) leaves the quarter's sum unknown
                         "certificates": None if any(r.certificates is None for r in rs)
                         else sum(r.certificates or 0.0 for r in rs), "cost": cost})
    frozen_at = period.frozen_at.strftime("%Y-%m-%d %H:%M UTC") if period.frozen_at else "—"
    facts = {"customer": customer.name, "eori": customer.eori, "installation": frozen.installation.name,
             "year": period.year, "version": period.version_no, "frozen_at": frozen_at,
             "snapshot": frozen.snapshot_hash}
    files["summary.html"] = summary_html(facts, quarters, sorted(files))

    listing = [{"name": name, "sha256": _sha(data), "bytes": len(data)} for name, data in sorted(files.items())]
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "customer": {"name": customer.name, "eori": customer.eori, "country": customer.country},
        "installation": {"name": frozen.installation.name, "country": frozen.installation.country},
        "snapshot": {"period_id": str(period.id), "year": period.year, "version": period.version_no,
                     "sha256": frozen.snapshot_hash, "frozen_at": period.frozen_at.isoformat() if period.frozen_at
                     else None},
        "registry_schema": "QReport v23.00",
        "files": listing,
    }
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    step("pack.progress.zip", 0.9)
    out = io.BytesIO()
    stamp = (period.frozen_at or now).timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[name])
    answer_files = listing + [{"name": "manifest.json", "sha256": _sha(files["manifest.json"]),
                               "bytes": len(files["manifest.json"])}]
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.org_id, action="pack.built",
                 entity="reportingperiod", entity_id=period.id, before=None,
                 after={"customer_id": str(customer.id), "eori": customer.eori, "snapshot": frozen.snapshot_hash,
                        "files": answer_files}, at=now)
    if request_id is not None:
        record_answer(ctx, request_id=request_id, expected_version=request_version, customer_id=customer_id,
                      period_id=period.id, files=answer_files, snapshot_hash=frozen.snapshot_hash)
    step("pack.progress.done", 1.0)
    return Pack(f"cbam_pack_{stem}.zip", out.getvalue(), manifest, answer_files)
