"""The annual view per EU customer (issue 13): totals against hand-computed numbers (domain reference §8.2 and §8.5,
the worked steel example), the 50 t de minimis threshold of Reg. (EU) 2023/956 Art. 2a exactly at its edge
(exempt while the net mass "does not cumulatively exceed" 50 t), hydrogen and electricity not counted (Art. 2a(4)),
the CSV equal to the service, and tenant isolation on both databases."""
from __future__ import annotations

import csv
import io
import math
from datetime import date
from decimal import Decimal

import pytest

from core.dashboards import CACHE, to_csv
from core.dashboards.annual import (
    ABOVE,
    DE_MINIMIS_T,
    LIKELY_EXEMPT,
    NOT_COUNTED,
    annual_view,
    annual_years,
    sector_of,
    threshold_status,
)
from core.errors import PermissionDenied, ValidationFailed
from core.reporting import ShipmentData, add_shipment
from tests.factories import add_member, context, make_customer, make_user, steel_period

HRC = "72083900"  # hot-rolled coil, the steel example's P2 good
HYDROGEN = "28041000"
ELECTRICITY = "27160000"
# Hand-computed per tonne (domain reference §8.2 and §8.5, China, 2026):
SEE_ACTUAL = (8_415 + 168_834) / 93_000  # SEE_dir(HRC) = 1.905903226 tCO2e/t
CERT_ACTUAL = SEE_ACTUAL - 1.338853226  # minus the free-allocation adjustment SEFA_HRC → 0.567050 per tonne
EE_DEFAULT = 3.186893 * 1.10  # China default value with the 2026 mark-up = 3.5055823 tCO2e/t
CERT_DEFAULT = EE_DEFAULT - 0.975 * 1.370  # minus 0.975 × Column B (route C) = 2.1698323 per tonne
PRICE_Q1 = Decimal("75.36")  # Q1 2026 certificate price (Reg. (EU) 2023/956 Art. 21(1a), domain reference §3.1)


def close(a, b, rel=1e-6):
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-6)


@pytest.fixture(autouse=True)
def _fresh_cache():
    CACHE.clear()
    yield
    CACHE.clear()


def ship(engine, owner, org, period_id, customer_id, cn, qty, basis="default", process_id=None, day=None):
    with context(engine, owner, org) as ctx:
        add_shipment(ctx, period_id=period_id, data=ShipmentData(
            customer_id=customer_id, process_id=process_id, cn_code=cn, quantity=qty, basis=basis,
            shipped_on=day or date(2026, 1, 20), order_reference="A-1"))


def build(engine):
    """The steel example (1,000 t actual + 1,000 t default to Rheinstahl, Q1 2026) plus four small importers."""
    owner, org, period, rheinstahl, ids = steel_period(engine)
    c = {n: make_customer(engine, owner, org, name=n, country="NL" if n == "Below BV" else "DE").id
         for n in ("Below BV", "At Fifty GmbH", "Above GmbH", "Hydrogen AG")}
    ship(engine, owner, org, period.id, c["Below BV"], HRC, 20.0, "actual", ids["P2"])
    ship(engine, owner, org, period.id, c["Below BV"], HRC, 29.999)  # 49.999 t in two shipments
    # exactly 50 t in three quarters, which floats add up to 50.00000000000001
    for qty, day in ((16.234, date(2026, 1, 5)), (1.548, date(2026, 5, 5)), (32.218, date(2026, 8, 5))):
        ship(engine, owner, org, period.id, c["At Fifty GmbH"], HRC, qty, day=day)
    ship(engine, owner, org, period.id, c["Above GmbH"], HRC, 50.001)
    ship(engine, owner, org, period.id, c["Hydrogen AG"], HRC, 49.0)
    ship(engine, owner, org, period.id, c["Hydrogen AG"], HYDROGEN, 10.0)  # never counted (Art. 2a(4))
    return owner, org, period, rheinstahl.id, c


