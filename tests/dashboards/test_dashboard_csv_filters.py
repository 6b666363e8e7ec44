"""CSV downloads (BOM, formula injection neutralised, numbers kept) and the filters' query-parameter form."""
import csv
import io
import uuid
from datetime import date

from core.dashboards import Filters, costs_dashboard, is_overdue, neutralise, to_csv
from core.dashboards.portfolio import declaration_deadline
from tests.dashboards.data import build
from tests.factories import context


def _read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese correctly
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_neutralises_formulas_and_keeps_numbers():
    data = to_csv(["客户 Customer", "=cost"], [["=HYPERLINK(\"http://x\")", -12.5], ["+1+1", 3], ["@SUM(A1)", None],
                                             ["-2-2", 0.1], ["\tx", "普通文本"], ["plain", True]])
    rows = _read(data)
    assert rows[0] == ["客户 Customer", "'=cost"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "-12.5"]  # a negative number is a number, not a formula
    assert [r[0] for r in rows[2:]] == ["'+1+1", "'@SUM(A1)", "'-2-2", "'\tx", "plain"]
    assert rows[5][1] == "普通文本" and rows[3][1] == ""
    assert neutralise(5) == 5 and neutralise("=1") == "'=1"


def test_a_dashboard_table_downloads_neutralised(sqlite_engine):
    ds = build(sqlite_engine, approve=False)
    with context(sqlite_engine, ds.owner, ds.org) as ctx:
        table = costs_dashboard(ctx).by_customer
    rows = _read(to_csv(table.columns, table.rows))
    customers = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"evil\") Metaal BV" in customers and "Rheinstahl Handel GmbH" in customers
    assert all(float(r[1]) > 0 for r in rows[1:])


def test_filters_round_trip_through_query_parameters():
    f = Filters(installation=uuid.uuid4(), year=2026, quarter=3, customer=uuid.uuid4(), good="72083900")
    params = f.to_params()
    assert all(isinstance(v, str) for v in params.values())
    assert Filters.from_params(params) == f
    assert Filters.from_params({}) == Filters() and Filters().to_params() == {}


def test_malformed_query_parameters_mean_all():
    f = Filters.from_params({"installation": "not-a-uuid", "year": "20x6", "quarter": "5", "good": "=1+1",
                             "customer": "'; drop table"})
    assert f == Filters()
    assert Filters.from_params({"good": "7208 39 00"}).good == "72083900"


def test_overdue_after_the_declaration_deadline():
    # Reg. (EU) 2023/956 Art. 6(1) as amended: the 2026 declaration is due by 30 September 2027
    assert declaration_deadline(2026) == date(2027, 9, 30)
    assert not is_overdue(2026, "draft", date(2027, 9, 30))
    assert is_overdue(2026, "in_review", date(2027, 10, 1))
    assert not is_overdue(2026, "approved", date(2028, 1, 1))


def test_findings_from_column_reads_agree_with_the_rules_over_orm_rows(engine):
    """The findings service reads plain columns; the same rules over the period read row by row as ORM objects
    (the scenario from `build_scenario`, shipments and customers from their tables) give the same findings."""
    from datetime import date

    from sqlmodel import select

    from core.dashboards.findings import findings_of
    from core.quality import QualityInput, check
    from core.reporting import ShipmentData, add_shipment, build_scenario, list_processes
    from core.reporting.quality import period_findings
    from core.reporting.shipments import LISTING_ORDER
    from db.reporting_models import Customer, ProductionProcess, PurchasedPrecursor, Shipment

    ds = build(engine)
    smelter = ds.periods["Smelter"]
    with context(engine, ds.owner, ds.org) as ctx:  # more shipped than produced: DQ23 on the draft period
        add_shipment(ctx, period_id=smelter, data=ShipmentData(
            customer_id=ds.customers["Rheinstahl Handel GmbH"], process_id=list_processes(ctx, period_id=smelter)[0].id,
            cn_code="76011010", quantity=1e9, shipped_on=date(2026, 5, 5), basis="actual", order_reference="BIG"))
    # a finding on a shipment group also says how many shipments share it ("shipments"): the ORM rows have no groups
    key = lambda f: (f.rule, f.severity, f.key, f.path,  # noqa: E731
                     sorted(str(item) for item in f.params.items() if item[0] != "shipments"))
    with context(engine, ds.owner, ds.org) as ctx:
        for pid in ds.periods.values():
            s = ctx.session
            codes = {p.id: p.code for p in s.exec(select(ProductionProcess).where(ProductionProcess.period_id == pid))}
            shipments = s.exec(select(Shipment).where(Shipment.period_id == pid).order_by(*LISTING_ORDER)).all()
            used = {sh.customer_id for sh in shipments}
            orm = check(QualityInput(
                scenario=build_scenario(ctx, period_id=pid),
                precursor_details={p.code: {"justification": p.justification,
                                            "supplier_installation": p.supplier_installation}
                                   for p in s.exec(select(PurchasedPrecursor).where(PurchasedPrecursor.period_id == pid))},
                customers=[{"id": str(c.id), "name": c.name, "eori": c.eori, "country": c.country}
                           for c in s.exec(select(Customer).order_by(Customer.name)) if c.id in used],
                shipments=[{"id": str(sh.id), "customer": str(sh.customer_id), "process": codes.get(sh.process_id),
                            "cn_code": sh.cn_code, "quantity": sh.quantity, "date": sh.shipped_on.isoformat()}
                           for sh in shipments]))
            if pid == smelter:
                assert "DQ23" in {f.rule for f in orm}, "the crafted data has findings to compare"
            assert sorted(map(key, period_findings(ctx, period_id=pid))) == sorted(map(key, orm))
            assert sorted(map(key, findings_of(ctx, pid))) == sorted(map(key, orm))


def test_price_paths_must_be_numbers_of_zero_or_more():
    import math

    import pytest

    from core.dashboards import DEFAULT_PRICE_PATHS, check_price_paths
    from core.errors import ValidationFailed

    ok = check_price_paths(DEFAULT_PRICE_PATHS)
    assert ok["base"][2026] == ok["low"][2026] == ok["high"][2026]  # all start at the Q1 2026 price
    bad = {k: dict(v) for k, v in DEFAULT_PRICE_PATHS.items()}
    bad["high"][2030] = -1
    bad["low"][2031] = math.nan
    del bad["base"][2034]
    with pytest.raises(ValidationFailed) as e:
        check_price_paths(bad)
    assert set(e.value.errors) == {"high.2030", "low.2031", "base.2034"}
