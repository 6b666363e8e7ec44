"""The registry report of one customer and one quarter of an approved period, with every problem found."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from core.access import Permission
from core.context import Context
from core.errors import DomainError, NotFound
from core.exchange.frozen import Frozen, load_frozen
from core.exchange.registry.build import (
    Line,
    Operator,
    Party,
    Problem,
    ReportData,
    Signatory,
    Site,
    build_qreport,
    report_problems,
)
from core.exchange.registry.rules import check_rules
from core.exchange.registry.schema import xsd_errors


class ReportDetails(BaseModel):
    """What the registry report needs beyond the reporting data: addresses and who signs (the importer's people)."""

    declarant_city: str = Field(default="", max_length=200)
    declarant_street: str = Field(default="", max_length=200)
    declarant_postcode: str = Field(default="", max_length=50)
    installation_city: str = Field(default="", max_length=200)
    signatory_name: str = Field(default="", max_length=200)
    signatory_position: str = Field(default="", max_length=200)
    signature_place: str = Field(default="", max_length=200)
    representative_eori: str = Field(default="", max_length=40)
    representative_name: str = Field(default="", max_length=200)
    representative_city: str = Field(default="", max_length=200)


@dataclass(slots=True)
class RegistryReport:
    filename: str
    quarter: int
    snapshot_hash: str
    xml: bytes | None  # None while problems remain
    problems: list[Problem] = field(default_factory=list)
    shipments: int = 0


def check_report(xml: bytes, shipment_dates=None) -> list[Problem]:
    """XSD violations and code-rule problems of a built report."""
    problems = [Problem("registry.problem.xsd", {"line": line, "detail": msg}) for line, msg in xsd_errors(xml)]
    return problems + check_rules(xml, shipment_dates)


def report_data(frozen: Frozen, customer_id: uuid.UUID, quarter: int, details: ReportDetails, now) -> ReportData:
    customer = frozen.customers.get(customer_id)
    if customer is None:
        raise NotFound("customer", customer_id)
    inst = frozen.installation
    ships = [s for s in frozen.of_customer(customer_id) if s.line.get("quarter") == quarter]
    lines = [Line(cn_code=s.line["cn_code"], quantity=float(s.line["quantity"]), basis=s.line["basis"],
                  process=s.line.get("process"), country=s.line.get("country") or inst.country,
                  shipped_on=s.shipped_on) for s in ships]
    rep = None
    if details.representative_eori.strip():
        rep = Party(eori=details.representative_eori.strip().upper(), name=details.representative_name,
                    country=details.representative_eori.strip().upper()[:2], city=details.representative_city)
    return ReportData(
        scenario=frozen.scenario, year=frozen.period.year, quarter=quarter,
        declarant=Party(eori=customer.eori, name=customer.name, country=customer.country,
                        city=details.declarant_city, street=details.declarant_street,
                        postcode=details.declarant_postcode),
        site=Site(installation_id=inst.id.hex[:20], name=inst.name, country=inst.country,
                  city=details.installation_city, street=inst.address[:70] if len(inst.address) <= 70 else "",
                  unlocode=inst.unlocode or "", latitude=inst.latitude, longitude=inst.longitude,
                  economic_activity=inst.economic_activity),
        lines=lines, signatory=Signatory(details.signatory_name, details.signatory_position, details.signature_place),
        submitted_at=now, representative=rep, snapshot=frozen.snapshot_hash, operator=operator_of(frozen))


def operator_of(frozen: Frozen) -> Operator:
    """The organization as the installation's operator (written only where complete, `Operator.complete`): its
    Unified Social Credit Code (else EORI) as id, its English (else Chinese) name, the installation's country, its
    city and street, and its registry signatory as contact person with the stored phone and e-mail."""
    o, inst = frozen.organization, frozen.installation
    return Operator(operator_id=(o.uscc or o.eori or "").strip(), name=(o.name_en or o.name_zh).strip(),
                    country=inst.country, city=o.city, street=o.address if len(o.address) <= 70 else "",
                    contact_name=o.signatory_name, contact_phone=o.contact_phone, contact_email=o.contact_email)


def default_details(frozen: Frozen, customer_id: uuid.UUID) -> ReportDetails:
    """The details stored on the customer, installation and organization, as frozen with the period."""
    c = frozen.customers.get(customer_id)
    if c is None:
        raise NotFound("customer", customer_id)
    i, o = frozen.installation, frozen.organization
    return ReportDetails(declarant_city=c.city, declarant_street=c.street, declarant_postcode=c.postcode,
                         installation_city=i.city, signatory_name=o.signatory_name,
                         signatory_position=o.signatory_position, signature_place=o.signature_place,
                         representative_eori=c.representative_eori, representative_name=c.representative_name,
                         representative_city=c.representative_city)


def report_details(ctx: Context, *, period_id: uuid.UUID, customer_id: uuid.UUID) -> ReportDetails:
    """What the registry report of this customer and approved period says by default (the exports page prefills
    it, `cbam export xml` starts from it): the stored details as frozen at approval."""
    ctx.require(Permission.DATA_VIEW)
    return default_details(load_frozen(ctx, period_id), customer_id)


def build_report(data: ReportData, *, eori: str) -> RegistryReport:
    filename = f"QReport_{eori}_{data.year}Q{data.quarter}.xml"
    problems = report_problems(data)
    if problems:
        return RegistryReport(filename, data.quarter, data.snapshot, None, problems, len(data.lines))
    xml = build_qreport(data)
    problems = check_report(xml, [ln.shipped_on for ln in data.lines if ln.shipped_on])
    return RegistryReport(filename, data.quarter, data.snapshot, None if problems else xml, problems, len(data.lines))


def quarters_of(frozen: Frozen, customer_id: uuid.UUID) -> list[int]:
    return sorted({int(s.line["quarter"]) for s in frozen.of_customer(customer_id)})


def registry_report(ctx: Context, *, period_id: uuid.UUID, customer_id: uuid.UUID, quarter: int,
                    details: ReportDetails | None = None) -> RegistryReport:
    """The QReport XML of the goods shipped to one customer in one quarter of an approved period; without
    `details`, the stored ones frozen with the period."""
    ctx.require(Permission.DATA_VIEW)
    if quarter not in (1, 2, 3, 4):
        raise DomainError("registry.error.quarter", quarter=quarter)
    frozen = load_frozen(ctx, period_id)
    if details is None:
        details = default_details(frozen, customer_id)
    data = report_data(frozen, customer_id, quarter, details, ctx.clock.now())
    return build_report(data, eori=frozen.customers[customer_id].eori)
