"""Documents on the AI helper: figures read from a PDF's text layer or an image (OCR), each with the verbatim line it
was read from; nothing saved until a person confirms one, which writes the figure, stores and links the document
and audits; a viewer cannot confirm."""
import io

import pytest
from sqlmodel import select

from core.assistant.documents import Proposal, candidates, checked, confirm_proposal, read_document
from core.errors import PermissionDenied
from core.reporting import list_processes
from db.evidence_models import EvidenceLink
from db.models import AuditEvent
from tests.factories import context

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

LINES = ["Supplier declaration 2026", "Production output: 1,250.5 t", "Electricity consumed: 3,400 kWh",
         "Natural gas: 82,000 Nm3"]


def text_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer (Helvetica), written by hand."""
    ops = "BT /F1 14 Tf 50 750 Td " + " ".join(f"({ln}) Tj 0 -24 Td" for ln in lines) + " ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>",
            f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def scan_png(lines: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=32)
    img = Image.new("RGB", (900, 80 * len(lines) + 40), "white")
    draw = ImageDraw.Draw(img)
    for i, ln in enumerate(lines):
        draw.text((30, 30 + 80 * i), ln, fill="black", font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_a_pdf_text_layer_gives_proposals_with_their_quotes(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        r = read_document(ctx, name="declaration.pdf", data=text_pdf(LINES))
    got = {p.field: p for p in r.proposals}
    assert r.source == "pdf_text"
    assert got["activity_level"].number == "1,250.5" and got["activity_level"].value == 1250.5
    assert got["electricity_consumed_mwh"].unit == "kWh" and got["electricity_consumed_mwh"].value == pytest.approx(3.4)
    assert got["fuel_amount"].field_unit == "1000Nm3" and got["fuel_amount"].value == pytest.approx(82)
    assert all(p.quote in r.text for p in r.proposals)


def test_chinese_labels_and_units():
    got = {p.field: p for p in candidates("本月产量：860 吨\n用电量 1200 MWh\n发货数量 300吨\n直接排放 45.6 tCO2e")}
    assert got["activity_level"].value == 860 and got["shipment_quantity"].value == 300
    assert got["electricity_consumed_mwh"].value == 1200 and got["direct_emissions"].value == 45.6


def test_ocr_reads_a_scanned_image(steel_org):
    import rapidocr_onnxruntime  # noqa: F401  (the `test` extra includes `ocr`: missing it fails, never skips)

    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        r = read_document(ctx, name="meter.png", data=scan_png(["Electricity consumed: 1,250.5 MWh",
                                                                "Quantity shipped: 48.2 t"]))
    got = {p.field: p for p in r.proposals}
    assert r.source == "ocr"
    assert got["electricity_consumed_mwh"].value == 1250.5 and got["shipment_quantity"].value == 48.2
    assert all(p.quote in r.text for p in r.proposals)


def test_a_proposal_whose_quote_is_not_in_the_source_is_dropped():
    text = "Production output: 1,250.5 t"
    good = Proposal("activity_level", "1,250.5", "t", text, 1250.5, "t", "ai")
    invented = Proposal("activity_level", "9,999", "t", "Production output: 9,999 t", 9999, "t", "ai")
    wrong_number = Proposal("activity_level", "2,000", "t", text, 2000, "t", "ai")  # quote real, number not in it
    assert checked([good, invented, wrong_number], text) == [good]


def test_confirm_writes_only_the_confirmed_figure_links_and_audits(steel_org):
    s = steel_org
    pdf = text_pdf(LINES)
    with context(s.engine, s.owner, s.org) as ctx:
        r = read_document(ctx, name="declaration.pdf", data=pdf)
        proc = list_processes(ctx, period_id=s.period.id)[0]
        before = {f: getattr(proc, f) for f in ("activity_level", "electricity_consumed_mwh")}
    activity = next(p for p in r.proposals if p.field == "activity_level")
    with context(s.engine, s.viewer, s.org) as ctx, pytest.raises(PermissionDenied):
        confirm_proposal(ctx, period_id=s.period.id, proposal=activity, entity_id=proc.id, name="d.pdf", data=pdf)
    with context(s.engine, s.owner, s.org) as ctx:
        file_id = confirm_proposal(ctx, period_id=s.period.id, proposal=activity, entity_id=proc.id,
                                   name="declaration.pdf", data=pdf)
    with context(s.engine, s.owner, s.org) as ctx:
        after = next(p for p in list_processes(ctx, period_id=s.period.id) if p.id == proc.id)
        links = ctx.session.exec(select(EvidenceLink).where(EvidenceLink.file_id == file_id)).all()
        events = ctx.session.exec(select(AuditEvent).where(AuditEvent.action == "assistant.document_confirmed")).all()
    assert after.activity_level == 1250.5 and before["activity_level"] != 1250.5
    assert after.electricity_consumed_mwh == before["electricity_consumed_mwh"]  # proposed, not confirmed: unchanged
    assert [(x.entity_id, x.field_name) for x in links] == [(proc.id, "activity_level")]
    assert len(events) == 1 and events[0].after["quote"] == "Production output: 1,250.5 t"


def test_an_ai_mapping_goes_through_the_same_quote_check(steel_org, monkeypatch):
    """A real local chat server suggests one mapping quoted from the document and one invented: only the first stays."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from core.assistant import set_provider_enabled
    from core.settings import get_settings

    reply = {"proposals": [
        {"field": "shipment_quantity", "number": "1,250.5", "unit": "t", "quote": "Production output: 1,250.5 t"},
        {"field": "see_direct", "number": "2.1", "unit": "tCO2e/t", "quote": "SEE: 2.1 tCO2e/t"}]}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [
                {"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": json.dumps(reply)}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("CBAM_AI_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("CBAM_AI_MODEL", "m")
    get_settings.cache_clear()
    s = steel_org
    try:
        with context(s.engine, s.owner, s.org) as ctx:
            set_provider_enabled(ctx, enabled=True)
        with context(s.engine, s.owner, s.org) as ctx:
            r = read_document(ctx, name="d.pdf", data=text_pdf(LINES))
    finally:
        server.shutdown()
        get_settings.cache_clear()
    ai = [p for p in r.proposals if p.source == "ai"]
    assert [(p.field, p.number) for p in ai] == [("shipment_quantity", "1,250.5")]


def test_a_scanned_pdf_without_a_text_layer_is_read_by_ocr(steel_org):
    import rapidocr_onnxruntime  # noqa: F401  (the `test` extra includes `ocr`: missing it fails, never skips)
    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(scan_png(["Production output: 860 t"]))).save(buf, "PDF")  # an image only, no text layer
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        r = read_document(ctx, name="scan.pdf", data=buf.getvalue())
    assert r.source == "ocr"
    assert [(p.field, p.value) for p in r.proposals] == [("activity_level", 860)]
