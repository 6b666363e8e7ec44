"""Helpers of the export tests: an approved (frozen) period holding the demo steel data, entered through the
services like the app does."""
from __future__ import annotations

import json
from dataclasses import dataclass

from core.demo.seed import DEMO_SCENARIO
from core.exchange.registry import ReportDetails
from tests.factories import (
    add_member,
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
    sign_off,
)

DETAILS = ReportDetails(declarant_city="Duisburg", declarant_street="Hafenstraße 1", declarant_postcode="47119",
                        installation_city="Fuzhou", signatory_name="Jonas Weber", signatory_position="CBAM officer",
                        signature_place="Duisburg")


@dataclass
class Team:
    engine: object
    org: object
    owner: object
    editor: object
    viewer: object
    consultant: object
    dpo: object
    period: object
    customer: object
    other_customer: object

    def ctx(self, who=None):
        return context(self.engine, who or self.owner, self.org)


def store_details(engine, owner, org) -> None:
    """The registry-report details of DETAILS stored on the organization, installation and customer, through the
    services of their pages."""
    from core.installations import InstallationData, list_installations, update_installation
    from core.organizations import OrganizationData, get_organization, update_organization
    from core.reporting import CustomerData, list_customers, update_customer

    with context(engine, owner, org) as ctx:
        o = get_organization(ctx)
        update_organization(ctx, OrganizationData(
            name_zh=o.name_zh, name_en=o.name_en, eori=o.eori or "", uscc=o.uscc or "", address=o.address,
            industry=o.industry or "other", signatory_name=DETAILS.signatory_name,
            signatory_position=DETAILS.signatory_position, signature_place=DETAILS.signature_place),
            expected_version=o.version)
        for i in list_installations(ctx):
            update_installation(ctx, i.id, InstallationData(
                name=i.name, address=i.address, city=DETAILS.installation_city, country=i.country,
                unlocode=i.unlocode or "", latitude=i.latitude, longitude=i.longitude,
                economic_activity=i.economic_activity), expected_version=i.version)
        c = next(c for c in list_customers(ctx) if c.eori == "DE123456789012345")
        update_customer(ctx, customer_id=c.id, data=CustomerData(
            name=c.name, eori=c.eori, country=c.country, contact_name=c.contact_name, contact_email=c.contact_email,
            city=DETAILS.declarant_city, street=DETAILS.declarant_street, postcode=DETAILS.declarant_postcode),
            expected_version=c.version)


def approved_steel(engine, *, customer_name: str = "Rheinstahl Handel GmbH", approve: bool = True,
                   stored_details: bool = False) -> Team:
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner, name_en="Demo Steel Co., Ltd.")
    people = {}
    for role in ("editor", "viewer", "consultant", "dpo"):
        people[role] = make_user(engine, name=f"{role} person")
        add_member(engine, owner, org, people[role], role)
    inst = make_installation(engine, owner, org, name="福州热轧厂 Fuzhou hot rolling mill", country="CN",
                             unlocode="CNFOC", latitude=26.0, longitude=119.4,
                             economic_activity="Hot rolling of steel (NACE 24.10)")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org, name=customer_name, eori="DE123456789012345",
                             contact_name="Jonas Weber", contact_email="j.weber@rheinstahl.example")
    other = make_customer(engine, owner, org, name="Rotterdam Metals BV", eori="NL123456789", country="NL")
    scenario = json.loads(DEMO_SCENARIO.read_text(encoding="utf-8"))
    enter_scenario(engine, owner, org, period.id, scenario, customer_id=customer.id)
    if stored_details:
        store_details(engine, owner, org)
    if approve:  # four-eyes approval: the editor submits, the owner approves
        period = sign_off(engine, org, period.id, submitter=people["editor"], approver=owner)
    return Team(engine, org, owner, people["editor"], people["viewer"], people["consultant"], people["dpo"],
                period, customer, other)
