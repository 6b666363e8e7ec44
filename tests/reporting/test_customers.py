"""Customers: edited, deleted when nothing names them, archived (not deleted) when shipments do; archived ones are
not offered for new shipments. Permission-checked, audited, with optimistic versions."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.errors import ConcurrentChange, ValidationFailed
from core.reporting import (
    CustomerData,
    ShipmentData,
    add_shipment,
    delete_customer,
    list_customers,
    restore_customer,
    update_customer,
)
from db.models import AuditEvent
from db.personal_data import INFO_KEY, PersonalData
from db.reporting_models import Customer
from tests.exchange.exports_support import approved_steel
from tests.factories import make_period


def _data(c, **changes) -> CustomerData:
    base = {f: getattr(c, f) for f in ("name", "eori", "country", "contact_name", "contact_email", "city", "street",
                                       "postcode", "representative_eori", "representative_name",
                                       "representative_city")}
    return CustomerData(**(base | changes))


def _actions(engine, team) -> list[str]:
    with team.ctx() as ctx:
        return [e.action for e in ctx.session.exec(select(AuditEvent).where(AuditEvent.org_id == team.org)
                                                   .order_by(AuditEvent.seq))]


def test_edit_delete_and_archive(engine):
    team = approved_steel(engine)
    with team.ctx(team.editor) as ctx:
        c = next(c for c in list_customers(ctx) if c.id == team.customer.id)
        read_version = c.version
        changed = update_customer(ctx, customer_id=c.id, expected_version=read_version,
                                  data=_data(c, name="Rheinstahl AG", city="Köln", representative_eori="de12345678"))
        assert (changed.name, changed.city, changed.representative_eori) == ("Rheinstahl AG", "Köln", "DE12345678")
        with pytest.raises(ConcurrentChange):  # saved on a stale version
            update_customer(ctx, customer_id=c.id, expected_version=read_version, data=_data(c, name="Stale"))
        with pytest.raises(ValidationFailed) as err:
            update_customer(ctx, customer_id=c.id, expected_version=changed.version,
                            data=_data(changed, representative_eori="12-345"))
        assert "representative_eori" in err.value.errors
        # nothing shipped to the other customer: deleted
        other = next(c for c in list_customers(ctx) if c.id == team.other_customer.id)
        assert delete_customer(ctx, customer_id=other.id, expected_version=other.version) == "deleted"
        assert ctx.session.get(Customer, other.id) is None
        # shipments name this one (in an approved period): archived, kept
        assert delete_customer(ctx, customer_id=c.id, expected_version=changed.version) == "archived"
        archived = ctx.session.get(Customer, c.id)
        assert archived is not None and archived.archived_at is not None
        assert c.id not in {x.id for x in list_customers(ctx, include_archived=False)}
        assert c.id in {x.id for x in list_customers(ctx)}
    actions = _actions(engine, team)
    assert {"customer.updated", "customer.deleted", "customer.archived"} <= set(actions)


def test_archived_customers_are_not_offered_for_new_shipments(engine):
    team = approved_steel(engine)
    with team.ctx() as ctx:
        c = ctx.session.get(Customer, team.customer.id)
        delete_customer(ctx, customer_id=c.id, expected_version=c.version)
    draft = make_period(engine, team.owner, team.org, installation_id=team.period.installation_id, year=2027)
    with team.ctx() as ctx:
        line = ShipmentData(customer_id=team.customer.id, cn_code="72083900", quantity=5.0,
                            shipped_on=date(2027, 2, 1), basis="default")
        with pytest.raises(ValidationFailed) as err:
            add_shipment(ctx, period_id=draft.id, data=line)
        assert err.value.errors["customer_id"][0] == "customers.error_archived"
        c = ctx.session.get(Customer, team.customer.id)
        restore_customer(ctx, customer_id=c.id, expected_version=c.version)
        assert add_shipment(ctx, period_id=draft.id, data=line).customer_id == team.customer.id
    assert "customer.restored" in _actions(engine, team)


def test_registry_details_columns_are_tagged():
    from db.models import Installation, Organization

    assert Organization.__table__.c.signatory_name.info[INFO_KEY] == PersonalData.IDENTITY
    for table, cols in ((Organization, ("signatory_position", "signature_place")), (Installation, ("city",)),
                        (Customer, ("city", "street", "postcode", "representative_eori", "representative_name",
                                    "representative_city", "archived_at"))):
        for col in cols:
            assert table.__table__.c[col].info[INFO_KEY] == PersonalData.NONE


def test_a_contact_email_is_saved_as_typed(engine):
    """An address is the person's own: its case is kept (mail servers may treat the local part as case-sensitive);
    only the blanks around it go. Finding a person by e-mail compares without case (core/privacy)."""
    team = approved_steel(engine)
    with team.ctx(team.editor) as ctx:
        c = next(c for c in list_customers(ctx) if c.id == team.customer.id)
        changed = update_customer(ctx, customer_id=c.id, expected_version=c.version,
                                  data=_data(c, contact_email="  Jonas.Weber@Rheinstahl.example "))
        assert changed.contact_email == "Jonas.Weber@Rheinstahl.example"
