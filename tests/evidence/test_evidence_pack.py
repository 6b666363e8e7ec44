"""The verifier pack: every linked file with its SHA-256, an index that spreadsheets cannot execute, a manifest
that hashes every member and names the approved snapshot."""
import csv
import hashlib
import io
import json
import zipfile

from core.evidence import link_file, link_targets, upload_files, verifier_pack
from core.evidence.pack import neutralise
from tests.evidence import samples
from tests.factories import context, second_owner, sign_off


def _open(pack):
    zf = zipfile.ZipFile(io.BytesIO(pack.data))
    return zf, json.loads(zf.read("manifest.json"))


def test_pack_contents_and_hashes(steel_org, adapter):
    engine, owner, org, period, ids = steel_org
    files = [("=HYPERLINK(\"x\",\"ok\").pdf", samples.pdf("formula name")), ("炉前记录.png", samples.image("PNG")),
             ("unlinked.csv", samples.csv_utf8())]
    with context(engine, owner, org) as ctx:
        a, b, c = (r.file for r in upload_files(ctx, files=files))
        link_file(ctx, file_id=a.id, period_id=period.id, entity_type="process", entity_id=ids["P1"],
                  field_name="activity_level")
        link_file(ctx, file_id=a.id, period_id=period.id, entity_type="precursor", entity_id=ids["PP1"],
                  field_name="see_direct")
        link_file(ctx, file_id=b.id, period_id=period.id, entity_type="period", entity_id=period.id,
                  field_name="period")
        pack = verifier_pack(ctx, period_id=period.id)
    zf, manifest = _open(pack)
    assert pack.files == 2 and manifest["files"] == 2
    assert sorted(zf.namelist()) == sorted([*manifest["members"], "manifest.json"])
    for name, digest in manifest["members"].items():
        assert hashlib.sha256(zf.read(name)).hexdigest() == digest
    assert manifest["snapshot"] is None and manifest["period"]["year"] == period.year
    assert manifest["period"]["status"] == "draft"

    raw = zf.read("index.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_name = {r["original_name"]: r for r in rows}
    assert set(by_name) == {"'=HYPERLINK(\"x\",\"ok\").pdf", "炉前记录.png"}  # the unlinked file stays out
    row_a = by_name["'=HYPERLINK(\"x\",\"ok\").pdf"]
    assert row_a["sha256"] == a.sha256 == hashlib.sha256(zf.read(row_a["file"])).hexdigest()
    assert "processes[0].activity_level" in row_a["linked_figures"]
    assert "purchased_precursors[0].see_direct" in row_a["linked_figures"]
    assert by_name["炉前记录.png"]["linked_figures"].startswith("period")
    assert all(name.startswith("files/") and ".." not in name for name in manifest["members"] if name != "index.csv")


def test_pack_of_an_approved_period_names_its_snapshot(steel_org):
    engine, owner, org, period, ids = steel_org
    with context(engine, owner, org) as ctx:
        f = upload_files(ctx, files=[("report.docx", samples.docx())])[0].file
        stream = next(t for t in link_targets(ctx, period_id=period.id) if t.entity_type == "source_stream")
        link_file(ctx, file_id=f.id, period_id=period.id, entity_type="source_stream", entity_id=stream.entity_id,
                  field_name="stream")
    p = sign_off(engine, org, period.id, submitter=owner, approver=second_owner(engine, owner, org))
    with context(engine, owner, org) as ctx:
        pack = verifier_pack(ctx, period_id=period.id)
    zf, manifest = _open(pack)
    assert manifest["snapshot"]["hash"] == p.snapshot_hash
    assert hashlib.sha256(zf.read("snapshot.json")).hexdigest() == p.snapshot_hash
    assert manifest["period"]["status"] == "approved"


def test_neutralise():
    assert [neutralise(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "＝1", "a=b", "", None, 3)] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'＝1", "a=b", "", "", "3"]