def by_name(view):
    return {x.name: x for x in view.customers}


def test_totals_match_the_hand_computed_steel_example(engine):
    owner, org, _period, rheinstahl, c = build(engine)
    with context(engine, owner, org) as ctx:
        view = annual_view(ctx, year=2026)
    got = by_name(view)
    assert set(got) == {"Rheinstahl", "Below BV", "At Fifty GmbH", "Above GmbH", "Hydrogen AG"}
    r = got["Rheinstahl"]
    assert r.customer_id == rheinstahl and r.quantity_t == 2000.0 and r.counted_t == 2000.0
    # domain reference §8.2: 1,905.903 + 3,505.5823 tCO2e; 567.050 + 2,169.832 certificates; €42,732.89 + €163,518.56
    assert close(r.embedded_emissions, 1905.903226 + 3505.5823)
    assert close(r.certificates, 567.050 + 2169.8323)
    assert abs(r.cost_eur - Decimal("206251.45")) < Decimal("0.01")
    assert isinstance(r.cost_eur, Decimal) and r.unpriced_certificates == 0
    lines = {(g.cn_code, g.basis): g for g in r.goods}
    assert set(lines) == {(HRC, "actual"), (HRC, "default")}
    assert lines[(HRC, "actual")].quantity_t == 1000.0 and lines[(HRC, "actual")].counted
    assert lines[(HRC, "actual")].category == "entry.category.iron_or_steel_products"
    assert close(lines[(HRC, "default")].certificates, 2169.8323)

    b = got["Below BV"]  # 20 t actual + 29.999 t default
    assert close(b.quantity_t, 49.999) and b.country == "NL"
    assert close(b.embedded_emissions, 20 * SEE_ACTUAL + 29.999 * EE_DEFAULT)
    cert = 20 * CERT_ACTUAL + 29.999 * CERT_DEFAULT
    assert close(b.certificates, cert)
    assert abs(b.cost_eur - Decimal(repr(cert)) * PRICE_Q1) < Decimal("0.01")
    assert view.incomplete == ()


def test_the_threshold_is_at_most_50_t_exactly_at_its_edge(engine):
    owner, org, *_ = build(engine)
    with context(engine, owner, org) as ctx:
        got = by_name(annual_view(ctx, year=2026))
    assert got["Below BV"].counted_t == 49.999 and got["Below BV"].status == LIKELY_EXEMPT
    assert got["At Fifty GmbH"].counted_t == 50.0 and got["At Fifty GmbH"].status == LIKELY_EXEMPT
    assert got["Above GmbH"].counted_t == 50.001 and got["Above GmbH"].status == ABOVE
    assert got["Rheinstahl"].status == ABOVE
    assert got["Below BV"].near and got["At Fifty GmbH"].near  # above 90 % (Art. 25a(1))


@pytest.mark.parametrize("tonnes,status,near", [
    (49.999, LIKELY_EXEMPT, True), (50.0, LIKELY_EXEMPT, True), (50.001, ABOVE, False),
    (45.0, LIKELY_EXEMPT, False), (45.001, LIKELY_EXEMPT, True), (0.0, NOT_COUNTED, False), (1.0, LIKELY_EXEMPT, False),
])
def test_threshold_status(tonnes, status, near):
    assert DE_MINIMIS_T == 50.0
    assert threshold_status(tonnes) == (status, near)


def test_hydrogen_and_electricity_are_not_counted(engine):
    owner, org, *_ = build(engine)
    with context(engine, owner, org) as ctx:
        h = by_name(annual_view(ctx, year=2026))["Hydrogen AG"]
    assert h.quantity_t == 59.0 and h.counted_t == 49.0  # 10 t of hydrogen shipped, none of it counted
    assert h.status == LIKELY_EXEMPT and h.excluded_goods
    lines = {g.cn_code: g for g in h.goods}
    assert lines[HYDROGEN].sector == "hydrogen" and not lines[HYDROGEN].counted
    assert lines[HRC].counted
    assert sector_of(ELECTRICITY) == "electricity"
    assert {sector_of(cn) for cn in ("25232900", "31021019", "76011010", HRC)} == {
        "cement", "fertilisers", "aluminium", "iron_steel"}


