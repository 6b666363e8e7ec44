"""Workbook import benchmark: a data-entry workbook with 200,000 shipments imported into one organization.

    .venv/bin/python bench/bench_import.py [--shipments 200000] [--databases sqlite,postgres]

For each database: a fresh, migrated database with the demo steel period entered through the services; the
workbook of that period with 200,000 generated shipments (to 50 customers); then the import, in a subprocess that
reports its wall time and peak RSS (resource.getrusage), once into the period (200,000 created) and once more with
the same file (all unchanged). PostgreSQL (127.0.0.1:5432, trust auth) runs as the RLS-bound app role.
Targets (issue 4): under 30 s and under 600 MB for the first import.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def setup(url: str, admin_url: str) -> dict[str, str]:
    """A migrated database with an organization, its owner, the demo steel period; ids as strings."""
    from core.clock import SystemClock
    from core.identity import complete_onboarding, resolve_login
    from core.installations import InstallationData, add_installation
    from core.organizations import OrganizationData, create_organization
    from core.reporting import CustomerData, add_customer, create_period
    from core.reporting.entry import enter_scenario
    from db.migrate import upgrade
    from db.session import Scope, make_engine, scoped_session

    upgrade(admin_url)
    engine = make_engine(url)
    clock = SystemClock()
    with scoped_session(Scope(), engine) as s:
        user = resolve_login(s, issuer="bench", subject=uuid.uuid4().hex, email="bench@example.com", name="Bench",
                             clock=clock)
        complete_onboarding(s, user, adult=True, accept_policy=True, policy_version="1.0", clock=clock)
    with scoped_session(Scope(user_id=user.id, email=user.email, issuer=user.issuer, subject=user.subject), engine) as s:
        ctx = create_organization(s, s.get(type(user), user.id), OrganizationData(name_en="Bench Steel"), clock=clock)
        org_id = ctx.org_id
    scope = Scope(user_id=user.id, org_id=org_id, email=user.email, issuer=user.issuer, subject=user.subject)
    with scoped_session(scope, engine) as s:
        from core.context import Context
        from core.organizations import role_in

        u = s.get(type(user), user.id)
        ctx = Context(session=s, user=u, org_id=org_id, role=role_in(s, u, org_id), clock=clock)
        inst = add_installation(ctx, InstallationData(name="Bench works", address="1 Mill Road", country="CN"))
        period = create_period(ctx, installation_id=inst.id, year=2026)
        customer = add_customer(ctx, data=CustomerData(name="Importer 0", eori="DE000000000000", country="DE"))
        scenario = json.loads((ROOT / "core" / "demo" / "steel_2026.json").read_text(encoding="utf-8"))
        enter_scenario(ctx, period_id=period.id, scenario=dict(scenario, imports=[]), customer_id=customer.id,
                       supplier_installation="Supplier works", justification="no actual data yet")
    engine.dispose()
    return {"url": url, "user": str(user.id), "org": str(org_id), "period": str(period.id)}


def workbook(ids: dict[str, str], shipments: int, seed: int = 1) -> bytes:
    """The period's workbook with `shipments` generated shipment rows and 50 customers."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from core.context import Context
    from core.exchange.workbook import export_workbook
    from core.exchange.workbook import layout as L
    from core.exchange.workbook.writer import _data_sheet
    from core.organizations import role_in
    from db.models import User
    from db.session import Scope, make_engine, scoped_session

    engine = make_engine(ids["url"])
    with scoped_session(Scope(user_id=uuid.UUID(ids["user"]), org_id=uuid.UUID(ids["org"])), engine) as s:
        u = s.get(User, uuid.UUID(ids["user"]))
        ctx = Context(session=s, user=u, org_id=uuid.UUID(ids["org"]), role=role_in(s, u, uuid.UUID(ids["org"])))
        small = CalamineWorkbook.from_filelike(io.BytesIO(export_workbook(ctx, period_id=uuid.UUID(ids["period"]))))
    engine.dispose()
    rows = {s.key: small.get_sheet_by_name(s.title).to_python()[L.FIRST_ROW - 1:] for s in L.SHEETS}
    rows["customers"] = [[f"DE{k:012d}", f"Importer {k}", "DE", "", ""] for k in range(50)]
    rng = random.Random(seed)
    start = date(2026, 1, 1)

    def shipment_rows():
        for i in range(shipments):
            actual = i % 5 != 0
            yield [f"SO-{i // 4:06d}", i % 4 + 1, f"DE{rng.randrange(50):012d}", "P2" if actual else None, "72083900",
                   round(rng.uniform(1, 500), 3), start + timedelta(days=rng.randrange(365)),
                   "actual" if actual else "default"]
    rows["shipments"] = shipment_rows()
    wb = Workbook(write_only=True)
    ranges = {name: f"'{L.LISTS_TITLE}'!$A$2:$A$3" for name in ("categories", "routes", "methods", "countries",
              "eu_countries", "data_sources", "cn_codes", "activity_units", "ncv_units", "ef_units", "carbon_units",
              "gases", "codes", "customers", "processes")}
    for sheet in L.TAB_ORDER:
        _data_sheet(wb, sheet, rows[sheet.key], ranges)
    wb.create_sheet(L.LISTS_TITLE).append(["x"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def child(ids_json: str, path: str) -> None:
    """Run one import (in its own process, so that its peak RSS is its own) and print the figures as JSON."""
    import resource

    from core.context import Context
    from core.exchange.workbook import import_workbook
    from core.organizations import role_in
    from db.models import User
    from db.session import Scope, make_engine, scoped_session

    ids = json.loads(ids_json)
    data = Path(path).read_bytes()
    engine = make_engine(ids["url"])
    t0 = time.perf_counter()
    with scoped_session(Scope(user_id=uuid.UUID(ids["user"]), org_id=uuid.UUID(ids["org"])), engine) as s:
        u = s.get(User, uuid.UUID(ids["user"]))
        ctx = Context(session=s, user=u, org_id=uuid.UUID(ids["org"]), role=role_in(s, u, uuid.UUID(ids["org"])))
        result = import_workbook(ctx, uuid.UUID(ids["period"]), data)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "problems": len(result.problems), "created": sum(result.created.values()),
                      "unchanged": sum(result.unchanged.values()), "written": result.written}))


