"""The breach register: the clocks with a frozen clock (due exactly at awareness + 4 h / + 72 h, overdue a minute
later, earliest first), who may keep the register, the Art 34(3) exemption, the Art 33(3) contents before an
authority's notice is marked done, every change audited, and another organization seeing nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core import audit
from core.errors import DomainError, PermissionDenied, ValidationFailed
from core.privacy import breaches
from core.privacy.breaches import clocks as c
from db.breach_models import Breach, BreachNotice
from db.models import AuditEvent
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.breach_support import T0, data, directory, dpo_ctx, operator

H = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def _record(op, **overrides):  # noqa: ANN001, ANN003, ANN202
    with dpo_ctx(op, T0 + 10 * MINUTE) as ctx:
        return breaches.record_breach(ctx, data(**overrides)).id


def _status(op, breach_id, at):  # noqa: ANN001, ANN202
    with dpo_ctx(op, at) as ctx:
        items = breaches.obligations_of(ctx, breaches.get_breach(ctx, breach_id))
    return [(o.key, o.due_at, o.status) for o in items]


def test_the_clocks_run_from_awareness_earliest_first(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    bid = _record(op)
    at_4h = _status(op, bid, T0 + 4 * H)
    assert at_4h == [
        ("pipl", T0, "overdue"),                      # PIPL Art 57: immediately
        ("cn_provincial", T0 + 4 * H, "open"),         # due exactly at awareness + 4 h: not yet overdue
        ("eu_sa:DE", T0 + 72 * H, "open"),             # one supervisory authority per member state
        ("eu_sa:FR", T0 + 72 * H, "open"),
        ("users", T0 + 72 * H, "open"),                # the policy's 72 hours
    ]
    assert dict((k, s) for k, _, s in _status(op, bid, T0 + 4 * H + MINUTE))["cn_provincial"] == "overdue"
    at_72h = dict((k, s) for k, _, s in _status(op, bid, T0 + 72 * H))
    assert at_72h["eu_sa:DE"] == at_72h["users"] == "open"
    later = dict((k, s) for k, _, s in _status(op, bid, T0 + 72 * H + MINUTE))
    assert later["eu_sa:DE"] == later["eu_sa:FR"] == later["users"] == "overdue"


def test_which_clocks_apply(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    general = _record(op, severity="general", member_states=[])
    assert [k for k, _, _ in _status(op, general, T0)] == ["pipl", "users"]  # no 4-hour report below 较大
    client = make_org(engine, op.owner, name_en="Client Steel")
    processor = _record(op, role="processor")
    with dpo_ctx(op, T0 + H) as ctx, directory(engine) as d:
        breaches.add_affected(ctx, processor, org_ids=[client], directory=d)
    # as a processor: the controller without undue delay, the Chinese report; no SA and no user notice of ours
    assert [k for k, _, _ in _status(op, processor, T0 + H)] == [f"controller:{client}", "cn_provincial"]
    both = _record(op, role="both", severity="major", member_states=["IE"])
    with dpo_ctx(op, T0 + H) as ctx, directory(engine) as d:
        breaches.add_affected(ctx, both, org_ids=[client], directory=d)
    keys = [k for k, _, _ in _status(op, both, T0 + H)]
    assert keys == ["pipl", f"controller:{client}", "cn_provincial", "eu_sa:IE", "users"]


def test_marking_a_notice_done_needs_evidence_and_art33_contents(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    bid = _record(op, consequences="")
    with dpo_ctx(op, T0 + 2 * H) as ctx, pytest.raises(ValidationFailed):
        breaches.complete_obligation(ctx, bid, "cn_provincial", "  ")
    with dpo_ctx(op, T0 + 2 * H) as ctx, pytest.raises(DomainError, match="art33_missing"):
        breaches.complete_obligation(ctx, bid, "eu_sa:DE", "filed with the BfDI")
    with dpo_ctx(op, T0 + 2 * H) as ctx:
        breaches.complete_obligation(ctx, bid, "cn_provincial", "CAC portal report no. 2026-118")
    with dpo_ctx(op, T0 + 3 * H) as ctx:
        b = breaches.get_breach(ctx, bid)
        breaches.update_breach(ctx, bid, data(consequences="Phishing"), expected_version=b.version)
        breaches.complete_obligation(ctx, bid, "eu_sa:DE", "BfDI online form, ref 77")
        with pytest.raises(DomainError, match="already_done"):
            breaches.complete_obligation(ctx, bid, "eu_sa:DE", "again")
        with pytest.raises(DomainError, match="no_obligation"):
            breaches.complete_obligation(ctx, bid, "users", "users are notified by sending")
    status = {k: s for k, _, s in _status(op, bid, T0 + 5 * H)}
    assert status["cn_provincial"] == status["eu_sa:DE"] == "done" and status["eu_sa:FR"] == "open"


def test_the_exemption_needs_a_written_justification(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    bid = _record(op)
    with dpo_ctx(op, T0 + H) as ctx, pytest.raises(ValidationFailed) as refused:
        breaches.record_exemption(ctx, bid, ground="a", justification="   ")
    assert "justification" in refused.value.errors
    with dpo_ctx(op, T0 + H) as ctx:
        assert breaches.get_breach(ctx, bid).exemption_justification == ""
        assert {k: s for k, _, s in _status(op, bid, T0 + H)}["users"] == "open"
        breaches.record_exemption(ctx, bid, ground="a", justification="The file was AES-256 encrypted; key not exposed")
    assert {k: s for k, _, s in _status(op, bid, T0 + 80 * H)}["users"] == "exempt"


def test_only_the_operators_dpo_keeps_the_register(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    bid = _record(op)
    with context(engine, op.owner, op.org) as ctx, pytest.raises(PermissionDenied):
        breaches.list_breaches(ctx)  # the operator's owner is not its DPO
    other_owner = make_user(engine, name="Other Owner")
    other = make_org(engine, other_owner, name_en="Other Co.")
    other_dpo = make_user(engine, name="Other DPO")
    add_member(engine, other_owner, other, other_dpo, "dpo")
    with context(engine, other_dpo, other) as ctx:
        for call in (lambda: breaches.list_breaches(ctx), lambda: breaches.get_breach(ctx, bid),
                     lambda: breaches.record_breach(ctx, data())):
            with pytest.raises(DomainError, match="not_operator"):
                call()
    monkeypatch.setenv("CBAM_OPERATOR_ORG_ID", "")
    from core.settings import get_settings

    get_settings.cache_clear()
    with dpo_ctx(op, T0 + H) as ctx, pytest.raises(DomainError, match="not_operator"):
        breaches.list_breaches(ctx)  # no operator organization configured: nobody keeps it


def test_another_organization_sees_no_breach_rows(pg_engine, monkeypatch):
    """On PostgreSQL the database itself hides the register: raw SQL as another organization's DPO finds nothing."""
    op = operator(pg_engine, monkeypatch)
    bid = _record(op)
    client = make_org(pg_engine, op.owner, name_en="Client")
    with dpo_ctx(op, T0 + H) as ctx, directory(pg_engine) as d:
        breaches.add_affected(ctx, bid, org_ids=[client], all_members=True, directory=d)  # the client's owner
    other_owner = make_user(pg_engine, name="Other Owner")
    other = make_org(pg_engine, other_owner)
    for user, org in ((other_owner, other), (op.owner, client)):
        with scoped_session(Scope(user_id=user.id, org_id=org, email=user.email), pg_engine) as s:
            assert s.exec(select(Breach)).all() == []
            assert s.exec(select(BreachNotice)).all() == []
    with scoped_session(Scope(user_id=op.dpo.id, org_id=op.org, email=op.dpo.email), pg_engine) as s:
        assert [b.id for b in s.exec(select(Breach))] == [bid]
        assert len(s.exec(select(BreachNotice)).all()) == 1


