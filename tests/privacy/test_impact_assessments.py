"""Impact assessments (PIPL Art 55-56): kept at least three years (frozen clock: three years less a day refused,
three years to the day allowed), every change a new version in the audit log, the DPO's only, per organization."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.clock import FixedClock
from core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from core.privacy import impact
from db.access_models import ImpactAssessment
from db.models import AuditEvent
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import owner_engine

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
DATA = impact.ImpactData(title="Customer contacts to the EU", trigger="cross_border",
                         purpose="Send CBAM data packs to EU importers", risks="Names and e-mails abroad",
                         measures="Only business contacts; standard contract", risk_level="medium")


@pytest.fixture
def dpo_org(engine):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    return engine, org, owner, dpo


def _at(engine, user, org, at):
    return context(engine, user, org, clock=FixedClock(at))


def test_kept_three_years_then_deletable(dpo_org):
    engine, org, _owner, dpo = dpo_org
    with _at(engine, dpo, org, T0) as ctx:
        pia = impact.create_assessment(ctx, DATA)
    assert impact.keep_until(pia).isoformat() == "2029-12-01"
    with _at(engine, dpo, org, datetime(2029, 12, 1, 9, tzinfo=UTC) - timedelta(days=1)) as ctx, \
            pytest.raises(DomainError) as err:
        impact.delete_assessment(ctx, pia.id, expected_version=1)
    assert err.value.key == "privacy.pia.error_kept" and err.value.params["until"] == "2029-12-01"
    with _at(engine, dpo, org, datetime(2029, 12, 1, 9, tzinfo=UTC)) as ctx:
        impact.delete_assessment(ctx, pia.id, expected_version=1)
    with scoped_session(Scope(), owner_engine(engine)) as s:
        assert s.get(ImpactAssessment, pia.id) is None
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.entity_id == str(pia.id))
                         .order_by(AuditEvent.seq)).all()
    assert actions == ["privacy.pia.created", "privacy.pia.deleted"]


def test_edits_are_versions_in_the_audit_log_and_restart_the_three_years(dpo_org):
    engine, org, _owner, dpo = dpo_org
    with _at(engine, dpo, org, T0) as ctx:
        pia = impact.create_assessment(ctx, DATA)
    changed = DATA.model_copy(update={"risk_level": "high", "measures": "Encryption in transit added"})
    with _at(engine, dpo, org, T0 + timedelta(days=400)) as ctx:
        pia2 = impact.update_assessment(ctx, pia.id, changed, expected_version=1)
    assert pia2.version == 2 and pia2.assessed_on == pia.assessed_on
    with _at(engine, dpo, org, T0 + timedelta(days=401)) as ctx:
        versions = impact.history(ctx, pia.id)
        with pytest.raises(DomainError):  # someone saved it since version 1 was read
            impact.update_assessment(ctx, pia.id, DATA, expected_version=1)
    assert [(v.version, v.values["risk_level"]) for v in versions] == [(1, "medium"), (2, "high")]
    assert [v.action for v in versions] == ["privacy.pia.created", "privacy.pia.updated"]
    # the changed version is kept three years from its change
    assert impact.keep_until(pia2).isoformat() == "2031-01-05"
    with _at(engine, dpo, org, datetime(2029, 12, 2, tzinfo=UTC)) as ctx, pytest.raises(DomainError):
        impact.delete_assessment(ctx, pia.id, expected_version=2)


def test_only_the_dpo_and_only_their_organization(dpo_org):
    engine, org, owner, dpo = dpo_org
    with _at(engine, dpo, org, T0) as ctx:
        pia = impact.create_assessment(ctx, DATA)
        with pytest.raises(ValidationFailed):
            impact.create_assessment(ctx, DATA.model_copy(update={"title": " ", "trigger": "whim"}))
    with _at(engine, owner, org, T0) as ctx:
        with pytest.raises(PermissionDenied):
            impact.list_assessments(ctx)
        with pytest.raises(PermissionDenied):
            impact.create_assessment(ctx, DATA)
    other_owner = make_user(engine, name="Owner B")
    org_b = make_org(engine, other_owner)
    dpo_b = make_user(engine, name="Officer B")
    add_member(engine, other_owner, org_b, dpo_b, "dpo")
    with _at(engine, dpo_b, org_b, T0 + timedelta(days=3 * 366)) as ctx:
        assert impact.list_assessments(ctx) == []
        with pytest.raises(NotFound):
            impact.get_assessment(ctx, pia.id)
        with pytest.raises(NotFound):
            impact.delete_assessment(ctx, pia.id, expected_version=1)
        assert impact.history(ctx, pia.id) == []
