"""Small real files of every accepted kind, and hostile ones, made in memory."""
from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image

CT_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf(text: str = "meter reading 1 000 t") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def image(fmt: str, color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, format=fmt)
    return buf.getvalue()


def xlsx(value: str = "activity level") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ooxml(main_type: str, main_part: str, extra: dict[str, bytes] | None = None, overrides: str = "") -> bytes:
    """A minimal Office Open XML package with the given main part content type."""
    ct = (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          f'content-types"><Default Extension="xml" ContentType="application/xml"/>'
          f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{overrides}</Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr(main_part, "<document/>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def docx() -> bytes:
    return ooxml(CT_DOCX_MAIN, "word/document.xml")


def docm() -> bytes:
    return ooxml(CT_DOCM_MAIN, "word/document.xml")


def xlsm() -> bytes:
    return ooxml(CT_XLSM_MAIN, "xl/workbook.xml")


def xlsx_with_vba() -> bytes:
    """Claims to be a plain workbook but carries a VBA project."""
    return ooxml(CT_XLSX_MAIN, "xl/workbook.xml", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})


def csv_utf8() -> bytes:
    return "\ufeff设施,年份,活动水平\nFuzhou,2026,1000\n".encode()


def csv_gbk() -> bytes:
    return "设施,年份,活动水平\n福州,2026,1000\n".encode("gb18030")


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode"


def ratio_bomb() -> bytes:
    """One part inflating 1000x: 8 MB of zeros in a ~8 KB entry."""
    return ooxml(CT_XLSX_MAIN, "xl/workbook.xml", {"xl/sharedStrings.xml": b"\x00" * (8 * 1024 * 1024)})


def declared_bomb() -> bytes:
    """A small package whose central directory declares a 4 GB part (sizes forged after writing)."""
    data = bytearray(ooxml(CT_XLSX_MAIN, "xl/workbook.xml", {"xl/big.xml": b"<a/>" * 10}))
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == b"xl/big.xml":
            struct.pack_into("<I", data, pos + 24, 0xFFFFFF00)  # uncompressed size
        pos += 4
    return bytes(data)


def many_entries(n: int) -> bytes:
    return ooxml(CT_XLSX_MAIN, "xl/workbook.xml", {f"xl/p{i}.xml": b"<a/>" for i in range(n)})


def traversal() -> bytes:
    return ooxml(CT_XLSX_MAIN, "xl/workbook.xml", {"../../evil.sh": b"rm -rf /"})
