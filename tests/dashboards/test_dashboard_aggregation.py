"""The dashboards' SQL aggregation and per-tonne pricing agree with the engine priced shipment by shipment, on both
databases; filters narrow the same way; caches move with the data and never cross organizations."""
import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.clock import FixedClock
from core.dashboards import CACHE, Filters, costs_dashboard, emissions_dashboard, portfolio
from core.reporting import ProcessData, ShipmentData, add_shipment, list_processes, update_process
from tests.dashboards.data import build, expected
from tests.factories import add_member, context, make_org, make_user


def close(a, b, rel=1e-9):
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-6)


def _by(table, key_cols, value_col):
    cols = table.columns
    out = {}
    for row in table.rows:
        key = tuple(row[cols.index(c)] for c in key_cols)
        out[key if len(key) > 1 else key[0]] = row[cols.index(value_col)]
    return out


@pytest.fixture(autouse=True)
def _fresh_cache():
    CACHE.clear()
    yield
    CACHE.clear()


@pytest.mark.parametrize("flt", [{}, {"quarter": 4}, {"good": "72083900"}, {"customer": "nl"}],
                         ids=["all", "quarter", "good", "customer"])
def test_dashboards_match_the_engine_shipment_by_shipment(engine, flt):
    ds = build(engine)
    if flt.get("customer"):
        flt = {"customer": next(v for k, v in ds.customers.items() if "Metaal" in k)}
    want = expected(engine, ds, **flt)
    assert want["qty"] > 0
    with context(engine, ds.owner, ds.org) as ctx:
        em = emissions_dashboard(ctx, filters=Filters(**flt))
        co = costs_dashboard(ctx, filters=Filters(**flt))
    assert close(em.quantity_t, want["qty"]) and close(em.embedded_emissions, want["ee"])
    assert close(em.default_share, want["default_qty"] / want["qty"])
    got = _by(em.by_installation, ("dash.col.installation", "dash.col.quarter"), "dash.col.embedded_emissions")
    assert set(got) == set(want["by_inst"]) and all(close(got[k], v) for k, v in want["by_inst"].items())
    got = _by(em.by_good, ("dash.col.cn_code", "dash.col.quarter"), "dash.col.embedded_emissions")
    assert set(got) == set(want["by_good"]) and all(close(got[k], v) for k, v in want["by_good"].items())
    assert close(co.certificates, want["cert"]) and close(co.cost_eur, want["cost"])
    assert isinstance(co.cost_eur, Decimal)
    got = _by(co.by_customer, ("dash.col.customer",), "dash.col.certificates")
    assert set(got) == set(want["by_customer_cert"])
    assert all(close(got[k], v) for k, v in want["by_customer_cert"].items())
    got = _by(co.by_customer, ("dash.col.customer",), "dash.col.cost_eur")
    assert all(close(got[k], v) for k, v in want["cost_by_customer"].items())


def test_see_default_share_completeness_and_savings(engine):
    ds = build(engine)
    with context(engine, ds.owner, ds.org) as ctx:
        em = emissions_dashboard(ctx)
        co = costs_dashboard(ctx)
    see = _by(em.see, ("dash.col.cn_code",), "dash.col.see_total")
    assert close(see["72083900"], 1.9059032258064517, 1e-6)  # steel example P2 (domain ref §8.2)
    dflt = _by(em.see, ("dash.col.cn_code",), "dash.col.default_value")
    assert dflt["72083900"] > see["72083900"]  # China's default with its mark-up is above the actual value
    status = _by(em.completeness, ("dash.col.installation",), "dash.col.status")
    assert status == {"Steel works": "reporting.status.approved", "Smelter": "reporting.status.draft"}
    shipments = _by(em.completeness, ("dash.col.installation",), "dash.col.shipments")
    assert shipments == {"Steel works": 7, "Smelter": 7}
    savings = _by(co.savings, ("dash.col.cn_code",), "dash.col.saving_eur")
    assert savings["72083900"] > 0 and co.saving_eur == sum(savings.values())
    # forecast: the phase-out makes 2034 the dearest year at a flat price; the factor comes from the engine
    fc = [r for r in co.forecast.rows if r[0] == "dash.path.base"]
    assert [r[1] for r in fc] == list(range(2026, 2035)) and fc[0][2] == 0.975 and fc[-1][2] == 0.0
    assert fc[-1][4] > fc[0][4]


