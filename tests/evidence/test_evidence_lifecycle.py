"""Versions, deletion through the one erase path, links to figures, coverage and DQ28, on both databases."""
import pytest
from sqlmodel import select

from core.audit import verify_organization
from core.errors import ConcurrentChange, DomainError, NotFound, ValidationFailed
from core.evidence import (
    delete_file,
    erase_object,
    file_history,
    get_file,
    link_file,
    link_targets,
    links_of_period,
    list_files,
    period_coverage,
    read_file,
    replace_file,
    unlink,
    upload_files,
)
from core.evidence.files import current_file
from core.evidence.storage import storage_for
from core.reporting.quality import period_findings
from db.evidence_models import EvidenceFile, EvidenceLink
from db.models import AuditEvent
from tests.evidence import samples
from tests.factories import context, make_period


def _upload(engine, user, org, name, data):
    with context(engine, user, org) as ctx:
        r, = upload_files(ctx, files=[(name, data)])
    assert r.error is None, r.error
    return r.file


def _dq28(engine, user, org, period_id):
    with context(engine, user, org) as ctx:
        return sorted(f.path for f in period_findings(ctx, period_id=period_id) if f.rule == "DQ28")


def test_replacing_keeps_the_earlier_version_and_moves_links(steel_org):
    engine, owner, org, period, ids = steel_org
    v1 = _upload(engine, owner, org, "meter.pdf", samples.pdf("v1"))
    with context(engine, owner, org) as ctx:
        link = link_file(ctx, file_id=v1.id, period_id=period.id, entity_type="process", entity_id=ids["P1"],
                         field_name="activity_level")
        v2 = replace_file(ctx, file_id=v1.id, name="meter (corrected).pdf", data=samples.pdf("v2"),
                          expected_version=v1.version)
    with context(engine, owner, org) as ctx:
        history = file_history(ctx, file_id=v2.id)
        assert [(f.version_no, f.original_name) for f in history] == [(1, "meter.pdf"), (2, "meter (corrected).pdf")]
        assert history[0].replaced_by == v2.id and v2.previous_id == v1.id
        assert read_file(ctx, file_id=v1.id)[1] == samples.pdf("v1")  # the earlier version is still there
        assert [v.file.id for v in list_files(ctx)] == [v2.id]         # only the latest is listed
        assert ctx.session.get(EvidenceLink, link.id).file_id == v2.id
        with pytest.raises(DomainError) as exc:  # act on the latest version only
            replace_file(ctx, file_id=v1.id, name="x.pdf", data=samples.pdf("v3"), expected_version=2)
        assert exc.value.key == "evidence.error_not_current"
        with pytest.raises(DomainError) as exc:
            replace_file(ctx, file_id=v2.id, name="x.pdf", data=samples.pdf("v2"), expected_version=v2.version)
        assert exc.value.key == "evidence.error_same_content"
        with pytest.raises(ConcurrentChange):
            replace_file(ctx, file_id=v2.id, name="x.pdf", data=samples.pdf("v3"), expected_version=v2.version + 5)


def test_deletion_is_audited_and_removes_every_stored_version(steel_org, adapter):
    engine, owner, org, period, ids = steel_org
    v1 = _upload(engine, owner, org, "invoice.pdf", samples.pdf("invoice"))
    with context(engine, owner, org) as ctx:
        link_file(ctx, file_id=v1.id, period_id=period.id, entity_type="precursor", entity_id=ids["PP1"],
                  field_name="see_direct")
        v2 = replace_file(ctx, file_id=v1.id, name="invoice2.pdf", data=samples.pdf("invoice 2"),
                          expected_version=v1.version)
    store = storage_for(org)
    assert store.exists(v1.storage_key) and store.exists(v2.storage_key)
    with context(engine, owner, org) as ctx:
        delete_file(ctx, file_id=v2.id, expected_version=v2.version)
    assert not store.exists(v1.storage_key) and not store.exists(v2.storage_key)
    with context(engine, owner, org) as ctx:
        rows = ctx.session.exec(select(EvidenceFile).order_by(EvidenceFile.version_no)).all()
        assert [(r.deleted_by, r.deleted_reason) for r in rows] == [(owner.id, "deleted")] * 2  # rows kept, marked
        assert all(r.deleted_at is not None for r in rows)
        assert ctx.session.exec(select(EvidenceLink)).all() == []
        assert list_files(ctx) == []
        for f in (v1, v2):
            with pytest.raises(NotFound):
                get_file(ctx, file_id=f.id)
        actions = [e.action for e in ctx.session.exec(select(AuditEvent).where(AuditEvent.org_id == org)
                                                      .order_by(AuditEvent.seq))]
        assert actions[-3:] == ["evidence.unlink", "evidence.delete", "evidence.delete"]
        assert verify_organization(ctx).ok
    # the same content may come back later as a new file
    again = _upload(engine, owner, org, "invoice.pdf", samples.pdf("invoice"))
    assert again.id != v1.id and storage_for(org).exists(again.storage_key)


