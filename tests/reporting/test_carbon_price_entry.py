"""Carbon price paid in the country of production (issue 13): entry with permission and period checks, strict
numbers and texts, audit, tenancy, evidence links, the scenario's `carbon_prices` and the engine's deduction."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.cbam import evaluate_data
from core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from core.evidence import link_file, upload_files
from core.evidence.links import link_targets, period_coverage
from core.reporting import build_scenario, get_period, list_periods, reopen_period
from core.reporting.carbon_price import (
    CarbonPriceData,
    add_carbon_price,
    delete_carbon_price,
    list_carbon_prices,
    update_carbon_price,
)
from db.carbon_price_models import CarbonPriceEntry
from db.models import AuditEvent
from tests.evidence import samples
from tests.factories import add_member, context, make_org, make_user, second_owner, sign_off, steel_period

# China national ETS: CEA end-2024 composite price RMB 97.5 (domain reference §4, mysteel/caixin); covered and
# free-allocated emissions per tonne and the rate 8.0 CNY/EUR are test inputs (assumed, not published figures).
ETS = CarbonPriceData(instrument="China national ETS (全国碳排放权交易市场)", country="CN", price_type="National ETS",
                      covered_emissions="1.5", price_per_tco2="97.5", currency="CNY", rebate_type="Free allocation",
                      rebated_emissions="1.2", compensation_per_t="0", rate_per_eur="8.0",
                      rate_date=date(2025, 12, 31), rate_source="ECB yearly average 2025 (test input)")


@pytest.fixture
def steel(engine):
    return steel_period(engine)


def test_entry_feeds_the_scenario_and_the_deduction(engine, steel):
    owner, org, period, _customer, ids = steel
    with context(engine, owner, org) as ctx:
        entry = add_carbon_price(ctx, process_id=ids["P2"], data=ETS.model_copy())
    with context(engine, owner, org) as ctx:
        scenario = build_scenario(ctx, period_id=period.id)
        actions = [e.action for e in ctx.session.exec(select(AuditEvent).where(AuditEvent.org_id == org))]
    assert "carbon_price.created" in actions
    assert scenario["carbon_prices"] == [{
        "process": "P2", "instrument": "China national ETS (全国碳排放权交易市场)", "type": "National ETS",
        "covered_emissions": 1.5, "price_per_tco2": 97.5, "currency": "CNY", "rebate_type": "Free allocation",
        "rebated_emissions": 1.2, "compensation_per_t": 0.0, "rate_per_eur": 8.0, "rate_date": "2025-12-31",
        "rate_source": "ECB yearly average 2025 (test input)", "country": "CN"}]
    out = evaluate_data(scenario).to_dict()
    p2 = next(i for i in out["imports"] if i["basis"] == "actual" and i["cn_code"] == "72083900")
    per_t = (1.5 - 1.2) * 97.5 / 8.0  # 3.65625 EUR per tonne
    want = min(p2["certificates_before_deduction"], per_t * p2["quantity"] / p2["price_eur"])
    assert p2["carbon_price_deduction"]["certificates"] == pytest.approx(want, rel=1e-12) and want > 0
    assert p2["certificates"] == pytest.approx(p2["certificates_before_deduction"] - want, rel=1e-12)
    assert entry.version == 1


def test_numbers_are_refused_not_altered_and_nothing_is_saved(engine, steel):
    owner, org, _period, _customer, ids = steel
    bad = ETS.model_copy(update={"price_per_tco2": "-5", "covered_emissions": "1,5", "currency": "cny",
                                 "rebate_type": "Gift", "rate_per_eur": "0", "rate_source": ""})
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed) as e:
        add_carbon_price(ctx, process_id=ids["P2"], data=bad)
    assert set(e.value.errors) == {"price_per_tco2", "covered_emissions", "currency", "rebate_type", "rate_per_eur",
                                   "rate_source"}
    over = ETS.model_copy(update={"rebated_emissions": "1.6"})
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed) as e:
        add_carbon_price(ctx, process_id=ids["P2"], data=over)
    assert e.value.errors["rebated_emissions"][0] == "carbon_price.error_rebated_above_covered"
    nul = ETS.model_copy(update={"instrument": "ETS\x00"})
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed):
        add_carbon_price(ctx, process_id=ids["P2"], data=nul)
    with context(engine, owner, org) as ctx:
        assert ctx.session.exec(select(CarbonPriceEntry)).all() == []


def test_viewer_refused_submitted_period_locked_other_tenant_not_found(engine, steel):
    owner, org, period, _customer, ids = steel
    viewer = make_user(engine)
    add_member(engine, owner, org, viewer, "viewer")
    with context(engine, viewer, org) as ctx, pytest.raises(PermissionDenied):
        add_carbon_price(ctx, process_id=ids["P2"], data=ETS.model_copy())
    stranger = make_user(engine)
    other = make_org(engine, stranger)
    with context(engine, stranger, other) as ctx, pytest.raises(NotFound):
        add_carbon_price(ctx, process_id=ids["P2"], data=ETS.model_copy())
    with context(engine, owner, org) as ctx:
        entry = add_carbon_price(ctx, process_id=ids["P2"], data=ETS.model_copy())
    with context(engine, stranger, other) as ctx:
        assert list_carbon_prices(ctx, period_id=period.id) == []
        with pytest.raises(NotFound):
            delete_carbon_price(ctx, entry_id=entry.id, expected_version=entry.version)
    with context(engine, owner, org) as ctx, pytest.raises(DomainError) as e:
        add_carbon_price(ctx, process_id=ids["P2"], data=ETS.model_copy())  # one per process
    assert e.value.key == "carbon_price.error_exists"
    from core.reporting import submit_period
    with context(engine, owner, org) as ctx:
        submit_period(ctx, period_id=period.id, expected_version=get_period(ctx, period_id=period.id).version)
    with context(engine, owner, org) as ctx, pytest.raises(DomainError) as e:
        update_carbon_price(ctx, entry_id=entry.id, data=ETS.model_copy(), expected_version=entry.version)
    assert e.value.key == "reporting.error_period_locked"


def test_evidence_link_and_reopen_copies_the_entry_with_its_evidence(engine, steel):
    owner, org, period, _customer, ids = steel
    with context(engine, owner, org) as ctx:
        entry = add_carbon_price(ctx, process_id=ids["P2"], data=ETS.model_copy())
        f = upload_files(ctx, files=[("CEA purchase.pdf", samples.pdf("CEA invoice"))])[0].file
        targets = [t for t in link_targets(ctx, period_id=period.id) if t.entity_type == "carbon_price"]
        assert [t.paths["price_per_tco2"] for t in targets] == ["carbon_prices[0].price_per_tco2"]
        link_file(ctx, file_id=f.id, period_id=period.id, entity_type="carbon_price", entity_id=entry.id,
                  field_name="price_per_tco2")
        figures = {path: n for path, _label, n in period_coverage(ctx, period_id=period.id).figures}
    assert figures["carbon_prices[0].price_per_tco2"] == 1
    approver = second_owner(engine, owner, org)
    approved = sign_off(engine, org, period.id, submitter=owner, approver=approver)
    with context(engine, owner, org) as ctx:
        reopen_period(ctx, period_id=period.id, reason="new CEA invoice", expected_version=approved.version)
    with context(engine, owner, org) as ctx:
        new = max(list_periods(ctx), key=lambda p: p.version_no)
        copied = list_carbon_prices(ctx, period_id=new.id)
        assert [(c.instrument, c.price_per_tco2) for c in copied] == [(entry.instrument, 97.5)]
        figures = {path: n for path, _label, n in period_coverage(ctx, period_id=new.id).figures}
        assert figures["carbon_prices[0].price_per_tco2"] == 1


def test_a_scenario_with_carbon_prices_enters_and_comes_back_unchanged(engine):
    import copy
    import json

    from tests.factories import enter_scenario, make_customer, make_installation, make_period
    from tests.support.paths import EXAMPLES

    owner = make_user(engine)
    org = make_org(engine, owner)
    inst = make_installation(engine, owner, org, name="Mill", country="CN")
    period = make_period(engine, owner, org, installation_id=inst.id, year=2026)
    customer = make_customer(engine, owner, org, name="Importer")
    data = copy.deepcopy(json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8")))
    entry = {"process": "P2", "instrument": "China national ETS", "type": "National ETS", "covered_emissions": 1.5,
             "price_per_tco2": 97.5, "currency": "CNY", "rebate_type": "Free allocation", "rebated_emissions": 1.2,
             "compensation_per_t": 0.0, "rate_per_eur": 8.0, "rate_date": "2025-12-31", "rate_source": "test input",
             "country": "CN"}
    data["carbon_prices"] = [entry]
    enter_scenario(engine, owner, org, period.id, data, customer_id=customer.id)
    with context(engine, owner, org) as ctx:
        assert build_scenario(ctx, period_id=period.id)["carbon_prices"] == [entry]