def test_every_change_is_audited(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    client = make_org(engine, op.owner, name_en="Client")
    bid = _record(op, role="both")
    with dpo_ctx(op, T0 + H) as ctx, directory(engine) as d:
        b = breaches.get_breach(ctx, bid)
        breaches.update_breach(ctx, bid, data(role="both", measures="Bucket made private"), expected_version=b.version)
        breaches.add_affected(ctx, bid, org_ids=[client], directory=d)
        for key in ("pipl", "cn_provincial", "eu_sa:DE", "eu_sa:FR", f"controller:{client}"):
            breaches.complete_obligation(ctx, bid, key, f"evidence for {key}")
        breaches.record_exemption(ctx, bid, ground="b", justification="Passwords reset before any use")
        breaches.close_breach(ctx, bid)
    with dpo_ctx(op, T0 + 2 * H) as ctx:
        events = ctx.session.exec(select(AuditEvent).where(AuditEvent.org_id == op.org,
                                                           AuditEvent.action.like("privacy.breach.%"))
                                  .order_by(AuditEvent.seq)).all()
        assert audit.verify(ctx.session, f"org:{op.org}", anchors={}).ok
    assert [e.action.removeprefix("privacy.breach.") for e in events] == [
        "recorded", "updated", "orgs_affected", "people_affected", *["notice_done"] * 5, "exempted", "closed"]
    assert all(e.actor_id == op.dpo.id for e in events)
    assert events[1].before["measures"] == "Access closed, keys rotated" and events[1].after["measures"] == \
        "Bucket made private"
    assert events[-2].after["exemption_justification"] == "Passwords reset before any use"


def test_a_breach_with_notices_owed_cannot_be_closed(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    bid = _record(op)
    with dpo_ctx(op, T0 + H) as ctx, pytest.raises(DomainError, match="obligations_open"):
        breaches.close_breach(ctx, bid)


def test_bad_input_changes_nothing(engine, monkeypatch):
    op = operator(engine, monkeypatch)
    with dpo_ctx(op, T0) as ctx:
        with pytest.raises(ValidationFailed) as refused:
            breaches.record_breach(ctx, data(aware_at=T0 + H, severity="huge", member_states=["US"], description=""))
        assert set(refused.value.errors) == {"aware_at", "severity", "member_states", "description"}
    with dpo_ctx(op, T0) as ctx:
        assert breaches.list_breaches(ctx) == []


def test_the_pure_clock_order_is_stable():
    class B:  # a breach as the clocks read it
        aware_at, role, severity, member_states, affected_org_ids = T0, "controller", "especially_major", ["SE"], []
        exemption_justification, exempted_at = "", None
    items = c.obligations(B(), [], T0)
    assert [o.key for o in items] == ["pipl", "cn_provincial", "eu_sa:SE", "users"]
    assert c.next_deadline(items).key == "pipl" and c.colour(items[1], T0) == "orange"
    assert c.colour(items[2], T0) == "green" and c.colour(items[1], T0 + 3 * H + MINUTE) == "red"
    assert c.time_left(items[1], T0 + 4 * H + MINUTE) == "-0h 01m"
