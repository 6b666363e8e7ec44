"""Evidence downloads carry the extension of the detected type, never the uploader's; spreadsheets that reach
outside themselves when opened (DDE formulas, external links, embedded OLE objects) are refused, nothing stored."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import select

from core.errors import DomainError
from core.evidence import download_name, upload_files
from core.evidence.sniff import sniff
from core.i18n import error_text
from db.evidence_models import EvidenceFile
from tests.evidence import samples
from tests.factories import context, make_org, make_user

DDE = "=cmd|' /C calc'!A0"


def _with(data: bytes, members: dict[str, bytes], override: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = z.read(info)
            if info.filename == "[Content_Types].xml" and override:
                body = body.replace(b"</Types>", override.encode() + b"</Types>")
            w.writestr(info.filename, body)
        for name, body in members.items():
            w.writestr(name, body)
    return out.getvalue()


def _xlsx_formula(formula: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "meter"
    wb.active["B1"] = formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


EXTERNAL = ('<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>')
HOSTILE = {
    "dde_formula": lambda: _xlsx_formula(DDE),
    "dde_function": lambda: _xlsx_formula('=DDE("cmd";"/C calc";"A0")'),
    "external_link": lambda: _with(samples.xlsx(), {"xl/externalLinks/externalLink1.xml":
                                                    b'<externalLink><ddeLink ddeService="cmd" ddeTopic="/C calc"/>'
                                                    b"</externalLink>"}, EXTERNAL),
    "external_link_part_only": lambda: _with(samples.xlsx(), {"xl/externalLinks/externalLink1.xml": b"<x/>"}),
    "ole_object": lambda: _with(samples.xlsx(), {"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64}),
    "csv_dde": lambda: ("item,amount\nelectricity,12\nnote," + DDE + "\n").encode(),
    "csv_dde_quoted": lambda: ('item;amount\n"' + DDE + '";1\n').encode(),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_active_content_in_a_spreadsheet_is_refused_with_a_translated_message(kind):
    with pytest.raises(DomainError) as refused:
        sniff(HOSTILE[kind]())
    assert refused.value.key == "evidence.error_active_content"
    zh, en = error_text(refused.value, "zh"), error_text(refused.value, "en")
    assert "evidence." not in zh and "evidence." not in en and zh != en


@pytest.mark.parametrize("data", [samples.xlsx("=SUM(1,2)"), _xlsx_formula("=SUM(A2:A9)"),
                                  b"item,amount\nsteel,-5\nnote,a|b!\n"])
def test_ordinary_formulas_and_text_are_kept(data):
    assert sniff(data).media_type


def test_a_refused_spreadsheet_stores_nothing(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        [result] = upload_files(ctx, files=[("readings.xlsx", HOSTILE["dde_formula"]())])
    assert result.file is None and result.error.key == "evidence.error_active_content"
    with context(engine, owner, org) as ctx:
        assert ctx.session.exec(select(EvidenceFile)).all() == []


@pytest.mark.parametrize("name,data,expected", [
    ("invoice.pdf.exe", samples.pdf(), "invoice.pdf.pdf"),
    ("report.xlsx", b"item,amount\nsteel,5\n", "report.csv"),
    ("photo.html", samples.image("PNG"), "photo.png"),
    ("no_extension", samples.pdf(), "no_extension.pdf"),
    ("..", samples.pdf(), "file.pdf"),
])
def test_a_download_is_named_by_the_detected_type(engine, name, data, expected):
    owner = make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        [result] = upload_files(ctx, files=[(name, data)])
        assert download_name(result.file) == expected
