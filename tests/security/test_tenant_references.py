"""No tenant row points at another organization's row: the database refuses it (composite (org_id, x_id) foreign
keys, migration 0015) and the services refuse a foreign id with a DomainError, never an assert or a KeyError."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import db.models
from core.errors import DomainError, NotFound
from db.evidence_models import EvidenceFile, EvidenceLink
from db.exchange_models import CustomerRequest
from db.reporting_models import ProductionProcess, ReportingPeriod, Shipment
from db.session import Scope, scoped_session
from tests.factories import make_customer, make_installation, make_org, make_period, make_user


def _tenant_references():
    """(table, column, referenced table) for every foreign key from a tenant table to a tenant table."""
    tenant = set(db.models.TENANT_TABLES)
    out = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in tenant:
            continue
        for fk in table.foreign_key_constraints:
            target = fk.referred_table.name
            if target in tenant:
                cols = [c.name for c in fk.columns]
                out.append((table.name, [c for c in cols if c != "org_id"], target, cols,
                            [e.column.name for e in fk.elements]))
    return out


def test_every_reference_between_tenant_tables_carries_the_organization():
    refs = _tenant_references()
    assert len(refs) >= 19
    for table, _col, target, cols, referred in refs:
        assert cols[0] == "org_id" and referred == ["org_id", "id"], f"{table} → {target} is not (org_id, id)"


def test_the_migrated_database_has_the_composite_keys(engine):
    insp = inspect(engine)
    for table, (col,), target, _cols, _ref in _tenant_references():
        fks = [(f["constrained_columns"], f["referred_table"], f["referred_columns"]) for f in insp.get_foreign_keys(table)]
        assert (["org_id", col], target, ["org_id", "id"]) in fks, f"{table}.{col}"
        assert ([col], target, ["id"]) not in fks, f"{table}.{col} still has its single-column key"


@pytest.fixture
def two_orgs(engine):
    me, other = make_user(engine), make_user(engine)
    mine, theirs = make_org(engine, me), make_org(engine, other, name_en="Other Co.")
    return engine, me, mine, other, theirs


def _write_as(engine, person, org_id, row) -> None:
    with scoped_session(Scope(user_id=person.id, org_id=org_id, email=person.email, issuer=person.issuer,
                              subject=person.subject), engine) as s:
        s.add(row)
        s.flush()


def test_a_period_cannot_name_another_organizations_installation(two_orgs):
    engine, me, mine, other, theirs = two_orgs
    foreign = make_installation(engine, other, theirs, name="Their plant")
    with pytest.raises(IntegrityError):
        _write_as(engine, me, mine, ReportingPeriod(org_id=mine, installation_id=foreign.id, year=2026))


def test_a_shipment_cannot_name_another_organizations_customer_or_process(two_orgs):
    engine, me, mine, other, theirs = two_orgs
    period = make_period(engine, me, mine)
    their_period = make_period(engine, other, theirs)
    their_customer = make_customer(engine, other, theirs)
    my_customer = make_customer(engine, me, mine)
    with pytest.raises(IntegrityError):
        _write_as(engine, me, mine, Shipment(org_id=mine, period_id=period.id, customer_id=their_customer.id,
                                             cn_code="72081000", quantity=1.0, shipped_on=date(2026, 2, 1)))
    their_proc = ProductionProcess(org_id=theirs, period_id=their_period.id, code="P1", goods_category="x",
                                   activity_level=1.0)
    _write_as(engine, other, theirs, their_proc)
    with pytest.raises(IntegrityError):
        _write_as(engine, me, mine, Shipment(org_id=mine, period_id=period.id, customer_id=my_customer.id,
                                             process_id=their_proc.id, cn_code="72081000", quantity=1.0,
                                             shipped_on=date(2026, 2, 1)))
    with pytest.raises(IntegrityError):  # a row of mine in their period
        _write_as(engine, me, mine, ProductionProcess(org_id=mine, period_id=their_period.id, code="P9",
                                                      goods_category="x", activity_level=1.0))
    # the same rows within one organization are fine
    _write_as(engine, me, mine, Shipment(org_id=mine, period_id=period.id, customer_id=my_customer.id,
                                         cn_code="72081000", quantity=1.0, shipped_on=date(2026, 2, 1)))


def test_requests_and_evidence_stay_within_the_organization(two_orgs, now):
    engine, me, mine, other, theirs = two_orgs
    period = make_period(engine, me, mine)
    their_period = make_period(engine, other, theirs)
    their_customer = make_customer(engine, other, theirs)
    my_customer = make_customer(engine, me, mine)
    with pytest.raises(IntegrityError):
        _write_as(engine, me, mine, CustomerRequest(org_id=mine, customer_id=their_customer.id, subject="x",
                                                    received_on=date(2026, 3, 1), due_on=date(2026, 3, 9)))
    with pytest.raises(IntegrityError):
        _write_as(engine, me, mine, CustomerRequest(org_id=mine, customer_id=my_customer.id, subject="x",
                                                    period_id=their_period.id, received_on=date(2026, 3, 1),
                                                    due_on=date(2026, 3, 9)))
    their_file = EvidenceFile(org_id=theirs, sha256="0" * 64, media_type="application/pdf", size=1,
                              original_name="a.pdf", storage_key=f"{theirs}/{uuid.uuid4().hex}", uploaded_at=now)
    _write_as(engine, other, theirs, their_file)
    with pytest.raises(IntegrityError):
        _write_as(engine, me, mine, EvidenceLink(org_id=mine, file_id=their_file.id, period_id=period.id,
                                                 entity_type="period", entity_id=period.id, field_name="x"))


# --- the services ---------------------------------------------------------------------------------------------------

def test_record_answer_refuses_another_organizations_period(two_orgs):
    from core.exchange.pack import RequestData, add_request, record_answer
    from tests.factories import context

    engine, me, mine, other, theirs = two_orgs
    my_customer = make_customer(engine, me, mine)
    their_period = make_period(engine, other, theirs)
    with context(engine, me, mine) as ctx:
        req = add_request(ctx, data=RequestData(customer_id=my_customer.id, received_on=date(2026, 1, 5),
                                                due_on=date(2026, 1, 20), subject="SEE for Q1"))
    with pytest.raises(NotFound), context(engine, me, mine) as ctx:
        record_answer(ctx, request_id=req.id, expected_version=req.version, customer_id=my_customer.id,
                      period_id=their_period.id, files=[], snapshot_hash="0" * 64)


def test_actor_names_names_only_the_organizations_people(two_orgs):
    from core.audit import actor_names
    from tests.factories import context

    engine, me, mine, other, theirs = two_orgs
    with context(engine, me, mine) as ctx:
        names = actor_names(ctx, [me.id, other.id])
    assert names == {me.id: me.name}  # the other organization's owner is nobody here


def test_dashboard_reads_of_a_foreign_period_are_refusals(two_orgs):
    from core.dashboards.aggregates import PeriodRow
    from core.dashboards.evaluations import _scenario
    from core.dashboards.findings import findings_of
    from tests.factories import context

    engine, me, mine, other, theirs = two_orgs
    their_period = make_period(engine, other, theirs)
    with context(engine, me, mine) as ctx:
        with pytest.raises(DomainError):
            findings_of(ctx, their_period.id)
        row = PeriodRow(their_period.id, their_period.installation_id, 2026, 1, "draft", None, 1)
        with pytest.raises(DomainError):
            _scenario(ctx, row)


def test_csv_export_of_a_foreign_customer_is_a_refusal(sqlite_engine):
    from core.exchange.csv_export import shipments_csv
    from tests.exchange.exports_support import approved_steel

    team = approved_steel(sqlite_engine)
    other = make_user(sqlite_engine)
    their_customer = make_customer(sqlite_engine, other, make_org(sqlite_engine, other))
    with team.ctx() as ctx:
        with pytest.raises(NotFound):
            shipments_csv(ctx, period_id=team.period.id, customer_id=their_customer.id)
        with pytest.raises(NotFound):
            shipments_csv(ctx, period_id=team.period.id, customer_id=uuid.uuid4())
