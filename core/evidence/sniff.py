"""What a file is, decided from its content (magic bytes; for zip-based Office files the package's declared
content types), never from its name. Anything not on the list is refused, and so are macro-enabled Office files."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from core.errors import DomainError
from core.evidence.safety import ZipLimits, check_zip, open_zip, read_member
from core.i18n import Term

MAX_SHEET_READ = 64 * 1024 * 1024  # a worksheet read to look for DDE formulas (the zip check bounds the total)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv"

# media type → the extension a download gets
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp", XLSX: "xlsx", DOCX: "docx", CSV: "csv"}
IMAGES = (PNG, JPEG, WEBP)

# The main part's content type in [Content_Types].xml (ECMA-376 Part 2, Open Packaging Conventions; the values
# are those Excel and Word write). Macro-enabled variants (xlsm, docm, and their templates) are refused.
_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
}
_MACRO_PARTS = {
    "application/vnd.ms-excel.sheet.macroenabled.main+xml",
    "application/vnd.ms-excel.template.macroenabled.main+xml",
    "application/vnd.ms-excel.addin.macroenabled.main+xml",
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
    "application/vnd.ms-office.vbaproject",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main+xml",
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


@dataclass(frozen=True)
class Sniffed:
    media_type: str


def sniff(data: bytes, limits: ZipLimits | None = None) -> Sniffed:
    """The file's media type from its bytes, or a DomainError saying why it is refused."""
    if not data:
        raise DomainError("evidence.error_empty")
    head = data[:16]
    if data[:5] == b"%PDF-":
        return Sniffed(PDF)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PNG)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(WEBP)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return Sniffed(_office(data, limits))
    if _is_csv(data):
        refuse_dde_text(_csv_text(data))
        return Sniffed(CSV)
    raise DomainError("evidence.error_type")


def _office(data: bytes, limits: ZipLimits | None) -> str:
    zf = open_zip(data)
    with zf:
        check_zip(zf, limits)  # before looking inside: a bomb is refused unopened
        if any(n.replace("\\", "/").rsplit("/", 1)[-1].lower() == "vbaproject.bin" for n in zf.namelist()):
            raise DomainError("evidence.error_macro")
        raw = read_member(zf, "[Content_Types].xml")
    if raw is None:
        raise DomainError("evidence.error_type")
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DomainError("evidence.error_zip_damaged") from exc
    types = {str(el.get("ContentType", "")).lower() for el in root.iter(f"{_CT_NS}Override", f"{_CT_NS}Default")}
    if types & _MACRO_PARTS:
        raise DomainError("evidence.error_macro")
    found = {_MAIN_PARTS[t] for t in types if t in _MAIN_PARTS}
    if len(found) != 1:
        raise DomainError("evidence.error_type")
    kind = found.pop()
    if kind == XLSX:
        _refuse_active_content(data, types)
    return kind


# Content that makes a spreadsheet reach outside itself when opened: a DDE formula (`=cmd|' /C calc'!A0`, the
# classic formula injection) starts a program; an external link fetches another file or a DDE server
# (`xl/externalLinks/`, `ddeLink`); an embedded OLE object (`xl/embeddings/`, `oleObject`) carries a program of
# its own. Evidence is read by reviewers and verifiers: such a file is refused, not stored.
_DDE = re.compile(r"""(?:^|[,;\t])[ \t]*"?[ \t]*[=+\-@][^\n,;\t]*\|[^\n,;\t]*!|\bDDE(?:AUTO)?\s*\(""",
                  re.IGNORECASE | re.MULTILINE)
_DDE_XML = re.compile(rb"<(?:\w+:)?f\b[^>]*>(?:[^<]*\|[^<]*!|[^<]*\bDDE(?:AUTO)?\s*\()", re.IGNORECASE)


def _active(what: str) -> DomainError:
    return DomainError("evidence.error_active_content", what=Term(f"evidence.active.{what}"))


def _refuse_active_content(data: bytes, types: set[str]) -> None:
    if any("externallink" in t for t in types):
        raise _active("external_link")
    if any("oleobject" in t for t in types):
        raise _active("ole_object")
    zf = open_zip(data)
    with zf:
        names = [n.replace("\\", "/").lower() for n in zf.namelist()]
        if any(n.startswith("xl/externallinks/") for n in names):
            raise _active("external_link")
        if any(n.startswith("xl/embeddings/") or "oleobject" in n.rsplit("/", 1)[-1] for n in names):
            raise _active("ole_object")
        for name in zf.namelist():
            low = name.replace("\\", "/").lower()
            if low.startswith("xl/worksheets/") and low.endswith(".xml"):
                xml = read_member(zf, name, limit=MAX_SHEET_READ) or b""
                if b"oleObject" in xml:
                    raise _active("ole_object")
                if _DDE_XML.search(xml):
                    raise _active("dde")


def refuse_dde_text(text: str) -> None:
    """Refuse CSV text holding a DDE formula in any cell (a spreadsheet opens CSV cells as formulas)."""
    if "|" in text and _DDE.search(text):
        raise _active("dde")


def _is_csv(data: bytes) -> bool:
    """Text (UTF-8, or GB18030 as Chinese Excel saves it) without control characters, whose first line has a
    delimiter. Binary files (executables, archives) have NUL or control bytes early and fail here."""
    sample = data[:64 * 1024]
    if b"\x00" in sample:
        return False
    if sample.startswith(b"\xef\xbb\xbf"):
        sample = sample[3:]
    truncated = len(data) > 64 * 1024
    text = next((t for t in (_decode(sample, enc, truncated) for enc in ("utf-8", "gb18030")) if t is not None), None)
    if text is None:
        return False
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return False
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith(("<", "#!", "{", "MZ")):
        return False
    return any(d in first for d in ",;\t")


def _csv_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _decode(sample: bytes, encoding: str, truncated: bool) -> str | None:
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError as exc:
        # a sample cut from a longer file may end inside a multi-byte character: that is not an error
        if truncated and exc.start >= len(sample) - 4:
            try:
                return sample[:exc.start].decode(encoding)
            except UnicodeDecodeError:
                return None
        return None
