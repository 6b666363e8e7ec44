"""Documents for the AI helper (issue 16): figures read from an invoice, a meter reading or a supplier declaration
(a PDF or a PNG/JPEG image), proposed with the exact text they were read from, and saved only when a person
confirms each one.

Text comes from the PDF's text layer (pypdf) and, for scans and images, from RapidOCR (the optional extra `ocr`; its
model ships inside its wheel, so nothing is fetched at run time). Candidates are found deterministically (a number
followed by a unit, the label before it on the same line says which figure it is). An AI service, when the
organization switched it on, may only suggest how numbers map to fields: every proposal, whoever made it, must quote
a line found verbatim in the extracted text, and its number must be one that quote states (the grounding guard).
Nothing is written before `confirm_proposal`, which writes through the reporting services (their permission checks,
validation and audit), stores the document as evidence and links it to the figure it filled."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import unicodedata
import uuid
from collections import OrderedDict
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from core import audit
from core.access import Permission
from core.assistant.grounding import Grounding, numbers_in
from core.context import Context
from core.errors import DomainError
from core.evidence.sniff import JPEG, PDF, PNG, sniff

log = logging.getLogger(__name__)

ACCEPTED = (PDF, PNG, JPEG)
PDF_TEXT, OCR, AI = "pdf_text", "ocr", "ai"

# field → (entity type it belongs to, the unit the field is kept in, the evidence link's field name)
FIELDS: dict[str, tuple[str, str, str]] = {
    "activity_level": ("process", "t", "activity_level"),
    "direct_emissions": ("process", "tCO2e", "direct_emissions"),
    "electricity_consumed_mwh": ("process", "MWh", "electricity_consumed_mwh"),
    "heat_imported_tj": ("process", "TJ", "heat_imported_tj"),
    "fuel_amount": ("source_stream", "t | 1000Nm3", "stream"),
    "see_direct": ("precursor", "tCO2e/t", "see_direct"),
    "shipment_quantity": ("shipment", "t", "quantity"),
}

# A number (1,234.5 · 1234 · １２３, after NFKC) and its unit. Longest units first; a Latin unit must not run on into
# a word ("tons" is a unit, "total" is not).
_UNITS = {
    "tco2e/t": "tCO2e/t", "tco2/t": "tCO2e/t", "tco2e": "tCO2e", "tco2": "tCO2e", "gwh": "GWh", "mwh": "MWh",
    "kwh": "kWh", "gj": "GJ", "tj": "TJ", "nm3": "Nm3", "nm³": "Nm3", "m3": "m3", "m³": "m3", "吨": "t",
    "tonnes": "t", "tonne": "t", "tons": "t", "ton": "t", "t": "t",
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_FIGURE = re.compile(r"(?<![\d.A-Za-z_])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(" + _UNIT_RE + r")(?![A-Za-z0-9])",
                     re.IGNORECASE)

# label words (lower case) → field, for a mass in t; the first that matches wins
_MASS_LABELS = (
    ("fuel_amount", ("煤", "焦", "天然气", "燃料", "柴油", "重油", "coal", "coke", "natural gas", "fuel", "diesel",
                     "fuel oil", "lpg")),
    ("shipment_quantity", ("发货", "出口", "装运", "交货", "净重", "数量", "shipped", "shipment", "delivered",
                           "net weight", "quantity")),
    ("activity_level", ("产量", "生产", "产出", "活动水平", "production", "produced", "output", "activity level")),
)
_HEAT_LABELS = ("热", "蒸汽", "heat", "steam")
_SEE_LABELS = ("嵌入", "隐含", "see", "embedded", "specific")

_FACTORS = {("MWh", "MWh"): Decimal(1), ("kWh", "MWh"): Decimal("0.001"), ("GWh", "MWh"): Decimal(1000),
            ("TJ", "TJ"): Decimal(1), ("GJ", "TJ"): Decimal("0.001"), ("t", "t"): Decimal(1),
            ("Nm3", "1000Nm3"): Decimal("0.001"), ("m3", "1000Nm3"): Decimal("0.001"),
            ("tCO2e", "tCO2e"): Decimal(1), ("tCO2e/t", "tCO2e/t"): Decimal(1)}


@dataclass(frozen=True)
class Proposal:
    """One figure read from a document: the field it would fill, the number and unit as written, the line of the
    document it was read from (verbatim), and the value in the field's own unit."""

    field: str
    number: str       # as written in the document (ASCII digits)
    unit: str         # as written, canonical spelling (t, MWh, kWh, Nm3, tCO2e, ...)
    quote: str        # the line of the extracted text the number was read from
    value: float      # in the field's unit (kWh → MWh, GJ → TJ, Nm3 → 1000Nm3)
    field_unit: str
    source: str = PDF_TEXT  # pdf_text, ocr or ai

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Reading:
    """What a document gave: its text, how it was read, its type and fingerprint, and the checked proposals."""

    name: str
    media_type: str
    sha256: str
    text: str
    source: str
    proposals: list[Proposal]