def test_cache_moves_with_the_data_even_when_the_clock_stands_still(engine):
    ds = build(engine, approve=False)
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    with context(engine, ds.owner, ds.org) as ctx:
        before = emissions_dashboard(ctx)
        assert emissions_dashboard(ctx) is before  # unchanged data: the cached object
    with context(engine, ds.owner, ds.org, clock=clock) as ctx:
        proc = next(p for p in list_processes(ctx, period_id=ds.periods["Smelter"]) if p.code == "P1")
        data = ProcessData(**{k: getattr(proc, k) for k in ProcessData.model_fields})
        update_process(ctx, process_id=proc.id, data=data.model_copy(update={"activity_level": proc.activity_level * 2}),
                       expected_version=proc.version)
    with context(engine, ds.owner, ds.org) as ctx:
        after = emissions_dashboard(ctx)
    assert after is not before and after.embedded_emissions != before.embedded_emissions
    assert close(after.embedded_emissions, expected(engine, ds)["ee"])
    with context(engine, ds.owner, ds.org, clock=clock) as ctx:
        add_shipment(ctx, period_id=ds.periods["Smelter"], data=ShipmentData(
            customer_id=next(iter(ds.customers.values())), cn_code="76011010", quantity=1.0,
            shipped_on=date(2026, 1, 2), basis="default"))
    with context(engine, ds.owner, ds.org) as ctx:
        third = emissions_dashboard(ctx)
    assert close(third.quantity_t, after.quantity_t + 1.0)


def test_caches_never_cross_organizations(engine):
    a = build(engine, name_en="Tenant A")
    b_owner = make_user(engine)
    b_org = make_org(engine, b_owner, name_en="Tenant B")
    with context(engine, a.owner, a.org) as ctx:
        da = emissions_dashboard(ctx)
    keys_a = set(CACHE.keys())
    assert keys_a and all(k[0] == a.org for k in keys_a)
    with context(engine, b_owner, b_org) as ctx:
        db_ = emissions_dashboard(ctx)  # same filters, same reference data: still its own entry
    assert db_.quantity_t == 0 and db_.embedded_emissions == 0 and da.quantity_t > 0
    assert not db_.completeness.rows and not db_.options.installations
    assert all(k[0] == b_org for k in set(CACHE.keys()) - keys_a)


def test_portfolio_lists_only_member_organizations_each_in_its_own_scope(engine):
    a = build(engine, name_en="Client A")
    consultant = make_user(engine, name="Anna")
    other_owner = make_user(engine)
    b_org = make_org(engine, other_owner, name_en="Client B")
    make_org(engine, other_owner, name_en="Not a client")  # the consultant is no member here
    add_member(engine, a.owner, a.org, consultant, "consultant")
    add_member(engine, other_owner, b_org, consultant, "dpo")
    steps = []
    rows = portfolio(consultant, engine=engine, clock=FixedClock(datetime(2027, 10, 1, tzinfo=UTC)),
                     progress=lambda done, total: steps.append((done, total)))
    assert {r.name_en for r in rows} == {"Client A", "Client B"}
    assert steps == [(1, 2), (2, 2)]  # the page's progress bar moves once per organization
    ra = next(r for r in rows if r.name_en == "Client A")
    rb = next(r for r in rows if r.name_en == "Client B")
    assert ra.visible and ra.periods == 2 and ra.statuses == {"approved": 1, "draft": 1}
    assert ra.overdue == 1  # the 2026 draft after 30 September 2027
    assert ra.shipments == 14 and ra.cost_eur > 0
    assert not rb.visible and rb.periods == 0  # a DPO's role does not include reporting data


def test_goods_categories_are_named_in_the_readers_language(engine):
    """Category cells are catalog keys the page translates: 钢铁制品 on the Chinese UI, never the English name."""
    from core.i18n import catalogs, t

    ds = build(engine)
    with context(engine, ds.owner, ds.org) as ctx:
        em = emissions_dashboard(ctx)
        co = costs_dashboard(ctx)
    for table in (em.by_good, em.see, co.by_good, co.savings):
        assert "dash.col.goods_category" in table.keyed
        cells = {row[table.columns.index("dash.col.goods_category")] for row in table.rows}
        assert cells and all(c in catalogs()["zh"] and c in catalogs()["en"] for c in cells), cells
        assert all(t(c, "zh") != t(c, "en") for c in cells)
