"""Checks on an uploaded Office Open XML package before anything parses it: size, that it is a zip holding a
workbook, no macros, and no decompression bomb (declared and actual sizes, compression ratio).

    check_xlsx_package(data, max_bytes=..., max_ratio=..., max_unpacked=...) -> list of member names

Reusable for any .xlsx upload (data-entry workbooks, supplier templates, evidence).
"""
from __future__ import annotations

import io
import zipfile

from core.exchange.errors import ExchangeError

MAX_BYTES = 50 * 1024 * 1024        # an upload; 200,000 shipments take ~8 MB
MAX_UNPACKED = 400 * 1024 * 1024    # all members decompressed
MAX_RATIO = 250                     # per member; spreadsheet XML compresses 10-60×, bombs 1000× and more
RATIO_FLOOR = 1024 * 1024           # members smaller than this are not judged by their ratio
MAX_MEMBERS = 5000
_CHUNK = 1024 * 1024


def _refuse(key: str, **params: object) -> ExchangeError:
    return ExchangeError(key, **params)


def check_xlsx_package(data: bytes, *, max_bytes: int = MAX_BYTES, max_ratio: float = MAX_RATIO,
                       max_unpacked: int = MAX_UNPACKED) -> list[str]:
    """Refuse (ExchangeError) what is not a plain .xlsx package or could exhaust memory when opened.

    The content decides, never the file name: a zip with `xl/workbook.xml`, no `vbaProject.bin` and no
    macro-enabled content type. Every member is decompressed once in chunks, so a member lying about its size
    is caught before a parser trusts the declaration.
    """
    if len(data) > max_bytes:
        raise _refuse("exchange.error.file_too_large", size=len(data), limit=max_bytes)
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse("exchange.safety.not_xlsx")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except Exception:  # noqa: BLE001  (zipfile raises many types on hostile bytes: BadZipFile, NotImplementedError, struct.error …)
        raise _refuse("exchange.safety.not_xlsx") from None
    with z:
        if len(infos) > MAX_MEMBERS:
            raise _refuse("exchange.safety.bomb", detail=f"{len(infos)} members")
        names = [i.filename for i in infos]
        lower = [n.lower() for n in names]
        if any(n.endswith("vbaproject.bin") or n.endswith(".bin") and "vba" in n for n in lower):
            raise _refuse("exchange.safety.macros")
        if "[content_types].xml" not in lower or "xl/workbook.xml" not in lower:
            raise _refuse("exchange.safety.not_xlsx")
        declared = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise _refuse("exchange.safety.encrypted")
            declared += info.file_size
            if declared > max_unpacked:
                raise _refuse("exchange.safety.bomb", detail=f"{declared} bytes unpacked")
            if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
                raise _refuse("exchange.safety.bomb",
                              detail=f"{info.filename}: {info.file_size / max(info.compress_size, 1):.0f}×")
        actual = 0
        try:
            for info in infos:
                size, tail = 0, b""
                xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
                with z.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        if size > info.file_size:
                            raise _refuse("exchange.safety.bomb", detail=f"{info.filename}: size misdeclared")
                        # the Open Packaging Conventions forbid DTDs in package XML (ISO/IEC 29500-2, XML usage): a
                        # DOCTYPE or an entity attacks the parser (entity expansion), it is never a sheet's content
                        if xml and (b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk):
                            raise _refuse("exchange.safety.dtd", part=info.filename)
                        tail = chunk[-16:]
                actual += size
                if actual > max_unpacked:
                    raise _refuse("exchange.safety.bomb", detail=f"{actual} bytes unpacked")
            types = z.read(names[lower.index("[content_types].xml")])
        except ExchangeError:
            raise
        except Exception as e:  # noqa: BLE001  (a CRC mismatch, zlib.error, an unsupported method …)
            raise _refuse("exchange.safety.not_xlsx_reason", reason=type(e).__name__) from None
        if b"macroEnabled" in types or b"vbaProject" in types:
            raise _refuse("exchange.safety.macros")
    return names
