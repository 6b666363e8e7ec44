"""The personal-data access log (issue 15): the real read paths that show other people's personal data write one
entry per view; the chain verifies and names the row someone changed; a person sees only the entries about
them, the DPO their organization's; an erasure pseudonymises the person in the log and the chain still verifies;
a failure to log never fails the view."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlmodel import select

from core import audit
from core.errors import PermissionDenied
from core.organizations import list_members
from core.privacy import access_log, requests
from core.privacy.service import erase_for, export_for, person_by_email
from db.access_models import PersonalDataAccess
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import dump, owner_engine, rows_mentioning
from tests.support.connections import point_commands_at

AT = datetime(2026, 11, 30, 10, tzinfo=UTC)


@pytest.fixture
def org(engine):
    owner = make_user(engine, email="owner.a@example.com", name="Owner A")
    org_id = make_org(engine, owner, name_en="Access Steel")
    editor = make_user(engine, email="editor.a@example.com", name="Editor A")
    viewer = make_user(engine, email="viewer.a@example.com", name="Viewer A")
    dpo = make_user(engine, email="dpo.a@example.com", name="Officer A")
    for person, role in ((editor, "editor"), (viewer, "viewer"), (dpo, "dpo")):
        add_member(engine, owner, org_id, person, role)
    return engine, org_id, owner, editor, viewer, dpo


def _op(engine):
    return scoped_session(Scope(), owner_engine(engine))


def _rows(engine, org_id) -> list[PersonalDataAccess]:
    with _op(engine) as s:
        return list(s.exec(select(PersonalDataAccess).where(PersonalDataAccess.org_id == org_id)
                           .order_by(PersonalDataAccess.seq)).all())


def test_each_read_path_records_one_entry_per_view(org):
    engine, org_id, owner, editor, viewer, dpo = org
    with context(engine, owner, org_id) as ctx:
        assert len(list_members(ctx)) == 4
    (members,) = _rows(engine, org_id)
    assert (members.resource, members.action, members.viewer, members.viewer_role) == (
        "members", "view", str(owner.id), "owner")
    assert sorted(members.people) == sorted(str(p.id) for p in (editor, viewer, dpo))  # not the viewer themself
    # the DPO's request queue shows the requester
    with scoped_session(Scope(user_id=editor.id, org_id=org_id, email=editor.email), engine) as s:
        requests.create_request(s, user=editor, org_id=org_id, type="access", details="", at=AT)
    with context(engine, dpo, org_id) as ctx:
        assert len(requests.list_requests(ctx)) == 1
    # the audit log's page shows who did what
    with context(engine, dpo, org_id) as ctx:
        events, _ = audit.list_events(ctx, limit=50)
    # a DPO's export of a member's data
    with _op(engine) as s:
        export_for(s, subject_email=editor.email, actor=person_by_email(s, dpo.email), at=AT)
    rows = _rows(engine, org_id)
    assert [(r.resource, r.action) for r in rows] == [
        ("members", "view"), ("privacy_requests", "view"), ("audit_log", "view"), ("privacy_export", "export")]
    assert rows[1].people == [str(editor.id)] and rows[1].viewer == str(dpo.id)
    assert set(rows[2].people) == {str(e.actor_id) for e in events if e.actor_id and e.actor_id != dpo.id}
    assert rows[3].people == [str(editor.id)] and rows[3].viewer == str(dpo.id)
    # a person's own export is not someone viewing their data
    with _op(engine) as s:
        export_for(s, subject_email=editor.email, actor=person_by_email(s, editor.email), at=AT)
    assert len(_rows(engine, org_id)) == 4
    with context(engine, dpo, org_id) as ctx:
        assert access_log.verify_organization(ctx).ok


def test_the_chain_verifies_and_a_changed_row_is_named(org):
    engine, org_id, owner, editor, viewer, dpo = org
    for person in (owner, editor, dpo, owner):
        with context(engine, person, org_id) as ctx:
            list_members(ctx)
    with context(engine, dpo, org_id) as ctx:
        result = access_log.verify_organization(ctx)
    assert result.ok and result.checked == 4
    rows = _rows(engine, org_id)
    # somebody with write access to the database makes it look as if the viewer had looked instead of the owner
    with _op(engine) as s:
        s.execute(update(PersonalDataAccess).where(PersonalDataAccess.id == rows[2].id)
                  .values(viewer=str(viewer.id)))
    with context(engine, dpo, org_id) as ctx:
        result = access_log.verify_organization(ctx)
    assert not result.ok and result.broken_seq == 3 and result.broken_id == rows[2].id
    assert result.reason == "hash_mismatch"
    # put it back: verifies again; then drop one person from a view, and replace one by a made-up pseudonym
    with _op(engine) as s:
        s.execute(update(PersonalDataAccess).where(PersonalDataAccess.id == rows[2].id).values(viewer=rows[2].viewer))
    with context(engine, dpo, org_id) as ctx:
        assert access_log.verify_organization(ctx).ok
    for forged in (" ".join(rows[1].people[1:]), rows[1].subjects.replace(str(owner.id), "erased-0123456789ab")):
        with _op(engine) as s:
            s.execute(update(PersonalDataAccess).where(PersonalDataAccess.id == rows[1].id).values(subjects=forged))
        with context(engine, dpo, org_id) as ctx:
            result = access_log.verify_organization(ctx)
        assert (result.ok, result.broken_seq, result.reason) == (False, 2, "hash_mismatch")
    # a deleted row is a gap
    with _op(engine) as s:
        s.execute(update(PersonalDataAccess).where(PersonalDataAccess.id == rows[1].id)
                  .values(subjects=rows[1].subjects))
        s.delete(s.get(PersonalDataAccess, rows[0].id))
    with context(engine, dpo, org_id) as ctx:
        result = access_log.verify_organization(ctx)
    assert (result.ok, result.broken_seq, result.reason) == (False, 2, "sequence_gap")


def test_a_person_sees_only_entries_about_them_and_the_dpo_their_organizations(org):
    engine, org_id, owner, editor, viewer, dpo = org
    other_owner = make_user(engine, name="Owner B")
    org_b = make_org(engine, other_owner, name_en="Other Steel")
    add_member(engine, other_owner, org_b, editor, "viewer")  # the editor is a member of both
    with context(engine, other_owner, org_b) as ctx:
        list_members(ctx)  # org B's owner views org B's members (the editor among them)
    with context(engine, owner, org_id) as ctx:
        list_members(ctx)
    with context(engine, editor, org_id) as ctx:
        list_members(ctx)  # the editor viewing: not about the editor
    with context(engine, editor, org_id) as ctx:
        mine = access_log.my_access(ctx)
    assert [(m.viewer, m.resource) for m in mine] == [(str(owner.id), "members")]
    with context(engine, viewer, org_id) as ctx:
        seen = access_log.my_access(ctx)
    assert sorted(m.viewer for m in seen) == sorted([str(owner.id), str(editor.id)])
    with context(engine, editor, org_b) as ctx:
        assert [m.viewer for m in access_log.my_access(ctx)] == [str(other_owner.id)]
    # the DPO: their organization's entries, all of them; not org B's
    with context(engine, dpo, org_id) as ctx:
        rows, total = access_log.list_access(ctx)
        assert total == 2 and {r.org_id for r in rows} == {org_id}
        only_editor, n = access_log.list_access(ctx, access_log.AccessFilter(viewer_id=editor.id))
        assert n == 1 and only_editor[0].viewer == str(editor.id)
        about_owner, n = access_log.list_access(ctx, access_log.AccessFilter(subject_id=owner.id))
        assert n == 1 and about_owner[0].viewer == str(editor.id)
    for person in (owner, editor, viewer):  # the organization's log is the DPO's
        with context(engine, person, org_id) as ctx, pytest.raises(PermissionDenied):
            access_log.list_access(ctx)


def test_erasure_pseudonymises_the_person_and_the_chain_still_verifies(org):
    engine, org_id, owner, editor, viewer, dpo = org
    with context(engine, owner, org_id) as ctx:
        list_members(ctx)  # the editor is shown
    with context(engine, editor, org_id) as ctx:
        list_members(ctx)  # the editor views
    with _op(engine) as s:
        erase_for(s, subject_email=editor.email, actor=person_by_email(s, dpo.email), at=AT)
    after = dump(engine, ["personal_data_access"])
    assert rows_mentioning(after, [str(editor.id), editor.id.hex]) == {}
    rows = _rows(engine, org_id)
    assert sum(p.startswith("erased-") for r in rows for p in [r.viewer, *r.people]) == 2
    with context(engine, dpo, org_id) as ctx:
        assert access_log.verify_organization(ctx).ok
    with _op(engine) as s:
        assert all(r.ok for r in access_log.verify_all(s).values())
    # after erasure, a changed row is still found
    with _op(engine) as s:
        s.execute(update(PersonalDataAccess).where(PersonalDataAccess.id == rows[0].id)
                  .values(resource="audit_log"))
    with context(engine, dpo, org_id) as ctx:
        result = access_log.verify_organization(ctx)
    assert (result.ok, result.broken_seq) == (False, 1)


def test_a_failure_to_log_never_fails_the_view(org, monkeypatch):
    engine, org_id, owner, *_ = org

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(access_log, "append", broken)
    with context(engine, owner, org_id) as ctx:
        assert len(list_members(ctx)) == 4
        ctx.session.flush()
    assert _rows(engine, org_id) == []



def test_the_command_line_verifies_every_chain(org, monkeypatch):
    from typer.testing import CliRunner

    from cli.main import app

    engine, org_id, owner, editor, viewer, dpo = org
    point_commands_at(engine, monkeypatch)
    for person in (owner, editor):
        with context(engine, person, org_id) as ctx:
            list_members(ctx)
    res = CliRunner().invoke(app, ["privacy", "access-log", "verify"])
    assert res.exit_code == 0, res.output
    import json

    assert json.loads(res.output)["chains"][f"access:{org_id}"]["checked"] == 2
    (first, _second) = _rows(engine, org_id)
    with _op(engine) as s:
        s.execute(update(PersonalDataAccess).where(PersonalDataAccess.id == first.id).values(action="export"))
    res = CliRunner().invoke(app, ["privacy", "access-log", "verify"])
    out = json.loads(res.output)
    assert res.exit_code == 1 and out["ok"] is False
    assert out["chains"][f"access:{org_id}"]["broken_id"] == str(first.id)
    res = CliRunner().invoke(app, ["privacy", "minors-expire"])
    assert res.exit_code == 0 and json.loads(res.output) == {"erased_reports": []}


def test_postgres_keeps_the_log_per_organization_and_append_only(pg_engine):
    """Row-level security: another organization's rows are invisible to the app role, and the app role can only
    append (no UPDATE or DELETE on the table, so even the organization's own rows cannot be rewritten)."""
    from sqlalchemy import text

    engine = pg_engine
    owner_a, owner_b = make_user(engine, name="Owner A"), make_user(engine, name="Owner B")
    org_a, org_b = make_org(engine, owner_a), make_org(engine, owner_b)
    for owner, org_id in ((owner_a, org_a), (owner_b, org_b)):
        add_member(engine, owner, org_id, make_user(engine, name="Member"), "viewer")
        with context(engine, owner, org_id) as ctx:
            list_members(ctx)
    with context(engine, owner_b, org_b) as ctx:
        assert {r.org_id for r in ctx.session.exec(select(PersonalDataAccess)).all()} == {org_b}
        with pytest.raises(Exception, match="new row violates row-level security"):
            with ctx.session.begin_nested():
                access_log.append(ctx.session, org_id=org_a, viewer_id=owner_b.id, viewer_role="owner",
                                  action="view", resource="members", subjects=[owner_a.id], at=AT)
    for stmt in ("UPDATE personal_data_access SET action = 'export'", "DELETE FROM personal_data_access"):
        with pytest.raises(Exception, match="permission denied"), context(engine, owner_b, org_b) as ctx:
            ctx.session.execute(text(stmt))