def ocr_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


_ENGINE: Any = None


def _ocr(images: list[bytes]) -> str:
    """The text of images, line by line in reading order (top to bottom, left to right)."""
    global _ENGINE
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:
        raise DomainError("assistant.doc_ocr_missing") from e
    if _ENGINE is None:  # loading the model takes a second or two: once per process
        _ENGINE = RapidOCR()
    lines: list[str] = []
    for data in images:
        result, _ = _ENGINE(data)
        boxes = sorted(result or [], key=lambda r: (round(r[0][0][1] / 10), r[0][0][0]))
        lines += [str(r[1]).strip() for r in boxes if str(r[1]).strip()]
    return "\n".join(lines)


def _pdf_text(data: bytes) -> tuple[str, list[bytes]]:
    """The PDF's text layer, and its pages' images (for OCR when there is no text layer)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        texts, images = [], []
        for page in reader.pages[:50]:  # a declaration or an invoice; never a 2,000-page book
            texts.append(page.extract_text() or "")
            if not texts[-1].strip():
                try:
                    images += [img.data for img in page.images]
                except Exception:  # noqa: BLE001  (an image pypdf cannot decode: no text from it)
                    log.debug("pdf image not readable", exc_info=True)
    except Exception as e:  # noqa: BLE001  (a damaged PDF: said, not a crash)
        raise DomainError("assistant.doc_unreadable") from e
    return "\n".join(texts), images


_TEXTS: OrderedDict[str, tuple[str, str]] = OrderedDict()  # sha256 → (text, source): confirm does not OCR again


def extract_text(data: bytes) -> tuple[str, str, str, str]:
    """(text, source, media type, sha256) of a PDF or a PNG/JPEG image."""
    media_type = sniff(data).media_type
    if media_type not in ACCEPTED:
        raise DomainError("assistant.doc_type", type=media_type)
    digest = hashlib.sha256(data).hexdigest()
    if digest in _TEXTS:
        text, source = _TEXTS[digest]
        return text, source, media_type, digest
    if media_type == PDF:
        text, images = _pdf_text(data)
        source = PDF_TEXT
        if not text.strip():
            if not images:
                raise DomainError("assistant.doc_no_text")
            text, source = _ocr(images), OCR
    else:
        text, source = _ocr([data]), OCR
    text = unicodedata.normalize("NFKC", text)
    _TEXTS[digest] = (text, source)
    while len(_TEXTS) > 32:
        _TEXTS.popitem(last=False)
    return text, source, media_type, digest


def _field_for(unit: str, label: str) -> str | None:
    low = label.lower()
    if unit == "tCO2e/t":
        return "see_direct"
    if unit == "tCO2e":
        return "see_direct" if any(w in low for w in _SEE_LABELS) and "/t" in low else "direct_emissions"
    if unit in ("MWh", "kWh", "GWh"):
        return "electricity_consumed_mwh"
    if unit in ("GJ", "TJ"):
        return "heat_imported_tj" if any(w in low for w in _HEAT_LABELS) else None
    if unit in ("Nm3", "m3"):
        return "fuel_amount"
    for field, words in _MASS_LABELS:
        if any(w in low for w in words):
            return field
    return None


def _field_unit(field: str, unit: str) -> str:
    if field == "fuel_amount":
        return "1000Nm3" if unit in ("Nm3", "m3") else "t"
    return FIELDS[field][1]


def make_proposal(field: str, number: str, unit: str, quote: str, source: str) -> Proposal | None:
    """A proposal in its field's unit; None when the unit does not convert into the field's unit."""
    if field not in FIELDS:
        return None
    unit = _UNITS.get(unit.strip().lower(), unit.strip())
    target = _field_unit(field, unit)
    factor = _FACTORS.get((unit, target))
    if factor is None:
        return None
    value = Decimal(number.replace(",", "")) * factor
    return Proposal(field, number, unit, quote, float(value), target, source)


def candidates(text: str, source: str = PDF_TEXT) -> list[Proposal]:
    """Every number with a unit whose label says which figure it is, line by line, in document order."""
    out: list[Proposal] = []
    for raw in text.splitlines():
        line = raw.strip()
        start = 0
        for m in _FIGURE.finditer(line):
            label = line[start:m.start()]
            start = m.end()
            unit = _UNITS[m.group(3).lower()]
            field = _field_for(unit, label or line)
            if field is None:
                continue
            p = make_proposal(field, m.group(1) + (m.group(2) or ""), unit, line, source)
            if p is not None:
                out.append(p)
    return out


def checked(proposals: list[Proposal], text: str) -> list[Proposal]:
    """The proposals whose quote is found verbatim in the document's text and whose number that quote states;
    anything else (a misread, an AI service's invention) is dropped. Duplicates are kept once."""
    out, seen = [], set()
    for p in proposals:
        quote = (p.quote or "").strip()
        if not quote or quote not in text:
            continue
        if not Grounding([n for n in numbers_in(quote)]).grounded(p.number) or p.number not in numbers_in(quote):
            continue
        key = (p.field, p.number, p.unit, quote)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


_PROMPT = ("You map figures of a CBAM document to fields. Fields: " + ", ".join(FIELDS) + ". Reply with JSON only: "
           '{"proposals": [{"field": ..., "number": "as written", "unit": ..., "quote": "the exact line"}]}. '
           "Copy numbers and quotes exactly from the document; never compute.")


def _suggested(ctx: Context, text: str) -> list[Proposal]:
    """The AI service's field mapping (only when the organization switched it on; masked without the person's
    consent to the transfer abroad, as for questions). Failures leave the deterministic proposals alone."""
    from core.assistant.provider import Masker, _client
    from core.assistant.service import _known_names, consented_to_transfer, provider_config, provider_enabled

    config = provider_config()
    if config is None or not provider_enabled(ctx):
        return []
    mask = Masker(_known_names(ctx), active=not consented_to_transfer(ctx))
    try:
        reply = _client(config).chat.completions.create(
            model=config.model, messages=[{"role": "system", "content": _PROMPT},
                                          {"role": "user", "content": mask(text[:20000])}])
        body = reply.choices[0].message.content or ""
        items = json.loads(body[body.find("{"):body.rfind("}") + 1]).get("proposals", [])
    except Exception as e:  # noqa: BLE001  (an unreachable service, a reply that is not JSON: nothing suggested)
        log.warning("AI document mapping failed: %s", type(e).__name__)
        return []
    out = []
    for it in items if isinstance(items, list) else []:
        if not isinstance(it, dict):
            continue
        try:
            p = make_proposal(str(it.get("field")), str(it.get("number")), str(it.get("unit")),
                              str(it.get("quote") or ""), AI)
        except Exception:  # noqa: BLE001  (a number that is not one)
            continue
        if p is not None:
            out.append(p)
    return out


def read_document(ctx: Context, *, name: str, data: bytes) -> Reading:
    """Read a document and propose its figures. Stores nothing."""
    ctx.require(Permission.DATA_VIEW)
    from core.evidence.files import _checked

    _checked(data)  # the evidence upload's size limit and content checks, before anything parses it
    text, source, media_type, digest = extract_text(data)
    proposals = candidates(text, source)
    proposals += _suggested(ctx, text)
    return Reading(name, media_type, digest, text, source, checked(proposals, text))


def _with(data_cls, row, **changes):  # noqa: ANN001
    """The service's input model filled from the stored row, with one field changed."""
    return data_cls(**{k: getattr(row, k) for k in data_cls.model_fields if hasattr(row, k)} | changes)


def _same_period(row, period_id: uuid.UUID) -> None:  # noqa: ANN001
    if str(row.period_id) != str(period_id):  # the evidence link is made on the period named: it must be the row's
        raise DomainError("assistant.doc_other_period")


def confirm_proposal(ctx: Context, *, period_id: uuid.UUID, proposal: Proposal, entity_id: uuid.UUID,
                     name: str, data: bytes) -> uuid.UUID:
    """A person confirmed one proposal for one figure (a process, source stream, precursor or shipment of the
    period): the quote is checked against the document again, the figure written through its reporting service,
    the document stored as evidence (deduplicated) and linked to the figure. Returns the evidence file's id."""
    from core.evidence import link_file, upload_files
    from core.records import get_scoped
    from core.reporting.precursors import PurchasedPrecursorData, update_purchased_precursor
    from core.reporting.processes import ProcessData, update_process
    from core.reporting.shipments import ShipmentData, update_shipment
    from core.reporting.source_streams import SourceStreamData, update_source_stream
    from db.reporting_models import ProductionProcess, PurchasedPrecursor, Shipment, SourceStream

    ctx.require(Permission.DATA_EDIT)
    ctx.require(Permission.EVIDENCE_EDIT)
    if proposal.field not in FIELDS:
        raise DomainError("assistant.doc_field", field=proposal.field)
    text, _, _, _ = extract_text(data)
    again = make_proposal(proposal.field, proposal.number, proposal.unit, proposal.quote, proposal.source)
    if again is None or not checked([again], text):
        raise DomainError("assistant.doc_quote_missing")
    entity_type, _, link_field = FIELDS[proposal.field]
    value = again.value
    if entity_type == "process":
        row = get_scoped(ctx, ProductionProcess, entity_id)
        _same_period(row, period_id)
        before = getattr(row, proposal.field)
        update_process(ctx, process_id=row.id, data=_with(ProcessData, row, **{proposal.field: value}),
                       expected_version=row.version)
    elif entity_type == "source_stream":
        row = get_scoped(ctx, SourceStream, entity_id)
        _same_period(get_scoped(ctx, ProductionProcess, row.process_id), period_id)
        params = dict(row.params or {})
        if params.get("activity_unit") and params["activity_unit"] != again.field_unit:
            raise DomainError("assistant.doc_unit_mismatch", unit=again.field_unit, expected=params["activity_unit"])
        before = params.get("activity_data")
        params["activity_data"] = value
        update_source_stream(ctx, stream_id=row.id, expected_version=row.version,
                             data=SourceStreamData(name=row.name or "", method=row.method, params=params))
    elif entity_type == "precursor":
        row = get_scoped(ctx, PurchasedPrecursor, entity_id)
        _same_period(row, period_id)
        before = row.see_direct
        update_purchased_precursor(ctx, precursor_id=row.id, expected_version=row.version,
                                   data=_with(PurchasedPrecursorData, row, see_direct=value, data_source="actual"))
    else:
        row = get_scoped(ctx, Shipment, entity_id)
        _same_period(row, period_id)
        before = row.quantity
        update_shipment(ctx, shipment_id=row.id, data=_with(ShipmentData, row, quantity=value),
                        expected_version=row.version)
    result = upload_files(ctx, files=[(name, data)])[0]
    if result.error is not None:
        raise result.error
    try:
        link_file(ctx, file_id=result.file.id, period_id=period_id, entity_type=entity_type, entity_id=row.id,
                  field_name=link_field)
    except DomainError as e:
        if e.key != "evidence.error_already_linked":  # the same document confirmed for the figure once more
            raise
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action="assistant.document_confirmed",
                 entity=entity_type, entity_id=row.id, before={proposal.field: before},
                 after={proposal.field: value, "number": proposal.number, "unit": proposal.unit,
                        "quote": proposal.quote[:300], "file_id": str(result.file.id), "source": proposal.source},
                 at=ctx.clock.now())
    return result.file.id
