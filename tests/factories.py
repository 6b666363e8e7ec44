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
    invitations_of,
    invite_member,
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
        invite_member(ctx, email=member.email, role=role)
    with scoped_session(Scope(user_id=member.id, email=member.email), engine) as s:
        for _org, m in invitations_of(s, member):
            if m.org_id == org_id:
                accept_invitation(s, member, m.id, clock=SystemClock())


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
    from datetime import date

    from core.reporting import (
        ProcessData,
        ProcessInputData,
        PurchasedPrecursorData,
        ShipmentData,
        SourceStreamData,
        add_process,
        add_process_input,
        add_purchased_precursor,
        add_shipment,
        add_source_stream,
        get_period,
        update_period_parameters,
    )

    ids: dict[str, uuid.UUID] = {}
    with context(engine, user, org_id) as ctx:
        if scenario.get("parameters"):
            period = get_period(ctx, period_id=period_id)
            update_period_parameters(ctx, period_id=period_id, parameters=scenario["parameters"],
                                     expected_version=period.version)
        for pp in scenario.get("purchased_precursors", []):
            ids[pp["id"]] = add_purchased_precursor(ctx, period_id=period_id, data=PurchasedPrecursorData(
                code=pp["id"], goods_category=pp["goods_category"], cn_code=pp["cn_code"], country=pp["country"],
                see_direct=pp["see_direct"], see_indirect=pp.get("see_indirect", 0.0),
                data_source=pp.get("data_source", "default"), supplier_installation="Supplier works",
                justification="supplier did not report actual data")).id
        for p in scenario["processes"]:
            heat, wg, el = p.get("heat") or {}, p.get("waste_gas") or {}, p.get("electricity") or {}
            ids[p["id"]] = add_process(ctx, period_id=period_id, data=ProcessData(
                code=p["id"], goods_category=p["goods_category"], route=p.get("route"), cn_code=p.get("cn_code"),
                activity_level=p["activity_level"], direct_emissions=p.get("direct_emissions"),
                heat_imported_tj=heat.get("imported_TJ", 0.0), heat_imported_ef=heat.get("imported_ef", 0.0),
                heat_exported_tj=heat.get("exported_TJ", 0.0), heat_exported_ef=heat.get("exported_ef", 0.0),
                waste_gas_imported_tj=wg.get("imported_TJ", 0.0), waste_gas_exported_tj=wg.get("exported_TJ", 0.0),
                electricity_consumed_mwh=el.get("consumed_MWh", 0.0), electricity_ef=el.get("ef", 0.0),
                electricity_exported_mwh=el.get("exported_MWh", 0.0),
                electricity_exported_ef=el.get("exported_ef", 0.0))).id
            for s in p.get("source_streams") or []:
                params = {k: v for k, v in s.items() if k not in ("method", "name")}
                add_source_stream(ctx, process_id=ids[p["id"]], data=SourceStreamData(
                    name=s.get("name", ""), method=s["method"], params=params))
        for p in scenario["processes"]:
            for u in p.get("inputs") or []:
                src = ids[u["from"]]
                own = u["from"] in {q["id"] for q in scenario["processes"]}
                add_process_input(ctx, process_id=ids[p["id"]], data=ProcessInputData(
                    from_process_id=src if own else None, from_precursor_id=None if own else src, mass=u["mass"]))
        for n, line in enumerate(scenario.get("imports", [])):
            month = 3 * (line.get("quarter", 1) - 1) + 1
            add_shipment(ctx, period_id=period_id, data=ShipmentData(
                customer_id=customer_id, process_id=ids.get(line.get("process", "")), cn_code=line["cn_code"],
                quantity=line["quantity"], shipped_on=date(scenario["reporting_year"], month, 15),
                order_reference=f"PO-{n + 1}", basis=line["basis"]))
    return ids