def test_erase_object_is_the_path_privacy_erasure_can_call(steel_org):
    engine, owner, org, _period, _ids = steel_org
    f = _upload(engine, owner, org, "张三 身份证.png", samples.image("PNG"))
    with context(engine, owner, org) as ctx:
        erase_object(ctx, ctx.session.get(EvidenceFile, f.id), reason="erasure")
        row = ctx.session.get(EvidenceFile, f.id)
        assert row.deleted_reason == "erasure" and row.deleted_at is not None
        erase_object(ctx, row, reason="erasure")  # idempotent: nothing left to remove, no second audit event
        assert len(ctx.session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.delete")).all()) == 1
    assert not storage_for(org).exists(f.storage_key)


def test_a_failed_storage_delete_keeps_the_file(steel_org, storage_server, monkeypatch):
    """A store that refuses is found before the row is marked deleted (the object itself goes only after the
    commit): the deletion is refused and both the row and the object stay."""
    from tests.evidence.conftest import use_supabase

    engine, owner, org, _period, _ids = steel_org
    use_supabase(monkeypatch, storage_server)
    f = _upload(engine, owner, org, "a.pdf", samples.pdf("a"))
    storage_server.service_key = "rotated"  # the app's key is no longer accepted
    with pytest.raises(DomainError) as exc, context(engine, owner, org) as ctx:  # the error ends the transaction
        delete_file(ctx, file_id=f.id, expected_version=f.version)
    assert exc.value.key == "evidence.error_storage"
    storage_server.service_key = "service-key-for-tests"
    with context(engine, owner, org) as ctx:
        assert get_file(ctx, file_id=f.id).deleted_at is None
        assert read_file(ctx, file_id=f.id)[1] == samples.pdf("a")


def test_links_many_to_many_and_validation(steel_org):
    engine, owner, org, period, ids = steel_org
    a = _upload(engine, owner, org, "a.pdf", samples.pdf("a"))
    b = _upload(engine, owner, org, "b.png", samples.image("PNG"))
    other_period = make_period(engine, owner, org, year=2027)
    with context(engine, owner, org) as ctx:
        targets = {t.entity_id: t for t in link_targets(ctx, period_id=period.id)}
        assert {t.entity_type for t in targets.values()} == {"process", "source_stream", "precursor", "shipment",
                                                              "period"}
        for f in (a, b):
            link_file(ctx, file_id=f.id, period_id=period.id, entity_type="process", entity_id=ids["P1"],
                      field_name="activity_level")
        link_file(ctx, file_id=a.id, period_id=period.id, entity_type="period", entity_id=period.id,
                  field_name="period")
        with pytest.raises(DomainError) as exc:
            link_file(ctx, file_id=a.id, period_id=period.id, entity_type="process", entity_id=ids["P1"],
                      field_name="activity_level")
        assert exc.value.key == "evidence.error_already_linked"
        with pytest.raises(ValidationFailed) as vf:
            link_file(ctx, file_id=a.id, period_id=period.id, entity_type="process", entity_id=ids["P1"],
                      field_name="password")
        assert "field_name" in vf.value.errors
        with pytest.raises(NotFound):  # P1 belongs to the 2026 period, not 2027
            link_file(ctx, file_id=a.id, period_id=other_period.id, entity_type="process", entity_id=ids["P1"],
                      field_name="activity_level")
        views = {v.file.id: v for v in list_files(ctx)}
        assert len(views[a.id].links) == 2 and len(views[b.id].links) == 1
        link = views[b.id].links[0]
        unlink(ctx, link_id=link.id, expected_version=link.version)
        assert [v.links for v in list_files(ctx) if v.file.id == b.id] == [[]]


def test_coverage_feeds_dq28(steel_org):
    engine, owner, org, period, ids = steel_org
    # the steel example: P1 (direct emissions given), P2 (one source stream), purchased precursor PP1
    figures = ["processes[0].activity_level", "processes[0].direct_emissions", "processes[1].activity_level",
               "processes[1].source_streams[0]", "purchased_precursors[0].see_direct"]
    assert _dq28(engine, owner, org, period.id) == []  # no evidence kept yet: the rule is quiet
    with context(engine, owner, org) as ctx:
        cov = period_coverage(ctx, period_id=period.id)
    assert (cov.total, cov.covered, cov.share) == (5, 0, 0.0)
    assert sorted(p for p, _, _ in cov.figures) == sorted(figures)

    f = _upload(engine, owner, org, "production report.xlsx", samples.xlsx())
    assert _dq28(engine, owner, org, period.id) == sorted(figures)
    with context(engine, owner, org) as ctx:
        stream = next(t for t in link_targets(ctx, period_id=period.id) if t.entity_type == "source_stream")
        link_file(ctx, file_id=f.id, period_id=period.id, entity_type="process", entity_id=ids["P1"],
                  field_name="activity_level")
        link_file(ctx, file_id=f.id, period_id=period.id, entity_type="source_stream", entity_id=stream.entity_id,
                  field_name="stream")
        link_file(ctx, file_id=f.id, period_id=period.id, entity_type="shipment",
                  entity_id=next(t.entity_id for t in link_targets(ctx, period_id=period.id)
                                 if t.entity_type == "shipment"), field_name="quantity")
        cov = period_coverage(ctx, period_id=period.id)
    assert (cov.total, cov.covered, cov.share) == (5, 2, 0.4)
    assert _dq28(engine, owner, org, period.id) == sorted(set(figures) - {"processes[0].activity_level",
                                                                         "processes[1].source_streams[0]"})
    with context(engine, owner, org) as ctx:
        delete_file(ctx, file_id=f.id, expected_version=f.version)
        assert period_coverage(ctx, period_id=period.id).covered == 0
    assert _dq28(engine, owner, org, period.id) == []  # nothing kept any more: quiet again


def test_objects_of_a_rolled_back_upload_are_removed(steel_org, adapter):
    engine, owner, org, _period, _ids = steel_org
    with pytest.raises(RuntimeError), context(engine, owner, org) as ctx:
        results = upload_files(ctx, files=[("a.pdf", samples.pdf("a")), ("b.png", samples.image("PNG"))])
        keys = [r.file.storage_key for r in results]
        assert all(storage_for(org).exists(k) for k in keys)
        raise RuntimeError("something later in the same transaction fails")
    assert not any(storage_for(org).exists(k) for k in keys)
    kept = _upload(engine, owner, org, "c.pdf", samples.pdf("c"))  # a committed upload stays
    with context(engine, owner, org) as ctx:
        assert [v.file.id for v in list_files(ctx)] == [kept.id]
    assert storage_for(org).exists(kept.storage_key)


def test_reopened_version_keeps_the_evidence_of_its_figures(steel_org):
    """Version n+1 of a reopened period copies its rows under new ids; the files behind version n's figures stay
    linked to the same figures of n+1 (and DQ28 does not flag them), while version n keeps its own links."""
    from core.reporting import reopen_period
    from tests.factories import second_owner, sign_off

    engine, owner, org, period, ids = steel_org
    a = _upload(engine, owner, org, "meter.pdf", samples.pdf("meter"))
    gone = _upload(engine, owner, org, "old.pdf", samples.pdf("old"))
    with context(engine, owner, org) as ctx:
        stream = next(t for t in link_targets(ctx, period_id=period.id) if t.entity_type == "source_stream")
        made = [("process", ids["P1"], "activity_level"), ("source_stream", stream.entity_id, "stream"),
                ("precursor", ids["PP1"], "see_direct"), ("period", period.id, "period")]
        for entity_type, entity_id, field in made:
            link_file(ctx, file_id=a.id, period_id=period.id, entity_type=entity_type, entity_id=entity_id,
                      field_name=field)
        link_file(ctx, file_id=gone.id, period_id=period.id, entity_type="process", entity_id=ids["P2"],
                  field_name="activity_level")
        delete_file(ctx, file_id=gone.id, expected_version=current_file(ctx, gone.id).version)
    before = _dq28(engine, owner, org, period.id)
    assert before == ["processes[0].direct_emissions", "processes[1].activity_level"]
    p = sign_off(engine, org, period.id, submitter=owner, approver=second_owner(engine, owner, org))
    with context(engine, owner, org) as ctx:
        new = reopen_period(ctx, period_id=period.id, reason="supplier corrected its SEE", expected_version=p.version)
    with context(engine, owner, org) as ctx:
        old_links = links_of_period(ctx, period_id=period.id)
        new_links = links_of_period(ctx, period_id=new.id)
        targets = {t.entity_id: t for t in link_targets(ctx, period_id=new.id)}
    assert len(old_links) == 4  # version n keeps its own links (the deleted file's link went with it)
    assert len(new_links) == 4 and all(link.file_id == a.id for link in new_links)
    assert all(link.entity_id in targets for link in new_links)  # each points at a figure of version n+1
    assert sorted((targets[x.entity_id].entity_type, x.field_name) for x in new_links) == sorted(
        (t, f) for t, _, f in made)
    assert _dq28(engine, owner, org, new.id) == before  # the same figures lack evidence as before
