"""Links between evidence files and the figures of a period, the figures a period has, and its evidence coverage
(which feeds data-quality rule DQ28, `figure_without_evidence`)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, NotFound, ValidationFailed
from core.evidence.files import current_file
from core.records import delete, get_scoped, insert
from db.carbon_price_models import CarbonPriceEntry
from db.evidence_models import EvidenceFile, EvidenceLink
from db.reporting_models import ProductionProcess, PurchasedPrecursor, ReportingPeriod, Shipment, SourceStream

PROCESS, SOURCE_STREAM, PRECURSOR, SHIPMENT, PERIOD = "process", "source_stream", "precursor", "shipment", "period"
CARBON_PRICE = "carbon_price"  # issue 13: the Art. 9 entry of a process
ENTITY_TYPES = (PROCESS, SOURCE_STREAM, PRECURSOR, SHIPMENT, PERIOD, CARBON_PRICE)

# entity type → field → where the figure sits in the period's `cbam-scenario/1` object ("{i}": the entity's index
# there). DQ28 asks for evidence of the fields marked True (core/quality/checks.py `evidence`).
FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    PROCESS: {
        "activity_level": ("processes[{i}].activity_level", True),
        "direct_emissions": ("processes[{i}].direct_emissions", True),
        "heat_imported_tj": ("processes[{i}].heat.imported_TJ", False),
        "heat_exported_tj": ("processes[{i}].heat.exported_TJ", False),
        "electricity_consumed_mwh": ("processes[{i}].electricity.consumed_MWh", False),
        "electricity_ef": ("processes[{i}].electricity.ef", False),
    },
    SOURCE_STREAM: {"stream": ("processes[{i}].source_streams[{j}]", True)},
    PRECURSOR: {
        "see_direct": ("purchased_precursors[{i}].see_direct", True),
        "see_indirect": ("purchased_precursors[{i}].see_indirect", False),
    },
    SHIPMENT: {"quantity": ("imports[{i}].quantity", False)},
    PERIOD: {"period": ("period", False)},
    # Art. 9(1) as replaced by 2025/2083: the price effectively paid is documented (domain reference §3.4)
    CARBON_PRICE: {
        "price_per_tco2": ("carbon_prices[{i}].price_per_tco2", True),
        "covered_emissions": ("carbon_prices[{i}].covered_emissions", False),
        "rebated_emissions": ("carbon_prices[{i}].rebated_emissions", False),
        "compensation_per_t": ("carbon_prices[{i}].compensation_per_t", False),
        "rate_per_eur": ("carbon_prices[{i}].rate_per_eur", False),
    },
}


@dataclass(frozen=True)
class Target:
    """Something of a period evidence can be linked to."""

    entity_type: str
    entity_id: uuid.UUID
    label: str                 # "P1 Sinter", "PP1 pig iron", a stream's name, a shipment's date and order
    paths: dict[str, str]      # field → path in the scenario
    counted: frozenset[str]    # the fields DQ28 expects evidence for


@dataclass(frozen=True)
class Coverage:
    total: int                           # figures DQ28 expects evidence for
    covered: int                         # of those, with at least one linked file
    figures: list[tuple[str, str, int]]  # (path, label, files linked), in scenario order

    @property
    def share(self) -> float | None:
        return self.covered / self.total if self.total else None


def _rows(ctx: Context, model, *conds, order=()) -> list:
    return list(ctx.session.exec(select(model).where(model.org_id == ctx.tenant, *conds).order_by(*order)))


def targets_of(ctx: Context, period: ReportingPeriod, *, with_shipments: bool = True) -> list[Target]:
    """In the order, and with the indexes, of `core.reporting.scenario.scenario_of`. Without shipments for
    coverage and DQ28, which count none of them (a period can hold 200,000)."""
    out: list[Target] = []
    procs = _rows(ctx, ProductionProcess, ProductionProcess.period_id == period.id, order=(ProductionProcess.code,))
    streams = _rows(ctx, SourceStream, SourceStream.process_id.in_([p.id for p in procs]),
                    order=(SourceStream.position, SourceStream.created_at, SourceStream.id))
    for i, p in enumerate(procs):
        fields = {f: path.format(i=i) for f, (path, _) in FIELDS[PROCESS].items()}
        counted = {"activity_level"} | ({"direct_emissions"} if p.direct_emissions is not None else set())
        out.append(Target(PROCESS, p.id, f"{p.code} {p.name}".strip(), fields, frozenset(counted)))
        for j, s in enumerate(x for x in streams if x.process_id == p.id):
            in_scenario = p.direct_emissions is None  # the scenario lists streams only then
            out.append(Target(SOURCE_STREAM, s.id, f"{p.code} / {s.name or s.method}",
                              {"stream": FIELDS[SOURCE_STREAM]["stream"][0].format(i=i, j=j)},
                              frozenset({"stream"} if in_scenario else set())))
    for k, pp in enumerate(_rows(ctx, PurchasedPrecursor, PurchasedPrecursor.period_id == period.id,
                                 order=(PurchasedPrecursor.code,))):
        out.append(Target(PRECURSOR, pp.id, f"{pp.code} {pp.cn_code}",
                          {f: path.format(i=k) for f, (path, _) in FIELDS[PRECURSOR].items()},
                          frozenset({"see_direct"})))
    code = {p.id: p.code for p in procs}
    entries = sorted(_rows(ctx, CarbonPriceEntry, CarbonPriceEntry.period_id == period.id),
                     key=lambda e: code.get(e.process_id, ""))  # the scenario's order (by process code)
    for k, e in enumerate(entries):
        out.append(Target(CARBON_PRICE, e.id, f"{code.get(e.process_id, '')} {e.instrument}".strip(),
                          {f: path.format(i=k) for f, (path, _) in FIELDS[CARBON_PRICE].items()},
                          frozenset({"price_per_tco2"})))
    shipments = _rows(ctx, Shipment, Shipment.period_id == period.id,
                      order=(Shipment.shipped_on, Shipment.created_at, Shipment.id)) if with_shipments else []
    for m, sh in enumerate(shipments):
        out.append(Target(SHIPMENT, sh.id, f"{sh.shipped_on.isoformat()} {sh.cn_code} {sh.order_reference}".strip(),
                          {"quantity": FIELDS[SHIPMENT]["quantity"][0].format(i=m)}, frozenset()))
    out.append(Target(PERIOD, period.id, f"{period.year} v{period.version_no}", {"period": "period"}, frozenset()))
    return out


def link_targets(ctx: Context, *, period_id: uuid.UUID) -> list[Target]:
    ctx.require(Permission.DATA_VIEW)
    return targets_of(ctx, get_scoped(ctx, ReportingPeriod, period_id))


def link_file(ctx: Context, *, file_id: uuid.UUID, period_id: uuid.UUID, entity_type: str, entity_id: uuid.UUID,
              field_name: str) -> EvidenceLink:
    """Record that a file supports one figure of a period."""
    ctx.require(Permission.EVIDENCE_EDIT)
    f = current_file(ctx, file_id)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    if entity_type not in FIELDS:
        raise ValidationFailed({"entity_type": ("evidence.error_entity_type", {"value": entity_type})})
    if field_name not in FIELDS[entity_type]:
        raise ValidationFailed({"field_name": ("evidence.error_field", {"value": field_name})})
    if not any(t.entity_type == entity_type and t.entity_id == entity_id for t in targets_of(ctx, period)):
        raise NotFound(entity_type, entity_id)  # not of this period (or not of this organization)
    exists = ctx.session.exec(select(EvidenceLink).where(
        EvidenceLink.org_id == ctx.tenant, EvidenceLink.file_id == f.id, EvidenceLink.entity_type == entity_type,
        EvidenceLink.entity_id == entity_id, EvidenceLink.field_name == field_name)).first()
    if exists is not None:
        raise DomainError("evidence.error_already_linked")
    return insert(ctx, EvidenceLink(file_id=f.id, period_id=period.id, entity_type=entity_type, entity_id=entity_id,
                                    field_name=field_name), action="evidence.link")


def unlink(ctx: Context, *, link_id: uuid.UUID, expected_version: int) -> None:
    ctx.require(Permission.EVIDENCE_EDIT)
    delete(ctx, get_scoped(ctx, EvidenceLink, link_id), expected_version, action="evidence.unlink")


def _link_counts(ctx: Context, period_id: uuid.UUID) -> dict[tuple[str, uuid.UUID, str], int]:
    rows = ctx.session.exec(
        select(EvidenceLink.entity_type, EvidenceLink.entity_id, EvidenceLink.field_name, func.count())
        .join(EvidenceFile, EvidenceFile.id == EvidenceLink.file_id)
        .where(EvidenceLink.org_id == ctx.tenant, EvidenceLink.period_id == period_id,
               EvidenceFile.deleted_at.is_(None))
        .group_by(EvidenceLink.entity_type, EvidenceLink.entity_id, EvidenceLink.field_name)).all()
    return {(t, e, f): n for t, e, f, n in rows}


def keeps_evidence(ctx: Context) -> bool:
    return ctx.session.exec(select(EvidenceFile.id).where(EvidenceFile.org_id == ctx.tenant,
                                                          EvidenceFile.deleted_at.is_(None)).limit(1)).first() is not None


def evidence_counts(ctx: Context, period: ReportingPeriod) -> dict[str, int] | None:
    """Figure path → files linked, for DQ28; None while the organization keeps no evidence at all (the rule then
    stays quiet rather than flag every figure of an organization that has not started)."""
    if not keeps_evidence(ctx):
        return None
    counts = _link_counts(ctx, period.id)
    return {path: counts.get((t.entity_type, t.entity_id, f), 0)
            for t in targets_of(ctx, period, with_shipments=False) for f, path in t.paths.items()}


def period_coverage(ctx: Context, *, period_id: uuid.UUID) -> Coverage:
    """The share of the period's figures (those DQ28 asks about) with at least one evidence file."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    counts = _link_counts(ctx, period.id)
    figures = [(path, f"{t.label} · {f}", counts.get((t.entity_type, t.entity_id, f), 0))
               for t in targets_of(ctx, period, with_shipments=False) for f, path in t.paths.items() if f in t.counted]
    return Coverage(len(figures), sum(1 for _, _, n in figures if n), figures)


