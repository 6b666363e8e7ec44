"""Factories that create data through the services, like the app does."""
from __future__ import annotations

import uuid
from contextlib import contextmanager

from core.access import Role
from core.clock import FixedClock, SystemClock
from core.context import Context
from core.identity import complete_onboarding, resolve_login
from core.installations import InstallationData, add_installation
from core.organizations import (
    OrganizationData,
    accept_invitation,
    create_organization,
    invite,
)
from core.organizations import role_in as _role_in
from db.models import User
from db.session import Scope, scoped_session

POLICY = "1.0"


def random_email() -> str:
    return f"{uuid.uuid4().hex[:8]}@example.com"


def make_user(engine, *, email: str | None = None, name: str = "Test Person", onboard: bool = True,
              issuer: str = "https://idp.example.com", clock=None) -> User:
    clock = clock or SystemClock()
    with scoped_session(Scope(), engine) as s:
        user = resolve_login(s, issuer=issuer, subject=uuid.uuid4().hex, email=email or random_email(), name=name,
                             clock=clock)
        if onboard:
            complete_onboarding(s, user, adult=True, accept_policy=True, policy_version=POLICY, clock=clock)
        return user


def make_org(engine, owner: User, *, name_en: str = "Test Steel Co.", clock=None) -> uuid.UUID:
    with scoped_session(Scope(user_id=owner.id, email=owner.email), engine) as s:
        ctx = create_organization(s, owner, OrganizationData(name_en=name_en), clock=clock or SystemClock())
        return ctx.org_id


def add_member(engine, owner: User, org_id: uuid.UUID, member: User, role: str) -> None:
    with context(engine, owner, org_id) as ctx:
        token = invite(ctx, email=member.email, role=role).token
    with scoped_session(Scope(user_id=member.id, email=member.email), engine) as s:
        accept_invitation(s, member, token, clock=SystemClock())


@contextmanager
def context(engine, user: User, org_id: uuid.UUID, clock=None):
    """A service context with the role read from the database, as the app builds it."""
    with scoped_session(Scope(user_id=user.id, org_id=org_id, email=user.email, issuer=user.issuer,
                              subject=user.subject), engine) as s:
        role: Role | None = _role_in(s, user, org_id)
        yield Context(session=s, user=s.get(User, user.id), org_id=org_id, role=role,
                      clock=clock or SystemClock())


def make_installation(engine, user: User, org_id: uuid.UUID, *, name: str = "Plant 1", **fields):
    data = InstallationData(name=name, address=fields.pop("address", "1 Mill Road"), **fields)
    with context(engine, user, org_id) as ctx:
        return add_installation(ctx, data)


__all__ = ["FixedClock", "POLICY", "add_member", "context", "make_installation", "make_org", "make_user",
           "random_email"]


# --- reporting (issue 4) -------------------------------------------------------------------------------------------

def make_period(engine, user: User, org_id: uuid.UUID, *, installation_id: uuid.UUID | None = None,
                year: int = 2026):
    from core.reporting import create_period

    if installation_id is None:
        installation_id = make_installation(engine, user, org_id, name=f"Plant {uuid.uuid4().hex[:6]}").id
    with context(engine, user, org_id) as ctx:
        return create_period(ctx, installation_id=installation_id, year=year)


def make_customer(engine, user: User, org_id: uuid.UUID, *, name: str = "Hamburg Steel Import GmbH",
                  eori: str | None = None, country: str = "DE", **fields):
    from core.reporting import CustomerData, add_customer

    data = CustomerData(name=name, eori=eori or f"DE{uuid.uuid4().int % 10**12:012d}", country=country, **fields)
    with context(engine, user, org_id) as ctx:
        return add_customer(ctx, data=data)


def enter_scenario(engine, user: User, org_id: uuid.UUID, period_id: uuid.UUID, scenario: dict, *,
                   customer_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """Enter a `cbam-scenario/1` object through the services, as a person would; returns code → row id."""
    from core.reporting.entry import enter_scenario as enter

    with context(engine, user, org_id) as ctx:
        return enter(ctx, period_id=period_id, scenario=scenario, customer_id=customer_id,
                     supplier_installation="Supplier works", justification="supplier did not report actual data")



STEEL_DEMO = "steel_2026.json"


def steel_period(engine):
    """An owner's organization with the demo steel scenario entered into a 2026 period of its Fuzhou mill, shipped to
    one customer: returns (owner, org_id, period, customer, code → row id)."""
    import json
    from pathlib import Path

    import core.demo

    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name="Fuzhou mill", country="CN")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org, name="Rheinstahl")
    scenario = json.loads((Path(core.demo.__file__).parent / STEEL_DEMO).read_text(encoding="utf-8"))
    ids = enter_scenario(engine, owner, org, period.id, scenario, customer_id=customer.id)
    return owner, org, period, customer, ids

# --- four-eyes approval --------------------------------------------------------------------------------------------

def second_owner(engine, owner: User, org_id: uuid.UUID, *, name: str = "Second Owner") -> User:
    """Another owner of the organization: under four-eyes approval (on by default) whoever submitted a period
    does not approve it."""
    person = make_user(engine, name=name)
    add_member(engine, owner, org_id, person, "owner")
    return person


def sign_off(engine, org_id: uuid.UUID, period_id: uuid.UUID, *, submitter: User, approver: User,
             review_by: User | None = None):
    """Submit as `submitter`, optionally take into review as `review_by`, approve as `approver`; each in its own
    transaction, as separate people do. Returns the approved period."""
    from core.reporting import approve_period, get_period, start_review, submit_period

    with context(engine, submitter, org_id) as ctx:
        p = submit_period(ctx, period_id=period_id, expected_version=get_period(ctx, period_id=period_id).version)
    if review_by is not None:
        with context(engine, review_by, org_id) as ctx:
            p = start_review(ctx, period_id=period_id, expected_version=p.version)
    with context(engine, approver, org_id) as ctx:
        return approve_period(ctx, period_id=period_id, expected_version=p.version)


def make_operator(org_id: uuid.UUID) -> None:
    """Name `org_id` the platform operator's organization (CBAM_OPERATOR_ORG_ID): its DPO keeps the platform's
    policies, processor registry and breach register. tests/conftest.py clears the setting after every test."""
    import os

    from core.settings import get_settings

    os.environ["CBAM_OPERATOR_ORG_ID"] = str(org_id)
    get_settings.cache_clear()
