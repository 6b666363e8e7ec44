"""Fixtures of the data-entry workbook tests: an organization with the demo steel period entered through the
services, an empty period to import into, and helpers to edit a workbook's cells."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from core.exchange.workbook import export_workbook
from tests.factories import (
    add_member,
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
)

DEMO = Path(__file__).resolve().parents[3] / "core" / "demo" / "steel_2026.json"


@dataclass
class Steel:
    engine: object
    owner: object
    org: object
    period: object  # the demo steel period, entered through the services
    empty: object  # a second installation's empty 2026 period

    def ctx(self, user=None):
        return context(self.engine, user or self.owner, self.org)

    def workbook(self, period=None) -> bytes:
        with self.ctx() as ctx:
            return export_workbook(ctx, period_id=(period or self.period).id)


@pytest.fixture
def steel_scenario() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


@pytest.fixture
def steel(engine, steel_scenario) -> Steel:
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name="Demo Steel Works", country="CN")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org, name="Rheinstahl Handel GmbH", eori="DE123456789012345",
                             contact_name="Jonas Weber", contact_email="j.weber@rheinstahl.example")
    enter_scenario(engine, owner, org, period.id, steel_scenario, customer_id=customer.id)
    other = make_installation(engine, owner, org, name="Second Works", country="CN")
    empty = make_period(engine, owner, org, installation_id=other.id, year=2026)
    return Steel(engine, owner, org, period, empty)


def with_member(steel: Steel, role: str):
    member = make_user(steel.engine, name=f"A {role}")
    add_member(steel.engine, steel.owner, steel.org, member, role)
    return member


def edit(data: bytes, changes: dict[tuple[str, str], object]) -> bytes:
    """Set cells ({(sheet title, "B4"): value}) in a workbook through openpyxl and return the new bytes."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for (sheet, cell), value in changes.items():
        wb[sheet][cell] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