def carry_links(ctx: Context, *, old_period_id: uuid.UUID, new_period_id: uuid.UUID,
                new_ids: dict[uuid.UUID, uuid.UUID]) -> int:
    """When a period is reopened as version n+1 (its rows copied under new ids), its evidence stays linked: every
    link of a live file to a figure of version n gets a twin on the copied figure. Returns the links made."""
    ids = dict(new_ids) | {old_period_id: new_period_id}
    made = 0
    live = ctx.session.exec(
        select(EvidenceLink).join(EvidenceFile, EvidenceFile.id == EvidenceLink.file_id)
        .where(EvidenceLink.org_id == ctx.tenant, EvidenceLink.period_id == old_period_id,
               EvidenceFile.deleted_at.is_(None))  # a deleted file's links stay behind
        .order_by(EvidenceLink.created_at, EvidenceLink.id)).all()
    for link in live:
        target = ids.get(link.entity_id)
        if target is None:
            continue  # a figure that did not survive into the new version
        insert(ctx, EvidenceLink(file_id=link.file_id, period_id=new_period_id, entity_type=link.entity_type,
                                 entity_id=target, field_name=link.field_name), action="evidence.link")
        made += 1
    return made


def links_of_period(ctx: Context, *, period_id: uuid.UUID) -> list[EvidenceLink]:
    ctx.require(Permission.DATA_VIEW)
    return _rows(ctx, EvidenceLink, EvidenceLink.period_id == period_id,
                 order=(EvidenceLink.created_at, EvidenceLink.id))