def run(name: str, url: str, admin_url: str, shipments: int) -> None:
    t0 = time.perf_counter()
    ids = setup(url, admin_url)
    data = workbook(ids, shipments)
    prep = time.perf_counter() - t0
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as f:
        f.write(data)
    print(f"{name}: workbook with {shipments:,} shipments, {len(data) / 1e6:.1f} MB (prepared in {prep:.0f} s)")
    for label in ("first import", "same file again"):
        out = subprocess.run([sys.executable, __file__, "--child", json.dumps(ids), f.name], capture_output=True,
                             text=True, cwd=ROOT)
        if out.returncode:
            print(out.stderr[-3000:])
            raise SystemExit(1)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {label:16s} {r['seconds']:6.1f} s   peak RSS {r['peak_rss_mb']:5.0f} MB   "
              f"created {r['created']:,}  unchanged {r['unchanged']:,}  problems {r['problems']}")
    Path(f.name).unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shipments", type=int, default=200_000)
    ap.add_argument("--databases", default="sqlite,postgres")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    for db in args.databases.split(","):
        if db == "sqlite":
            with tempfile.TemporaryDirectory() as d:
                url = f"sqlite:///{d}/bench.db"
                run("SQLite", url, url, args.shipments)
        elif db == "postgres":
            import psycopg

            name = f"cbam_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                run("PostgreSQL", f"postgresql+psycopg://cbam_app@127.0.0.1:5432/{name}",
                    f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", args.shipments)
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
