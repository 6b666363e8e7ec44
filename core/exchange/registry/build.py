"""Build a registry quarterly report (QReport, XSD v23.00) for the goods one installation shipped to one EU
importer in one quarter, from a frozen scenario and the engine's results on it.

    report_problems(data) -> [Problem]   (inputs the XSD would refuse, in the user's words)
    build_qreport(data)   -> bytes       (the XML; validate with `check_report`)

The importer (our customer) is the reporting declarant. Each CN code shipped is one ImportedGood; its emissions
come from the installation (actual: SEE of the process that made it) or from the default values, one
GoodsEmissions per process or per default-value basis. Quantities are net mass in tonnes (electricity: MWh).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from lxml import etree

from core.cbam.engine import evaluate_data, load_for
from core.exchange.errors import ExchangeError
from core.exchange.numbers import absurd_numbers
from core.exchange.registry import codes as c

N = f"{{{c.NAMESPACE}}}"
# Characters XML 1.0 cannot carry (control characters other than tab, line feed, carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that keeps the report from being submitted: a message key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Party:
    """The declarant (the EU importer), or a customs representative acting for it."""

    eori: str
    name: str
    country: str
    city: str = ""
    street: str = ""
    postcode: str = ""


@dataclass(slots=True)
class Site:
    """The installation where the goods were produced."""

    installation_id: str
    name: str
    country: str
    city: str = ""
    street: str = ""
    unlocode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    economic_activity: str = ""


@dataclass(slots=True)
class Operator:
    """The company operating the installation (QReport GoodsEmissions/InstallationOperator). The XSD requires an
    id, a name, a country and city, and at least one contact with name, phone and email: written only when the
    data has all of them (`complete`)."""

    operator_id: str
    name: str
    country: str
    city: str
    street: str = ""
    postcode: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""

    def complete(self) -> bool:
        return all(str(v or "").strip() for v in (self.operator_id, self.name, self.country, self.city,
                                                  self.contact_name, self.contact_phone, self.contact_email))


@dataclass(slots=True)
class Line:
    """One shipment: what the scenario's import line says, plus its date."""

    cn_code: str
    quantity: float
    basis: str  # actual | default
    process: str | None  # the process code for basis "actual"
    country: str  # origin (the installation's country)
    shipped_on: date | None = None


@dataclass(slots=True)
class Signatory:
    name: str = ""
    position: str = ""
    place: str = ""


@dataclass(slots=True)
class ReportData:
    scenario: dict[str, Any]  # cbam-scenario/1 (a frozen snapshot's content)
    year: int
    quarter: int
    declarant: Party
    site: Site
    lines: list[Line]
    signatory: Signatory
    submitted_at: datetime
    representative: Party | None = None
    snapshot: str = ""  # "<hash>" of the snapshot the numbers come from, named in the remarks
    operator: Operator | None = None  # written where complete (Operator.complete)


# (field label key, value, XSD maximum length) of every text the schema requires or limits
def _texts(d: ReportData) -> list[tuple[str, str, int, bool]]:
    out = [
        ("registry.field.declarant_name", d.declarant.name, 70, True),
        ("registry.field.declarant_eori", d.declarant.eori, 17, True),
        ("registry.field.declarant_city", d.declarant.city, 35, True),
        ("registry.field.declarant_street", d.declarant.street, 70, False),
        ("registry.field.declarant_postcode", d.declarant.postcode, 17, False),
        ("registry.field.installation_name", d.site.name, 256, True),
        ("registry.field.installation_city", d.site.city, 35, True),
        ("registry.field.installation_street", d.site.street, 70, False),
        ("registry.field.economic_activity", d.site.economic_activity, 256, False),
        ("registry.field.signatory_name", d.signatory.name, 128, True),
        ("registry.field.signatory_position", d.signatory.position, 128, True),
        ("registry.field.signature_place", d.signatory.place, 128, True),
    ]
    if d.representative is not None:
        out += [("registry.field.representative_name", d.representative.name, 70, True),
                ("registry.field.representative_eori", d.representative.eori, 17, True),
                ("registry.field.representative_city", d.representative.city, 35, True)]
    return out


