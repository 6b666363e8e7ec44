"""Uploads: the type comes from the content, the size limit holds, bombs and macros are refused before anything is
stored, the same content is recognised, several files report progress."""
import hashlib

import pytest
from sqlmodel import select

from core.errors import DomainError, PermissionDenied
from core.evidence import list_files, read_file, upload_files
from core.evidence.safety import ZipLimits, check_zip, open_zip
from core.evidence.sniff import CSV, DOCX, JPEG, PDF, PNG, WEBP, XLSX, sniff
from core.settings import get_settings
from db.evidence_models import EvidenceFile
from tests.evidence import samples
from tests.factories import add_member, context, make_org, make_user


@pytest.fixture
def owner_org(engine):
    owner = make_user(engine)
    return engine, owner, make_org(engine, owner)


def _stored_objects() -> list:
    root = get_settings().data_dir / "evidence"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("make,media_type", [
    (samples.pdf, PDF), (lambda: samples.image("PNG"), PNG), (lambda: samples.image("JPEG"), JPEG),
    (lambda: samples.image("WEBP"), WEBP), (samples.xlsx, XLSX), (samples.docx, DOCX), (samples.csv_utf8, CSV),
    (samples.csv_gbk, CSV),
])
def test_accepted_kinds_are_recognised_by_content(make, media_type):
    assert sniff(make()).media_type == media_type


@pytest.mark.parametrize("make,key", [
    (samples.exe, "evidence.error_type"),
    (lambda: b"<html><script>alert(1)</script></html>", "evidence.error_type"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "evidence.error_type"),  # legacy .xls/.doc
    (lambda: b"PK\x03\x04 not really a zip", "evidence.error_zip_damaged"),
    (lambda: b"", "evidence.error_empty"),
    (samples.xlsm, "evidence.error_macro"), (samples.docm, "evidence.error_macro"),
    (samples.xlsx_with_vba, "evidence.error_macro"),
    (samples.ratio_bomb, "evidence.error_zip_ratio"), (samples.declared_bomb, "evidence.error_zip_bomb"),
    (lambda: samples.many_entries(5_001), "evidence.error_zip_entries"),
    (samples.traversal, "evidence.error_zip_path"),
])
def test_refused_content(make, key):
    with pytest.raises(DomainError) as exc:
        sniff(make())
    assert exc.value.key == key


def test_zip_limits_are_parameters():
    data = samples.xlsx()
    with open_zip(data) as zf:
        check_zip(zf)  # a real workbook passes the defaults
        with pytest.raises(DomainError) as exc:
            check_zip(zf, ZipLimits(max_total_uncompressed=100))
    assert exc.value.key == "evidence.error_zip_bomb"


def test_a_pdf_named_png_is_a_pdf_and_an_exe_named_pdf_is_refused(owner_org):
    engine, owner, org = owner_org
    with context(engine, owner, org) as ctx:
        ok, bad = upload_files(ctx, files=[("photo.png", samples.pdf()), ("invoice.pdf", samples.exe())])
    assert ok.error is None and ok.file.media_type == PDF and ok.file.original_name == "photo.png"
    assert bad.file is None and bad.error.key == "evidence.error_type"
    with context(engine, owner, org) as ctx:
        assert [v.file.original_name for v in list_files(ctx)] == ["photo.png"]
    assert len(_stored_objects()) == 1


def test_hostile_files_leave_nothing_behind(owner_org):
    engine, owner, org = owner_org
    hostile = [("bomb.xlsx", samples.ratio_bomb()), ("forged.xlsx", samples.declared_bomb()),
               ("macro.xlsx", samples.xlsx_with_vba()), ("m.xlsm", samples.xlsm()), ("x.pdf", samples.exe())]
    with context(engine, owner, org) as ctx:
        results = upload_files(ctx, files=hostile)
        assert all(r.error is not None and r.file is None for r in results)
        assert ctx.session.exec(select(EvidenceFile)).all() == []
    assert _stored_objects() == []


def test_size_limit_is_a_setting(owner_org, monkeypatch):
    engine, owner, org = owner_org
    monkeypatch.setenv("CBAM_EVIDENCE_MAX_MB", "1")
    get_settings.cache_clear()
    just_over = b"a,b\n" + b"1,2\n" * (1024 * 1024 // 4)  # 1 MB + 4 bytes of CSV
    at_limit = just_over[:1024 * 1024]
    with context(engine, owner, org) as ctx:
        over, fits = upload_files(ctx, files=[("big.csv", just_over), ("fits.csv", at_limit)])
    assert over.error.key == "evidence.error_too_large" and over.error.params["max"] == 1
    assert fits.error is None and fits.file.size == 1024 * 1024


def test_same_content_is_recognised_and_returned(owner_org):
    engine, owner, org = owner_org
    data = samples.pdf("weighbridge ticket")
    with context(engine, owner, org) as ctx:
        first, = upload_files(ctx, files=[("ticket.pdf", data)])
    with context(engine, owner, org) as ctx:
        again, = upload_files(ctx, files=[("copy of ticket.pdf", data)])
        assert again.duplicate and again.file.id == first.file.id and again.error is None
        assert len(ctx.session.exec(select(EvidenceFile)).all()) == 1
        f, content = read_file(ctx, file_id=first.file.id)
    assert f.sha256 == hashlib.sha256(data).hexdigest() and content == data
    assert len(_stored_objects()) == 1


def test_several_files_report_progress(owner_org):
    engine, owner, org = owner_org
    seen = []
    files = [("a.pdf", samples.pdf("a")), ("b.png", samples.image("PNG")), ("c.csv", samples.csv_utf8())]
    with context(engine, owner, org) as ctx:
        results = upload_files(ctx, files=files, progress=lambda done, total, name: seen.append((done, total, name)))
    assert seen == [(1, 3, "a.pdf"), (2, 3, "b.png"), (3, 3, "c.csv")]
    assert [r.file.media_type for r in results] == [PDF, PNG, CSV]


def test_file_names_never_become_paths(owner_org):
    engine, owner, org = owner_org
    with context(engine, owner, org) as ctx:
        r, = upload_files(ctx, files=[("../../etc/passwd\x00.pdf", samples.pdf())])
    assert r.file.original_name == "passwd.pdf"
    assert r.file.storage_key.startswith(org.hex + "/") and "passwd" not in r.file.storage_key
    assert all(p.is_relative_to(get_settings().data_dir / "evidence") for p in _stored_objects())


def test_only_editors_upload(owner_org):
    engine, owner, org = owner_org
    viewer, consultant = make_user(engine), make_user(engine)
    add_member(engine, owner, org, viewer, "viewer")
    add_member(engine, owner, org, consultant, "consultant")
    for person in (viewer, consultant):
        with context(engine, person, org) as ctx, pytest.raises(PermissionDenied):
            upload_files(ctx, files=[("a.pdf", samples.pdf())])
