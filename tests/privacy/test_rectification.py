"""Guided rectification (issue 14): a person sees the names and contact details organizations keep about them,
asks for one to be corrected, and the DPO of the organization keeping it applies the correction with one click,
exactly as typed; a person cannot ask about a record that is not about them."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from core.clock import FixedClock
from core.errors import DomainError, NotFound, ValidationFailed
from core.privacy import rectification, requests
from db.reporting_models import Customer
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_customer, make_org, make_user
from tests.privacy.golden import owner_engine

AT = datetime(2026, 11, 30, 10, tzinfo=UTC)


def _op(engine):
    return scoped_session(Scope(), owner_engine(engine))


@pytest.fixture
def world(engine):
    """Paula works at org A; org B (an importer's supplier file) keeps her as a customer contact."""
    paula = make_user(engine, email="paula.person@example.com", name="Paula Person")
    owner_a, owner_b = make_user(engine, name="Owner A"), make_user(engine, name="Owner B")
    org_a, org_b = make_org(engine, owner_a, name_en="A Steel"), make_org(engine, owner_b, name_en="B Trading")
    add_member(engine, owner_a, org_a, paula, "viewer")
    dpo_a, dpo_b = make_user(engine, name="Officer A"), make_user(engine, name="Officer B")
    add_member(engine, owner_a, org_a, dpo_a, "dpo")
    add_member(engine, owner_b, org_b, dpo_b, "dpo")
    about_her = make_customer(engine, owner_b, org_b, contact_name="Paula Persson", contact_email=paula.email)
    other = make_customer(engine, owner_b, org_b, name="Other GmbH", contact_name="Otto", contact_email="o@x.example")
    return engine, paula, org_a, org_b, dpo_a, dpo_b, about_her.id, other.id


def test_the_values_offered_are_the_persons_own(world):
    engine, paula, _org_a, org_b, *_rest, about_her, other = world
    with _op(engine) as s:
        held = rectification.held_values(s, paula.id)
    assert {(h.org_id, h.table, h.row_id, h.column, h.value) for h in held} == {
        (org_b, "customer", str(about_her), "contact_email", paula.email)}
    # her e-mail matched the row; her name there is spelled differently, so it is not offered (not "hers" by text)
    with _op(engine) as s, pytest.raises(DomainError) as e:
        rectification.request_correction(s, user_id=paula.id, key=f"customer:{other}:contact_name",
                                         requested="Paula", details="", at=AT)
    assert e.value.key == "privacy.error.no_correction"


def test_a_requested_correction_reaches_the_keeping_organizations_dpo_and_is_applied_exactly(world):
    engine, paula, org_a, org_b, dpo_a, dpo_b, about_her, _other = world
    key = f"customer:{about_her}:contact_email"
    with _op(engine) as s, pytest.raises(ValidationFailed):
        rectification.request_correction(s, user_id=paula.id, key=key, requested="paula@", details="", at=AT)
    with _op(engine) as s, pytest.raises(DomainError) as e:
        rectification.request_correction(s, user_id=paula.id, key=key, requested=paula.email, details="", at=AT)
    assert e.value.key == "privacy.error.correction_unchanged"
    typed = "Paula.Person@New-Example.com"  # the case as typed: saved so, never lower-cased
    with _op(engine) as s:
        req = rectification.request_correction(s, user_id=paula.id, key=key, requested=typed,
                                               details="I moved to a new address.", at=AT)
        req_id = req.id
        assert (req.type, req.org_id, req.verified_at is not None) == ("rectification", org_b, True)
        assert req.correction == {"table": "customer", "row_id": str(about_her), "column": "contact_email",
                                  "current": paula.email, "requested": typed}
    with context(engine, dpo_a, org_a) as ctx, pytest.raises(NotFound):  # another organization's DPO
        requests.apply_correction(ctx, req_id)
    with context(engine, dpo_b, org_b, clock=FixedClock(AT)) as ctx:
        done = requests.apply_correction(ctx, req_id)
        assert done.status == requests.COMPLETED
    with _op(engine) as s:
        assert s.get(Customer, about_her).contact_email == typed
    with context(engine, dpo_b, org_b) as ctx, pytest.raises(DomainError):  # once
        requests.apply_correction(ctx, req_id)


def test_a_correction_is_refused_when_the_record_changed_since_the_request(world):
    engine, paula, _org_a, org_b, _dpo_a, dpo_b, about_her, _other = world
    with _op(engine) as s:
        req_id = rectification.request_correction(s, user_id=paula.id, key=f"customer:{about_her}:contact_email",
                                                  requested="paula@new.example", details="", at=AT).id
    with _op(engine) as s:
        s.execute(update(Customer).where(Customer.id == about_her).values(contact_email="paula@other.example"))
    with context(engine, dpo_b, org_b) as ctx, pytest.raises(DomainError) as e:
        requests.apply_correction(ctx, req_id)
    assert e.value.key == "privacy.controller.changed_meanwhile"
    with context(engine, dpo_b, org_b) as ctx:
        assert requests.get_request(ctx, req_id).status == requests.RECEIVED  # still open, nothing changed
    with _op(engine) as s:
        assert s.get(Customer, about_her).contact_email == "paula@other.example"
