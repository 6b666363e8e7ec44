"""Shipments page with 200,000 shipments in one organization's period: time to open the page through AppTest
(target < 1 s; median of several runs) and the bare SQL page query (LIMIT/OFFSET and COUNT).

    PYTHONPATH=. .venv/bin/python bench/bench_entry_page.py [--rows 200000] [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert as sql_insert
from sqlalchemy import text
from sqlmodel import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seed(url: str, rows: int):
    from core.demo import seed_demo
    from db.migrate import upgrade
    from db.models import User
    from db.reporting_models import ReportingPeriod, Shipment
    from db.session import Scope, make_engine, scoped_session

    upgrade(url)
    engine = make_engine(url)
    seed_demo(engine, policy_version="1.0")
    with scoped_session(Scope(), engine) as s:
        period = s.exec(select(ReportingPeriod).where(ReportingPeriod.status == "draft")).one()  # Demo Steel
        first = s.exec(select(Shipment).where(Shipment.period_id == period.id)).first()
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
        now = datetime.now(UTC)
        chunk = 20_000
        for start in range(0, rows, chunk):  # bulk insert: seeding only, the services are not what is measured
            s.exec(sql_insert(Shipment), params=[{
                "id": uuid.uuid4(), "org_id": period.org_id, "period_id": period.id,
                "customer_id": first.customer_id, "process_id": first.process_id, "cn_code": "72083900",
                "quantity": 1.0 + n % 50, "shipped_on": date(period.year, 1 + n % 12, 1 + n % 28),
                "order_reference": f"B-{n}", "basis": "actual", "created_by": owner.id, "updated_by": owner.id,
                "created_at": now, "updated_at": now, "version": 1} for n in range(start, min(rows, start + chunk))])
    return engine, period, owner


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-entry-"))
    os.environ["CBAM_DATA_DIR"] = str(tmp)
    from core.settings import get_settings
    from db.session import get_engine
    get_settings.cache_clear()
    get_engine.cache_clear()
    url = f"sqlite:///{tmp / 'cbam.db'}"
    t = time.perf_counter()
    engine, period, owner = seed(url, args.rows)
    print(f"seeded {args.rows:,} shipments in {time.perf_counter() - t:.1f} s ({url})")

    from core.reporting.shipments import page_shipments
    from tests.factories import context

    def sql_page(offset: int, quarter: int | None = None) -> float:
        t0 = time.perf_counter()
        with context(engine, owner, period.org_id) as ctx:
            page = page_shipments(ctx, period_id=period.id, offset=offset, limit=100, quarter=quarter)
        assert len(page.rows) == 100
        return time.perf_counter() - t0

    def bare_sql(offset: int) -> float:
        """The statements alone on one connection: COUNT, then the page's ids from the index, then the rows."""
        params = {"org": period.org_id.hex, "period": period.id.hex, "offset": offset}
        t0 = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM shipment WHERE org_id = :org AND period_id = :period"),
                         params).one()
            rows = conn.execute(text(
                "SELECT * FROM shipment WHERE id IN (SELECT id FROM shipment WHERE org_id = :org AND period_id = "
                ":period ORDER BY shipped_on, created_at, id LIMIT 100 OFFSET :offset) "
                "ORDER BY shipped_on, created_at, id"), params).all()
        assert len(rows) == 100
        return time.perf_counter() - t0

    for label, offset, quarter in (("first page", 0, None), ("middle page", args.rows // 2, None),
                                   ("last page", args.rows - 100, None), ("first page of Q3", 0, 3)):
        times = [sql_page(offset, quarter) for _ in range(args.runs)]
        line = (f"{label}: service call (session, permission, COUNT, page) median "
                f"{statistics.median(times) * 1000:.1f} ms (min {min(times) * 1000:.1f})")
        if quarter is None:
            bare = [bare_sql(offset) for _ in range(args.runs)]
            line += f"; bare SQL median {statistics.median(bare) * 1000:.1f} ms"
        print(line)

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    at.session_state["local_subject"] = "demo-owner"
    at.session_state["lang"] = "en"
    at.session_state["lang_chosen"] = True
    at.run()
    PagesManager.uses_pages_directory = False  # as a running server after its first st.navigation
    at.switch_page(str(ROOT / "views" / "shipments.py"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    assert not at.exception and len(at.data_editor[0].value) == 100
    print(f"shipments page through AppTest (owner, editable, page 1 of {-(-args.rows // 100):,}): "
          f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}; target < 1 s)")
    at.number_input(key="ship_page").set_value(1000)
    at.run()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    print(f"shipments page 1,000 through AppTest: median {statistics.median(times):.3f} s")

    # the other pages of the same period, which read all of its shipments' totals (live results, findings)
    for name in ("reporting", "processes", "precursors", "emissions", "costs"):
        at.switch_page(str(ROOT / "views" / f"{name}.py"))
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        assert not at.exception, [e.value for e in at.exception]
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
        print(f"{name} page through AppTest with the same {args.rows:,} shipments: first {first:.3f} s, "
              f"median {statistics.median(times):.3f} s (max {max(times):.3f})")


if __name__ == "__main__":
    main()
