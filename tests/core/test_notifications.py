"""In-app notifications (issue 11), computed from the workflow state for the acting person's role."""
from __future__ import annotations

from core.identity import resolve_login
from core.notifications import invitation_notifications, notifications_for
from core.organizations import invite_member
from core.reporting import ProcessData, add_comment, add_process, request_changes, submit_period
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_period, make_user

P1 = ProcessData(code="P1", name="BOF", goods_category="Crude steel", route="Basic oxygen steelmaking", cn_code="72071114",
                 activity_level=1000,
                 direct_emissions=1800)


def _keys(engine, user, org):
    with context(engine, user, org) as ctx:
        return [(n.key, n.params) for n in notifications_for(ctx)]


def test_waiting_for_review_then_changes_requested(engine):
    owner, editor, consultant, dpo = (make_user(engine) for _ in range(4))
    org = make_org(engine, owner)
    for person, role in ((editor, "editor"), (consultant, "consultant"), (dpo, "dpo")):
        add_member(engine, owner, org, person, role)
    periods = [make_period(engine, owner, org) for _ in range(2)]
    assert _keys(engine, owner, org) == []
    with context(engine, editor, org) as ctx:
        for p in periods:
            add_process(ctx, period_id=p.id, data=P1)
        submitted = [submit_period(ctx, period_id=p.id, expected_version=1) for p in periods]
    assert _keys(engine, owner, org) == [("notifications.awaiting_review", {"count": 2})]
    assert _keys(engine, consultant, org) == [("notifications.awaiting_review", {"count": 2})]
    assert _keys(engine, editor, org) == []  # their own submissions wait for someone else
    assert _keys(engine, dpo, org) == []
    with context(engine, consultant, org) as ctx:
        add_comment(ctx, period_id=periods[0].id, field_path="processes.P1.activity_level", text="1 050 t?")
        request_changes(ctx, period_id=periods[0].id, expected_version=submitted[0].version)
    editor_notes = _keys(engine, editor, org)
    assert editor_notes[0][0] == "notifications.changes_requested" and editor_notes[0][1]["year"] == 2026
    assert ("notifications.open_comments", {"count": 1}) in editor_notes
    assert _keys(engine, owner, org) == [("notifications.awaiting_review", {"count": 1})]


def test_invitation_is_announced_to_a_verified_address_only(engine, now):
    from core.clock import FixedClock
    owner = make_user(engine)
    org = make_org(engine, owner, name_en="Test Steel Co.")
    with context(engine, owner, org) as ctx:
        invite_member(ctx, email="li.na@example.com", role="editor")
    with scoped_session(Scope(), engine) as s:
        verified = resolve_login(s, issuer="https://idp.example", subject="v", email="li.na@example.com", name="L",
                                 clock=FixedClock(now), email_verified=True)
        notes = invitation_notifications(s, verified)
    assert [(n.key, n.params["org_en"], n.params["role"]) for n in notes] == [
        ("notifications.invited", "Test Steel Co.", "editor")]
    with scoped_session(Scope(), engine) as s:
        unverified = resolve_login(s, issuer="https://idp.example", subject="u", email="li.na@example.com",
                                   name="L", clock=FixedClock(now), email_verified=False)
        assert invitation_notifications(s, unverified) == []
