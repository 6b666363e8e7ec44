"""Demo data for the local login: two organizations and one person per role, written through the services
(so the audit log and, on PostgreSQL, row-level security apply as for real users)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from core.clock import Clock, SystemClock
from core.identity import LOCAL_ISSUER, complete_onboarding, resolve_login
from core.installations import InstallationData, add_installation, list_installations
from core.organizations import (
    OrganizationData,
    accept_invitation,
    create_organization,
    invite,
    memberships_of,
)
from db.session import Scope, scoped_session


@dataclass(frozen=True)
class DemoUser:
    subject: str
    email: str
    name: str
    role: str


DEMO_USERS = (
    DemoUser("demo-owner", "owner@demo.cbam.local", "王丽 Wang Li", "owner"),
    DemoUser("demo-editor", "editor@demo.cbam.local", "陈刚 Chen Gang", "editor"),
    DemoUser("demo-viewer", "viewer@demo.cbam.local", "赵敏 Zhao Min", "viewer"),
    DemoUser("demo-consultant", "consultant@demo.cbam.local", "Anna Schmidt", "consultant"),
    DemoUser("demo-dpo", "dpo@demo.cbam.local", "刘洋 Liu Yang", "dpo"),
)

DEMO_ORGS = (
    (OrganizationData(name_zh="示例钢铁有限公司", name_en="Demo Steel Co., Ltd.", uscc="91350100M000100Y43",
                      address="福建省福州市鼓楼区示例路1号", industry="iron_steel", signatory_name="王丽 Wang Li",
                      signatory_position="CBAM compliance manager", signature_place="Fuzhou"),
     [InstallationData(name="福州热轧厂 Fuzhou hot rolling mill", address="福建省福州市马尾区工业路8号",
                       city="Fuzhou", country="CN", unlocode="CNFOC", latitude=26.0, longitude=119.4,
                       economic_activity="Hot rolling of steel (NACE 24.10)")]),
    (OrganizationData(name_zh="示例铝业有限公司", name_en="Demo Aluminium Co., Ltd.", address="河南省郑州市示例大道2号",
                      industry="aluminium", signatory_name="王丽 Wang Li",
                      signatory_position="CBAM compliance manager", signature_place="Zhengzhou"),
     [InstallationData(name="郑州电解铝厂 Zhengzhou smelter", address="河南省郑州市上街区铝城路3号", city="Zhengzhou",
                       country="CN",
                       unlocode="CNCGO", latitude=34.8, longitude=113.3,
                       economic_activity="Primary aluminium production (NACE 24.42)")]),
)


def _login(session, demo: DemoUser, clock: Clock, policy_version: str):
    user = resolve_login(session, issuer=LOCAL_ISSUER, subject=demo.subject, email=demo.email, name=demo.name,
                         clock=clock)
    if user.adult_confirmed_at is None:
        # no saved language: the demo follows the browser's locale until the person picks one in Profile
        complete_onboarding(session, user, adult=True, accept_policy=True, policy_version=policy_version,
                            clock=clock)
    return user


DEMO_SCENARIO = Path(__file__).resolve().parent / "steel_2026.json"
DEMO_APPROVED = Path(__file__).resolve().parent / "aluminium_2026.json"


def _seed_period(ctx, scenario: Path, customer, supplier: str):  # noqa: ANN001, ANN202
    """A 2026 period for the organization's installation holding a worked example, shipped to one EU customer."""
    from core.reporting import add_customer, create_period
    from core.reporting.entry import enter_scenario

    customer = add_customer(ctx, data=customer)
    period = create_period(ctx, installation_id=list_installations(ctx)[0].id, year=2026)
    enter_scenario(ctx, period_id=period.id, scenario=json.loads(scenario.read_text(encoding="utf-8")),
                   customer_id=customer.id, supplier_installation=supplier,
                   justification="供应商尚未提供实际数据 The supplier has not yet reported actual data")
    return period


def _seed_reporting(ctx) -> None:
    """Demo Steel: the worked steel example as a draft, to edit, check and submit."""
    from core.reporting import CustomerData

    _seed_period(ctx, DEMO_SCENARIO, CustomerData(
        name="Rheinstahl Handel GmbH", eori="DE123456789012345", country="DE", contact_name="Jonas Weber",
        contact_email="j.weber@rheinstahl.example", city="Duisburg", street="Hafenstraße 1", postcode="47119"),
        "示例炼铁厂 Demo ironworks")


def _seed_approved_entry(ctx):  # noqa: ANN001, ANN202
    """Demo Aluminium: the worked aluminium example, to be submitted by the editor and approved by the owner."""
    from core.reporting import CustomerData

    return _seed_period(ctx, DEMO_APPROVED, CustomerData(
        name="Alu Trade Rotterdam B.V.", eori="NL123456789", country="NL", contact_name="Sanne de Vries",
        contact_email="s.devries@alutrade.example", city="Rotterdam", street="Waalhaven Oostzijde 1",
        postcode="3087 BM"), "示例氧化铝厂 Demo alumina refinery")


def _sign_off(engine: Engine, org_id, period_id, submitter, approver, clock: Clock) -> None:  # noqa: ANN001
    """Submitted by one person and approved by another (four-eyes approval is on by default): the approved and
    frozen period the Exports page, the customer data pack and the verifier pack start from."""
    from core.context import Context
    from core.organizations import role_in
    from core.reporting import approve_period, get_period, submit_period

    for person, step in ((submitter, submit_period), (approver, approve_period)):
        with scoped_session(Scope(user_id=person.id, org_id=org_id, email=person.email, issuer=person.issuer,
                                  subject=person.subject), engine) as session:
            ctx = Context(session=session, user=person, org_id=org_id, role=role_in(session, person, org_id),
                          clock=clock)
            period = get_period(ctx, period_id=period_id)
            step(ctx, period_id=period_id, expected_version=period.version)
            session.commit()


def seed_demo(engine: Engine, *, policy_version: str, clock: Clock | None = None) -> bool:
    """Create the demo organizations once. Returns False when they already exist."""
    clock = clock or SystemClock()
    with scoped_session(Scope(), engine) as session:
        owner = _login(session, DEMO_USERS[0], clock, policy_version)
        if memberships_of(session, owner):
            return False
        approved = None
        links: dict[str, list[str]] = {}
        for org_data, installations in DEMO_ORGS:
            ctx = create_organization(session, owner, org_data, clock=clock)
            for inst in installations:
                add_installation(ctx, inst)
            if org_data is DEMO_ORGS[0][0]:
                _seed_reporting(ctx)
            else:
                approved = (ctx.org_id, _seed_approved_entry(ctx).id)
            for demo in DEMO_USERS[1:]:
                # the consultant serves both organizations, the editor too (they submit Demo Aluminium's period
                # for the owner to approve); everyone else works for the first only
                if org_data is DEMO_ORGS[0][0] or demo.role in ("consultant", "editor"):
                    # the demo people accept through the invitation link, like anyone else
                    links.setdefault(demo.subject, []).append(invite(ctx, email=demo.email, role=demo.role).token)
        session.commit()
    people = {}
    for demo in DEMO_USERS[1:]:
        with scoped_session(Scope(), engine) as session:
            user = _login(session, demo, clock, policy_version)
            for token in links.get(demo.subject, []):
                accept_invitation(session, user, token, clock=clock)
            people[demo.role] = user
    _sign_off(engine, *approved, people["editor"], owner, clock)
    return True
