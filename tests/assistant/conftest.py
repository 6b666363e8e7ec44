"""Fixtures of the AI helper's tests: an organization with the steel worked example entered through the services.

The tests of this directory reach no network: each module marks itself `allow_hosts(["127.0.0.1"])` (pytest-socket),
which lets them talk to PostgreSQL and the local chat-completions server only."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tests.factories import (
    add_member,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
)
from tests.support.paths import EXAMPLES


@dataclass
class Steel:
    engine: object
    owner: object
    org: object
    period: object
    viewer: object
    expected: dict


@pytest.fixture
def steel_org(engine) -> Steel:
    steel = json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8"))
    owner = make_user(engine, name="Wang Li", email="wang.li@example.com")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name=steel["installation"]["name"],
                             country=steel["installation"]["country"])
    period = make_period(engine, owner, org, installation_id=inst.id, year=steel["reporting_year"])
    customer = make_customer(engine, owner, org)
    enter_scenario(engine, owner, org, period.id, steel, customer_id=customer.id)
    viewer = make_user(engine, name="Zhao Min")
    add_member(engine, owner, org, viewer, "viewer")
    return Steel(engine, owner, org, period, viewer, steel["expected"])
