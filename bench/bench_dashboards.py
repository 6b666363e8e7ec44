"""Dashboards at consultant scale: seed 50 organizations, 500 installations, 200,000 shipments and 1,000,000 audit
events (once per database; kept for the next run), then render each dashboard page through AppTest signed in as the
demo consultant (median of several renders, cache warm, plus the first, cold render) and time the bare SQL
aggregation the page uses in the same run. Targets: median render < 1.0 s and < 3x the bare aggregation; the app
process under 1 GB RSS. Prints the query plans of the grouping queries.

    PYTHONPATH=. .venv/bin/python bench/bench_dashboards.py [--scale-factor 0.1] [--db sqlite|postgres|both]

PostgreSQL: a database `cbam_bench_dash_<factor>` on 127.0.0.1:5432 created as user postgres (trust auth), migrated
with db.migrate, seeded through the owner connection, and read by the app as the RLS-bound role cbam_app.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("emissions", "costs", "portfolio")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(env: dict[str, str], factor: float) -> float:
    """Migrate and seed in a child process (its memory is not the app's); returns seconds, 0 if already seeded."""
    t = time.perf_counter()
    cli = [sys.executable, "-m", "cli.main"]
    subprocess.run([*cli, "db", "upgrade"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([*cli, "demo", "seed", "--scale", "consultant", "--scale-factor", str(factor)], env=env,
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    print("  " + out.strip().replace("\n", "\n  "))
    return 0.0 if "already present" in out else time.perf_counter() - t


def prepare(db: str, factor: float) -> dict[str, str]:
    tag = str(factor).replace(".", "_")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    data_dir = Path(f"/tmp/cbam-bench-dash/{db}-{tag}")
    data_dir.mkdir(parents=True, exist_ok=True)
    env["CBAM_DATA_DIR"] = str(data_dir)
    for var in ("DATABASE_URL", "MIGRATION_DATABASE_URL", "CBAM_ALLOW_LOCAL_LOGIN"):
        env.pop(var, None)
    if db == "postgres":
        import psycopg

        name = f"cbam_bench_dash_{tag}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        env["MIGRATION_DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        env["DATABASE_URL"] = f"postgresql+psycopg://cbam_app@127.0.0.1:5432/{name}"
        env["CBAM_ALLOW_LOCAL_LOGIN"] = "1"  # test database only: the demo login against PostgreSQL
    return env


def use(env: dict[str, str]) -> None:
    """Point this process (the app under AppTest) at the database."""
    from core.settings import get_settings
    from db.session import get_engine

    for var in ("CBAM_DATA_DIR", "DATABASE_URL", "MIGRATION_DATABASE_URL", "CBAM_ALLOW_LOCAL_LOGIN"):
        if var in env:
            os.environ[var] = env[var]
        else:
            os.environ.pop(var, None)
    get_settings.cache_clear()
    get_engine.cache_clear()


def consultant_context():
    """A fresh service context of the demo consultant in their first client organization (no dashboard cache)."""
    from contextlib import contextmanager

    from sqlmodel import select

    from core.context import Context
    from core.identity import LOCAL_ISSUER
    from core.organizations import memberships_of
    from db.models import User
    from db.session import Scope, get_engine, scoped_session

    @contextmanager
    def ctx_for(org_index: int = 0):
        engine = get_engine()
        with scoped_session(Scope(issuer=LOCAL_ISSUER, subject="demo-consultant"), engine) as s:
            user = s.exec(select(User).where(User.issuer == LOCAL_ISSUER, User.subject == "demo-consultant")).one()
        with scoped_session(Scope(user_id=user.id, email=user.email, issuer=user.issuer, subject=user.subject),
                            engine) as s:  # on PostgreSQL RLS shows a person their memberships by their id
            orgs = memberships_of(s, user)
        org, role = orgs[org_index]
        with scoped_session(Scope(user_id=user.id, org_id=org.id, email=user.email, issuer=user.issuer,
                                  subject=user.subject), engine) as s:
            yield Context(session=s, user=s.get(User, user.id), org_id=org.id, role=role), orgs, user

    return ctx_for


def bare_sql(page: str, ctx_for) -> float:
    """The page's aggregation queries alone (no engine, no cache, no rendering)."""
    from core.dashboards import aggregates as agg
    from db.session import Scope, get_engine, scoped_session

    t = time.perf_counter()
    with ctx_for() as (ctx, orgs, user):
        if page != "portfolio":
            agg.org_stamp(ctx)
            periods = agg.latest_periods(ctx)
            ids = [p.id for p in periods]
            agg.data_stamps(ctx, ids)
            agg.shipment_groups(ctx, ids, by_customer=(page == "costs"))
            agg.process_codes(ctx, ids)
            agg.open_comments(ctx, ids)
        else:
            from core.context import Context
            from db.models import User

            for org, role in orgs:
                scope = Scope(user_id=user.id, org_id=org.id, email=user.email, issuer=user.issuer,
                              subject=user.subject)
                with scoped_session(scope, get_engine()) as s:
                    c = Context(session=s, user=s.get(User, user.id), org_id=org.id, role=role)
                    agg.org_stamp(c)
                    periods = agg.latest_periods(c)
                    ids = [p.id for p in periods]
                    agg.shipment_groups(c, ids, by_customer=False)
                    agg.status_counts(c, ids)
                    agg.open_comments(c, ids)
    return time.perf_counter() - t


def render_times(page: str, renders: int) -> tuple[float, list[float]]:
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import app_test as app_test_module

    from tests.app.conftest import APP, _ServerLikePagesManager

    app_test_module.PagesManager = _ServerLikePagesManager
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["local_subject"] = "demo-consultant"
    at.session_state["lang"] = "en"
    at.session_state["lang_chosen"] = True
    at.run()
    at.switch_page(str(ROOT / "views" / f"{page}.py"))
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    assert not at.exception, [e.value for e in at.exception]
    times = []
    for _ in range(renders):
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        assert not at.exception
    return cold, times


def plans(ctx_for) -> None:
    """EXPLAIN of the shipment grouping at this size (the plan the database really picks)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from core.dashboards import aggregates as agg
    from db.session import get_engine

    sent = []

    def grab(conn, cursor, statement, params, context, executemany):  # noqa: ANN001
        sent.append((statement, params))

    event.listen(Engine, "before_cursor_execute", grab)
    try:
        with ctx_for() as (ctx, _orgs, _user):
            periods = agg.latest_periods(ctx)
            agg.shipment_groups(ctx, [p.id for p in periods], by_customer=True)
    finally:
        event.remove(Engine, "before_cursor_execute", grab)
    engine = get_engine()
    for statement, params in sent:
        if "GROUP BY" not in statement or "FROM shipment" not in statement:
            continue
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            if engine.dialect.name == "postgresql":
                org = ctx.tenant
                cur.execute("SELECT set_config('app.org_id', %s, false)", (str(org),))
                cur.execute("EXPLAIN " + statement, params)
            else:
                cur.execute("EXPLAIN QUERY PLAN " + statement, params)
            lines = [str(r[-1]).strip() for r in cur.fetchall()]
            print("  plan: " + " | ".join(x for x in lines if any(w in x for w in ("Scan", "SEARCH", "SCAN", "Aggregate",
                                                                                 "GROUP BY")))[:800])
        finally:
            raw.close()
        break


def run(db: str, factor: float, renders: int) -> None:
    print(f"== {db}, scale factor {factor}")
    env = prepare(db, factor)
    seconds = seed(env, factor)
    print(f"  seed: {seconds:.1f} s" if seconds else "  seed: reused the seeded database")
    use(env)
    from core.dashboards import CACHE

    CACHE.clear()
    ctx_for = consultant_context()
    plans(ctx_for)
    _cold, floor = render_times("profile", renders)  # a page without data: what any render costs here
    print(f"  floor: the profile page renders in {statistics.median(floor):.3f} s (median, n={renders})")
    for page in PAGES:
        cold, times = render_times(page, renders)
        bare = statistics.median(bare_sql(page, ctx_for) for _ in range(renders))
        med = statistics.median(times)
        ok = "OK" if med < 1.0 and med < 3 * bare else "MISSED"
        print(f"  {page:<10} render median {med:.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={renders}); "
              f"first render {cold:.3f} s; bare SQL {bare:.3f} s; ratio {med / bare:.1f}x  [{ok}]")
    print(f"  app process max RSS {rss_mb():.0f} MB [{'OK' if rss_mb() < 1024 else 'MISSED'}]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale-factor", type=float, default=1.0)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--renders", type=int, default=7)
    args = ap.parse_args()
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        run(db, args.scale_factor, args.renders)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