def report_problems(d: ReportData) -> list[Problem]:
    """What is missing or too long for the schema, said per field (checked before building); a number the report
    cannot hold (not finite, absurdly large or small) is a problem too, never a crash while building."""
    problems = [Problem("exchange.problem.number", {"field": path, "value": value})
                for path, value in absurd_numbers(d.scenario)]
    for label, value, limit, required in _texts(d):
        v = (value or "").strip()
        if _NOT_XML.search(v):
            problems.append(Problem("registry.problem.invalid_characters", {"field": label}))
        elif required and not v:
            problems.append(Problem("registry.problem.missing", {"field": label}))
        elif len(v) > limit:
            problems.append(Problem("registry.problem.too_long", {"field": label, "limit": limit, "length": len(v)}))
    if not d.lines:
        problems.append(Problem("registry.problem.no_goods", {"quarter": f"Q{d.quarter}", "year": d.year}))
    return problems


def dec(value: float, places: int) -> str:
    """A decimal for dec16-n: at most `places` decimals, no exponent, no trailing zeros."""
    if not math.isfinite(float(value)):  # report_problems names such inputs; a result overflowing is refused here
        raise ExchangeError("exchange.error.number_unexportable", field="", value=str(value), count=1)
    with localcontext() as exact:  # room for every digit of any finite float: the XSD check then names the length
        exact.prec = 400
        q = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    e = etree.SubElement(parent, N + name)
    if text is not None:  # the fields a person types are checked first (report_problems); this guards the rest
        e.text = _NOT_XML.sub(" ", text)
    return e


def _opt(parent: etree._Element, name: str, text: str | None) -> None:
    if text is not None and str(text).strip():
        _el(parent, name, str(text).strip())


def _measure(parent: etree._Element, name: str, cn: str, qty: float, *, indicator: bool = False) -> None:
    m = _el(parent, name)
    if indicator:
        _el(m, "Indicator", c.QUANTITY_INDICATOR)
    if cn == c.ELECTRICITY_CN:
        _el(m, "SupplementaryUnits", dec(qty, 6))
        _el(m, "MeasurementUnit", c.UNIT_MWH)
    else:
        _el(m, "NetMass", dec(qty, 6))
        _el(m, "MeasurementUnit", c.UNIT_TONNES)


def _party(parent: etree._Element, tag: str, address_tag: str, p: Party, *, declarant: bool = False,
           role: str = "") -> None:
    e = _el(parent, tag)
    _el(e, "IdentificationNumber", p.eori.strip())
    _el(e, "Name", p.name.strip())
    if declarant:
        _el(e, "Role", role)
    a = _el(e, address_tag)
    if not declarant:  # DeclarantAddressType has no Country: the EORI names it
        _el(a, "Country", p.country)
    _el(a, "City", p.city.strip())
    _opt(a, "Street", p.street)
    _opt(a, "Postcode", p.postcode)


def _emissions_groups(d: ReportData, lines: list[Line]) -> dict[tuple[str, str | None], float]:
    groups: dict[tuple[str, str | None], float] = {}
    for ln in lines:
        key = (ln.basis, ln.process if ln.basis == "actual" else ln.country)
        groups[key] = groups.get(key, 0.0) + ln.quantity
    return groups


