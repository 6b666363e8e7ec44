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


def test_fast_findings_agree_with_the_reporting_service(engine):
    from core.dashboards.findings import findings_of
    from core.reporting.quality import period_findings

    ds = build(engine)
    with context(engine, ds.owner, ds.org) as ctx:
        for pid in ds.periods.values():
            slow = period_findings(ctx, period_id=pid)
            fast = findings_of(ctx, pid)
            key = lambda f: (f.rule, f.severity, f.key, f.path, sorted(map(str, f.params.items())))  # noqa: E731
            assert sorted(map(key, fast)) == sorted(map(key, slow))


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
