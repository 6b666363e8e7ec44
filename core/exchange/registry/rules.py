"""Rules of the registry report that the XSD cannot state, checked on the built XML.

The XML guidance document marks such elements "C" (conditional) and keeps the rules in the Commission's Report
Structure workbook, which is not shipped (codes.py). Each rule here names where it comes from; each returns
`Problem`s with a message key of `core/exchange/registry/messages.json`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from lxml import etree

from core.cbam import load_reference
from core.exchange.registry import codes as c
from core.exchange.registry.build import Problem
from core.reporting.customers import EU_MEMBER_STATES
from core.validation import validate_eori

N = f"{{{c.NAMESPACE}}}"
Rule = Callable[[etree._Element, list[date]], list[Problem]]
RULES: list[tuple[str, Rule]] = []


def rule(name: str) -> Callable[[Rule], Rule]:
    def add(fn: Rule) -> Rule:
        RULES.append((name, fn))
        return fn
    return add


def _text(e: etree._Element | None, path: str) -> str:
    if e is None:
        return ""
    found = e.find(_p(path))
    return (found.text or "").strip() if found is not None else ""


def _p(path: str) -> str:
    return "/".join(N + part for part in path.split("/"))


def _num(e: etree._Element, path: str) -> float | None:
    t = _text(e, path)
    try:
        return float(t) if t else None
    except ValueError:
        return None


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@rule("quarter")
def _quarter(root, dates):
    """ReportingPeriod Q1..Q4 of a year from the first CBAM quarter on; every shipment lies in that quarter
    (Impl. Reg. (EU) 2023/1773 Art. 3: a report covers the goods imported in the quarter)."""
    period, year = _text(root, "ReportingPeriod"), _text(root, "Year")
    if period not in c.QUARTERS or not (year.isascii() and year.isdigit()) or int(year) < c.FIRST_YEAR:
        return [Problem("registry.problem.quarter", {"period": period, "year": year})]
    start, end = quarter_bounds(int(year), int(period[1]))
    outside = sorted({d for d in dates if not start <= d <= end})
    return [Problem("registry.problem.shipment_outside_quarter",
                    {"date": d.isoformat(), "start": start.isoformat(), "end": end.isoformat()}) for d in outside]


@rule("submission_date")
def _submission(root, dates):
    """A report is submitted after its quarter has begun (it reports goods already imported)."""
    sub, period, year = _text(root, "SubmissionDate"), _text(root, "ReportingPeriod"), _text(root, "Year")
    if not sub or period not in c.QUARTERS or not (year.isascii() and year.isdigit()):
        return []
    start, _end = quarter_bounds(int(year), int(period[1]))
    if sub[:10] < start.isoformat():
        return [Problem("registry.problem.submitted_before_quarter", {"date": sub[:10], "start": start.isoformat()})]
    return []


@rule("declarant")
def _declarant(root, dates):
    """The declarant's identification is an EORI number of a Member State (Reg. (EU) 2023/956 Art. 5, 17)."""
    eori = _text(root, "Declarant/IdentificationNumber")
    if validate_eori(eori) or not eori:
        return [Problem("registry.problem.declarant_eori", {"value": eori})]
    if eori[:2] not in EU_MEMBER_STATES:
        return [Problem("registry.problem.declarant_not_eu", {"country": eori[:2]})]
    return []


@rule("representative")
def _representative(root, dates):
    """A customs representative is someone else than the importer: their identifications differ, and a
    declarant acting as representative names the importer (Reg. (EU) 2023/956 Art. 5(1), Art. 2(1) of 2023/1773)."""
    out = []
    role = _text(root, "Declarant/Role")
    importer = _text(root, "Importer/IdentificationNumber")
    for scope in [root, *root.findall(N + "ImportedGood")]:
        rep = _text(scope, "Representative/IdentificationNumber")
        imp = _text(scope, "Importer/IdentificationNumber") or importer
        if rep and imp and rep.upper() == imp.upper():
            out.append(Problem("registry.problem.importer_is_representative", {"eori": rep}))
    if role == c.ROLE_REPRESENTATIVE and not importer:
        out.append(Problem("registry.problem.importer_missing", {}))
    if role not in (c.ROLE_IMPORTER, c.ROLE_REPRESENTATIVE):
        out.append(Problem("registry.problem.role", {"value": role}))
    return out


@rule("commodity")
def _commodity(root, dates):
    """CN code: 8 digits, a CBAM good (Reg. (EU) 2023/956 Annex I), and the HS code is its first six digits."""
    out = []
    ref = load_reference()
    for good in root.findall(N + "ImportedGood"):
        item = _text(good, "ItemNumber")
        cn, hs = _text(good, "CommodityCode/CnCode"), _text(good, "CommodityCode/HsCode")
        if not (cn.isascii() and cn.isdigit() and len(cn) == 8) or not ref.is_known_cn(cn):
            out.append(Problem("registry.problem.cn_not_cbam", {"item": item, "cn": cn}))
        elif hs != cn[:6]:
            out.append(Problem("registry.problem.hs_mismatch", {"item": item, "hs": hs, "cn": cn}))
    return out