def build_qreport(d: ReportData) -> bytes:
    """The QReport XML (UTF-8). Call `report_problems` first: this writes what it is given."""
    ev = evaluate_data(d.scenario)
    _sc, ref = load_for(d.scenario)
    electricity_ef = {p["id"]: (p.get("electricity") or {}).get("ef") for p in d.scenario.get("processes", [])}
    routes = {p["id"]: p.get("route") for p in d.scenario.get("processes", [])}
    procs = {p["id"]: p for p in d.scenario.get("processes", [])}
    root = etree.Element(N + "QReport", nsmap={None: c.NAMESPACE})
    _el(root, "SubmissionDate", d.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    _el(root, "ReportingPeriod", f"Q{d.quarter}")
    _el(root, "Year", str(d.year))
    role = c.ROLE_REPRESENTATIVE if d.representative is not None else c.ROLE_IMPORTER
    _party(root, "Declarant", "ActorAddress", d.representative or d.declarant, declarant=True, role=role)
    if d.representative is not None:
        _party(root, "Representative", "RepresentativeAddress", d.representative)
        _party(root, "Importer", "ImporterAddress", d.declarant)
    sig = _el(_el(root, "Signatures"), "ReportConfirmation")
    _el(sig, "GlobalDataConfirmation", "true")
    _el(sig, "UseOfDataConfirmation", "true")
    _el(sig, "SignaturePlace", d.signatory.place.strip())
    _el(sig, "Signature", d.signatory.name.strip())
    _el(sig, "PositionOfPersonSending", d.signatory.position.strip())
    if d.snapshot:
        _el(_el(root, "Remarks"), "AdditionalInformation",
            f"Embedded emissions from the approved, frozen reporting data of {d.site.name[:200]}, "
            f"snapshot SHA-256 {d.snapshot}")
    by_cn: dict[str, list[Line]] = {}
    for ln in d.lines:
        by_cn.setdefault(ln.cn_code, []).append(ln)
    for item, (cn, lines) in enumerate(sorted(by_cn.items()), start=1):
        total = sum(ln.quantity for ln in lines)
        good = _el(root, "ImportedGood")
        _el(good, "ItemNumber", str(item))
        cc = _el(good, "CommodityCode")
        _el(cc, "HsCode", cn[:6])
        _el(cc, "CnCode", cn[:8])
        details = _el(cc, "CommodityDetails")
        _opt(details, "Description", ref.category_of(cn))
        _el(_el(good, "OriginCountry"), "Country", lines[0].country)
        iq = _el(good, "ImportedQuantity")
        _el(iq, "SequenceNumber", "1")
        proc = _el(iq, "Procedure")
        _el(proc, "RequestedProc", c.REQUESTED_PROCEDURE)
        _el(proc, "PreviousProc", c.PREVIOUS_PROCEDURE)
        _el(_el(iq, "ImportArea"), "ImportArea", c.IMPORT_AREA)
        _measure(iq, "MeasureProcedureImported", cn, total, indicator=True)
        _measure(good, "MeasureImported", cn, total)
        for seq, ((basis, key), qty) in enumerate(_emissions_groups(d, lines).items(), start=1):
            ge = _el(good, "GoodsEmissions")
            _el(ge, "SequenceNumber", str(seq))
            _el(ge, "ProductionCountry", d.site.country)
            if d.operator is not None and d.operator.complete():
                _operator(ge, d.operator)
            _site(ge, d.site)
            _measure(ge, "ProducedMeasure", cn, qty)
            if basis == "actual":
                r = ev.processes[key]
                see_dir, see_ind, det = r.see_direct, r.see_indirect, c.DETERMINATION_ACTUAL
                method = f"{c.methodology_act(d.year)}; process {key} of the installation, reporting year {d.year}"
            else:
                row = ref.default_values.lookup(key, cn).row
                see_dir, see_ind, det = row.direct or 0.0, row.indirect or 0.0, c.DETERMINATION_DEFAULT
                method = f"Default values, Impl. Reg. (EU) 2025/2621, version {ref.default_values.version}"
                markup_note = _markup_remark(ref, row, cn, d.year)
            de = _el(ge, "DirectEmissions")
            _el(de, "DeterminationType", det)
            _el(de, "ApplicableReportingTypeMethodology", c.METHODOLOGY_EU)
            _el(de, "ApplicableReportingMethodology", method)
            _el(de, "SpecificEmbeddedEmissions", dec(see_dir, 7))
            _el(de, "MeasurementUnit", c.EMISSIONS_UNIT)
            ie = _el(ge, "IndirectEmissions")
            _el(ie, "DeterminationType", det)
            ef = electricity_ef.get(key) if basis == "actual" else None
            if ef:
                _el(ie, "EmissionFactor", dec(ef, 5))
            _el(ie, "SpecificEmbeddedEmissions", dec(see_ind, 7))
            _el(ie, "MeasurementUnit", c.EMISSIONS_UNIT)
            _el(ie, "ElectricitySource", c.ELECTRICITY_SOURCE_GRID)
            remarks = [markup_note] if basis == "default" else []
            if basis == "actual" and routes.get(key):
                remarks.append(f"Production route: {routes[key]}")
            if basis == "actual":
                remarks += _qualifying(ge, procs.get(key) or {})
            for n, text in enumerate(remarks, start=1):
                rem = _el(ge, "RemarksEmissions")
                _el(rem, "SequenceNumber", str(n))
                _el(rem, "AdditionalInformation", text[:512])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _markup_remark(ref, row, cn: str, year: int) -> str:
    """Why the CBAM basis of a default-value line is higher than the default value this report carries: the
    mark-up on default values (Impl. Reg. (EU) 2025/2621) counts for certificates, not in the report."""
    sector = row.sector or ref.categories[ref.category_of(cn) or ""].sector
    mk = ref.markup(sector, year)
    total = row.total or 0.0
    return (f"Default value without mark-up: {dec(total, 7)} tCO2e/t (direct {dec(row.direct or 0.0, 7)}, indirect "
            f"{dec(row.indirect or 0.0, 7)}). The CBAM basis used for certificates adds the {year} default-value "
            f"mark-up of {dec(mk * 100, 4)} %: {dec(total * (1 + mk), 7)} tCO2e/t.")[:512]


def _qualifying(ge: etree._Element, p: dict[str, Any]) -> list[str]:
    """The qualifying parameters of the production method (Impl. Reg. (EU) 2023/1773 Annex IV; the template's
    Summary_Products), written as ProdMethodQualifyingParams where the method's code is known, else returned as
    a remark. Written before SupportingDocuments/CarbonPriceDue/RemarksEmissions, as the XSD orders them."""
    params = {str(k): v for k, v in (p.get("qualifying_parameters") or {}).items()
              if v is not None and str(v).strip()}
    if not params:
        return []
    text = "; ".join(f"{k}: {v}" for k, v in params.items())
    method = c.METHOD_CODES.get((p.get("goods_category"), p.get("route")))
    if method is None:
        return [f"Qualifying parameters of the production method: {text}"]
    q = _el(ge, "ProdMethodQualifyingParams")
    _el(q, "SequenceNumber", "1")
    _el(q, "MethodId", method)
    _el(q, "AdditionalInformation", text[:512])
    coded = [(c.PARAMETER_CODES[k], v) for k, v in params.items() if k in c.PARAMETER_CODES]
    for n, (pid, v) in enumerate(coded, start=1):
        dq = _el(q, "DirectQualifyingParameters")
        _el(dq, "SequenceNumber", str(n))
        _el(dq, "ParameterId", pid)
        _el(dq, "ParameterValue", str(v)[:256])
    return []


def _operator(parent: etree._Element, o: Operator) -> None:
    e = _el(parent, "InstallationOperator")
    _el(e, "OperatorId", o.operator_id.strip()[:25])
    _el(e, "OperatorName", o.name.strip()[:70])
    a = _el(e, "OperatorAddress")
    _el(a, "Country", o.country)
    _el(a, "City", o.city.strip()[:35])
    _opt(a, "Street", o.street.strip()[:70])
    _opt(a, "Postcode", o.postcode.strip()[:17])
    cd = _el(e, "ContactDetails")
    _el(cd, "Name", o.contact_name.strip()[:70])
    _el(cd, "Phone", o.contact_phone.strip()[:35])
    _el(cd, "Email", o.contact_email.strip()[:256])


def _site(parent: etree._Element, s: Site) -> None:
    inst = _el(parent, "Installation")
    _el(inst, "InstallationId", s.installation_id[:20])
    _el(inst, "InstallationName", s.name.strip())
    _opt(inst, "EconomicActivity", s.economic_activity)
    a = _el(inst, "Address")
    _el(a, "EstablishmentCountry", s.country)
    _el(a, "City", s.city.strip())
    _opt(a, "Street", s.street)
    _opt(a, "UNLOCODE", s.unlocode)
    if s.latitude is not None and s.longitude is not None:
        _el(a, "Latitude", dec(s.latitude, 7))
        _el(a, "Longitude", dec(s.longitude, 7))
