"""The refusal of a concurrent save names the record as a person knows it, in their language: the translated noun
of its kind, its own name, who saved it and when; never a table name."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table)
from core.errors import ConcurrentChange
from core.i18n import catalogs, error_text
from core.installations import archive_installation
from core.organizations import change_role, list_members
from core.reporting import (
    CustomerData,
    ProcessData,
    get_period,
    get_process,
    update_customer,
    update_period_parameters,
    update_process,
)
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

DEMO = Path(__file__).resolve().parents[2] / "core" / "demo" / "steel_2026.json"


def _versioned_models() -> list[type]:
    return sorted((m.class_ for m in SQLModel._sa_registry.mappers if "version" in m.class_.model_fields),
                  key=lambda c: c.__name__)


def test_every_table_that_can_refuse_a_save_has_a_noun_in_both_languages():
    models = _versioned_models()
    assert {"ProductionProcess", "Installation", "Membership", "Shipment", "EvidenceFile"} <= {m.__name__ for m in
                                                                                               models}
    for lang in ("en", "zh"):
        for model in models:
            entity = model.__name__.lower()
            assert f"entity.{entity}" in catalogs()[lang], (lang, entity)
            noun = catalogs()[lang][f"entity.{entity}"]
            text = error_text(ConcurrentChange(entity, "Li Wei", "2026-11-30 10:42 UTC", name="X"), lang)
            assert noun in text and "Li Wei" in text and "10:42" in text, text
            rest = text.replace(noun, "").lower()  # the noun may be the table's word ("Installation"); nothing else
            assert entity not in rest and model.__tablename__ not in rest and "entity." not in rest, text


@pytest.fixture
def two_people(engine):
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    other = make_user(engine, name="Li Wei")
    add_member(engine, owner, org, other, "owner")
    return owner, other, org


def _refusal(engine, user, org, action) -> ConcurrentChange:
    with context(engine, user, org) as ctx, pytest.raises(ConcurrentChange) as exc:
        action(ctx)
    return exc.value


def _assert_names(err: ConcurrentChange, noun_key: str, name: str) -> None:
    for lang in ("en", "zh"):
        text = error_text(err, lang)
        noun = catalogs()[lang][noun_key]
        assert noun in text and name in text and "Li Wei" in text and "UTC" in text, text
        rest = text.replace(noun, "").replace(name, "").lower()
        assert err.params["entity"] not in rest and "entity." not in rest and "_" not in rest, text
    assert error_text(err, "en") != error_text(err, "zh")


def test_installation_customer_and_member_refusals_name_the_record(engine, two_people):
    owner, other, org = two_people
    inst = make_installation(engine, owner, org, name="Fuzhou mill", country="CN")
    with context(engine, other, org) as ctx:
        archive_installation(ctx, inst.id, expected_version=inst.version)
    err = _refusal(engine, owner, org, lambda c: archive_installation(c, inst.id, expected_version=inst.version))
    _assert_names(err, "entity.installation", "Fuzhou mill")

    cust = make_customer(engine, owner, org, name="Rheinstahl")
    data = CustomerData(name="Rheinstahl", eori=cust.eori, country="DE", contact_name="Anna")
    with context(engine, other, org) as ctx:
        update_customer(ctx, customer_id=cust.id, data=data, expected_version=cust.version)
    err = _refusal(engine, owner, org, lambda c: update_customer(c, customer_id=cust.id, data=data,
                                                                 expected_version=cust.version))
    _assert_names(err, "entity.customer", "Rheinstahl")

    viewer = make_user(engine, name="Zhao Min")
    add_member(engine, owner, org, viewer, "viewer")
    with context(engine, owner, org) as ctx:
        member = next(m for m in list_members(ctx) if m.email == viewer.email)
    with context(engine, other, org) as ctx:
        change_role(ctx, member.id, role="editor", expected_version=member.version)
    err = _refusal(engine, owner, org, lambda c: change_role(c, member.id, role="consultant",
                                                             expected_version=member.version))
    _assert_names(err, "entity.membership", viewer.email)


def test_process_and_period_refusals_name_the_record(engine, two_people):
    owner, other, org = two_people
    inst = make_installation(engine, owner, org, name="Fuzhou mill", country="CN")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org)
    ids = enter_scenario(engine, owner, org, period.id, json.loads(DEMO.read_text(encoding="utf-8")),
                         customer_id=customer.id)
    with context(engine, owner, org) as ctx:
        period = get_period(ctx, period_id=period.id)
    with context(engine, other, org) as ctx:
        update_period_parameters(ctx, period_id=period.id, parameters={}, expected_version=period.version)
    err = _refusal(engine, owner, org, lambda c: update_period_parameters(
        c, period_id=period.id, parameters={}, expected_version=period.version))
    _assert_names(err, "entity.reportingperiod", "2026 v1")

    with context(engine, owner, org) as ctx:
        p1 = get_process(ctx, process_id=ids["P1"])
    data = ProcessData(code="P1", goods_category=p1.goods_category, route=p1.route, cn_code=p1.cn_code,
                       activity_level=p1.activity_level, direct_emissions=p1.direct_emissions)
    with context(engine, other, org) as ctx:
        update_process(ctx, process_id=p1.id, data=data, expected_version=p1.version)
    err = _refusal(engine, owner, org, lambda c: update_process(c, process_id=p1.id, data=data,
                                                                expected_version=p1.version))
    _assert_names(err, "entity.productionprocess", "P1")