def _measures(good: etree._Element) -> list[tuple[str, etree._Element]]:
    out = [("MeasureImported", good.find(N + "MeasureImported"))]
    out += [("MeasureProcedureImported", m) for m in good.iter(N + "MeasureProcedureImported")]
    out += [("ProducedMeasure", m) for m in good.iter(N + "ProducedMeasure")]
    return [(n, m) for n, m in out if m is not None]


@rule("units")
def _units(root, dates):
    """The unit a good is declared in follows its CN code: net mass in tonnes, electricity in MWh as supplementary
    units (Reg. (EU) 2023/956 Annex IV; codes.py)."""
    out = []
    for good in root.findall(N + "ImportedGood"):
        cn, item = _text(good, "CommodityCode/CnCode"), _text(good, "ItemNumber")
        electricity = cn == c.ELECTRICITY_CN
        want_unit, want_qty = (c.UNIT_MWH, "SupplementaryUnits") if electricity else (c.UNIT_TONNES, "NetMass")
        for name, m in _measures(good):
            unit = _text(m, "MeasurementUnit")
            if unit != want_unit or m.find(N + want_qty) is None:
                out.append(Problem("registry.problem.unit", {"item": item, "element": name, "unit": unit,
                                                             "cn": cn, "expected": want_unit}))
    return out


@rule("totals")
def _totals(root, dates):
    """The quantity imported is the sum of the quantities per procedure, and the quantities produced by each
    installation add up to it."""
    out = []
    for good in root.findall(N + "ImportedGood"):
        item = _text(good, "ItemNumber")
        qty = "SupplementaryUnits" if _text(good, "CommodityCode/CnCode") == c.ELECTRICITY_CN else "NetMass"
        total = _num(good, f"MeasureImported/{qty}") or 0.0
        per_proc = sum(_num(m, qty) or 0.0 for m in good.iter(N + "MeasureProcedureImported"))
        produced = sum(_num(m, qty) or 0.0 for m in good.iter(N + "ProducedMeasure"))
        for what, value in (("procedures", per_proc), ("installations", produced)):
            if abs(value - total) > c.TOLERANCE * max(1.0, abs(total)):
                out.append(Problem("registry.problem.total", {"item": item, "what": what, "sum": value,
                                                              "total": total}))
    return out


@rule("sequence")
def _sequence(root, dates):
    """Item numbers count 1, 2, 3 … and so do the sequence numbers inside each good."""
    out = []
    items = [_text(g, "ItemNumber") for g in root.findall(N + "ImportedGood")]
    if items != [str(i) for i in range(1, len(items) + 1)]:
        out.append(Problem("registry.problem.item_numbers", {"numbers": ", ".join(items)}))
    for good in root.findall(N + "ImportedGood"):
        for tag in ("ImportedQuantity", "GoodsEmissions"):
            seqs = [_text(e, "SequenceNumber") for e in good.findall(N + tag)]
            if seqs != [str(i) for i in range(1, len(seqs) + 1)]:
                out.append(Problem("registry.problem.sequence", {"item": _text(good, "ItemNumber"), "element": tag,
                                                                 "numbers": ", ".join(seqs)}))
    return out


@rule("origin")
def _origin(root, dates):
    """Goods come from outside the customs territory of the Union (Reg. (EU) 2023/956 Art. 2(1)); the import
    area is a code of the guidance document; the production country is where the installation stands."""
    out = []
    for good in root.findall(N + "ImportedGood"):
        item, origin = _text(good, "ItemNumber"), _text(good, "OriginCountry/Country")
        if origin in EU_MEMBER_STATES:
            out.append(Problem("registry.problem.origin_eu", {"item": item, "country": origin}))
        for iq in good.findall(N + "ImportedQuantity"):
            area = _text(iq, "ImportArea/ImportArea")
            if area not in c.IMPORT_AREAS:
                out.append(Problem("registry.problem.import_area", {"item": item, "value": area}))
        for ge in good.findall(N + "GoodsEmissions"):
            prod = _text(ge, "ProductionCountry")
            site = _text(ge, "Installation/Address/EstablishmentCountry")
            if prod and site and prod != site:
                out.append(Problem("registry.problem.production_country", {"item": item, "country": prod,
                                                                            "installation": site}))
    return out


@rule("emissions")
def _emissions(root, dates):
    """Specific embedded emissions are not negative (Impl. Reg. (EU) 2023/1773 Annex III)."""
    out = []
    for good in root.findall(N + "ImportedGood"):
        for ge in good.findall(N + "GoodsEmissions"):
            for kind in ("DirectEmissions", "IndirectEmissions"):
                v = _num(ge, f"{kind}/SpecificEmbeddedEmissions")
                if v is not None and v < 0:
                    out.append(Problem("registry.problem.negative_emissions",
                                       {"item": _text(good, "ItemNumber"), "value": v}))
    return out


def check_rules(xml: bytes, shipment_dates: list[date] | None = None) -> list[Problem]:
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    out: list[Problem] = []
    for _name, fn in RULES:
        out += fn(root, list(shipment_dates or []))
    return out