def _parse(table):
    text = to_csv(table.columns, table.rows).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_totals_equal_the_service(sqlite_engine):
    owner, org, *_ = build(sqlite_engine)
    with context(sqlite_engine, owner, org) as ctx:
        view = annual_view(ctx, year=2026)
    goods = _parse(view.goods)
    assert len(goods) == sum(len(c.goods) for c in view.customers)
    for c in view.customers:
        mine = [r for r in goods if r["dash.col.customer"] == c.name]
        assert mine and all(r["annual.col.eori"] == c.eori for r in mine)
        assert close(sum(float(r["dash.col.quantity"]) for r in mine), c.quantity_t, 1e-12)
        assert close(sum(float(r["dash.col.certificates"]) for r in mine), c.certificates, 1e-12)
        assert close(sum(float(r["dash.col.embedded_emissions"]) for r in mine), c.embedded_emissions, 1e-12)
        assert sum(Decimal(r["dash.col.cost_eur"]) for r in mine) == c.cost_eur
        counted = sum(float(r["dash.col.quantity"]) for r in mine if r["annual.col.counted"] == "annual.counted.yes")
        assert close(counted, c.counted_t, 1e-12)
    summary = {r["dash.col.customer"]: r for r in _parse(view.summary)}
    assert set(summary) == {c.name for c in view.customers}
    for c in view.customers:
        row = summary[c.name]
        assert float(row["annual.col.counted_t"]) == c.counted_t
        assert row["annual.col.status"] == f"annual.status.{c.status}"
        assert Decimal(row["dash.col.cost_eur"]) == c.cost_eur
        assert close(float(row["dash.col.certificates"]), c.certificates, 1e-12)


def test_another_organizations_customers_never_appear(engine):
    owner_a, org_a, _p, _r, mine = build(engine)
    owner_b, org_b, period_b, _rb, ids_b = steel_period(engine)
    theirs = make_customer(engine, owner_b, org_b, name="Only B GmbH")
    ship(engine, owner_b, org_b, period_b.id, theirs.id, HRC, 12.0)
    with context(engine, owner_a, org_a) as ctx:
        a = annual_view(ctx, year=2026)
    with context(engine, owner_b, org_b) as ctx:
        b = annual_view(ctx, year=2026)
    a_ids, b_ids = {c.customer_id for c in a.customers}, {c.customer_id for c in b.customers}
    assert set(mine.values()) <= a_ids and theirs.id in b_ids
    assert not a_ids & b_ids
    assert "Only B GmbH" not in {c.name for c in a.customers}
    assert {c.name for c in b.customers} == {"Rheinstahl", "Only B GmbH"}
    assert by_name(b)["Rheinstahl"].quantity_t == 2000.0  # B's own Rheinstahl: its shipments only
    assert by_name(b)["Only B GmbH"].status == LIKELY_EXEMPT


def test_only_definitive_years_and_data_view(sqlite_engine):
    owner, org, *_ = steel_period(sqlite_engine)
    dpo = make_user(sqlite_engine, name="Data Protection")
    add_member(sqlite_engine, owner, org, dpo, "dpo")
    with context(sqlite_engine, owner, org) as ctx:
        assert annual_years(ctx) == [2026]
        with pytest.raises(ValidationFailed):
            annual_view(ctx, year=2025)  # the transitional period has no certificates
        assert annual_view(ctx, year=2027).customers == ()
    with context(sqlite_engine, dpo, org) as ctx, pytest.raises(PermissionDenied):
        annual_view(ctx, year=2026)
