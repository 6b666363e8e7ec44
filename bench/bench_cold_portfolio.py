"""The cold portfolio at consultant scale (issue 18): the first portfolio look after a process start, in a fresh
process (this process's result cache empty), with the period results kept in the database by `cbam results warm`.
Target: under 1 s on PostgreSQL. For comparison it also times the same look with nothing kept (the engine computes
every period, as before issue 18), then warms again.

    PYTHONPATH=. .venv/bin/python bench/bench_cold_portfolio.py [--scale-factor 1.0] [--db postgres|sqlite]
        [--runs 3] [--no-compare]

Seeds (once) the database bench/bench_dashboards.py uses (50 organizations, 500 installations, 200,000 shipments),
runs `cbam results warm` as a scheduler would, then starts a new Python process per timing: the portfolio service
as the demo consultant through the app role (RLS), and the portfolio page's first render through AppTest.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
import bench_dashboards as bd
what = {what!r}
t0 = time.perf_counter()
if what == "service":
    from core.dashboards import CACHE, portfolio
    from core.dashboards.evaluations import CACHE as C2
    assert not CACHE.keys()
    ctx_for = bd.consultant_context()
    with ctx_for() as (ctx, orgs, user):
        pass
    from db.session import get_engine
    t = time.perf_counter()
    out = portfolio(user, engine=get_engine())
    took = time.perf_counter() - t
    print(json.dumps({{"seconds": took, "orgs": len(out), "certificates": sum(s.certificates for s in out),
                      "cache_misses": C2.misses}}))
else:
    cold, _times = bd.render_times("portfolio", 0)
    print(json.dumps({{"seconds": cold}}))
"""


def child(env: dict[str, str], what: str) -> dict:
    code = CHILD.format(root=str(ROOT), bench=str(ROOT / "bench"), what=what)
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def warm(env: dict[str, str]) -> float:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "cli.main", "results", "warm", "--json"], env=env, cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    print(f"  cbam results warm: {time.perf_counter() - t:.1f} s  {out.strip()}")
    return time.perf_counter() - t


def clear_kept(env: dict[str, str]) -> None:
    from sqlalchemy import text

    from db.session import make_engine

    engine = make_engine(env["MIGRATION_DATABASE_URL"]) if "MIGRATION_DATABASE_URL" in env else make_engine(
        f"sqlite:///{env['CBAM_DATA_DIR']}/cbam.db")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM period_result"))
    engine.dispose()


def main() -> None:
    import bench_dashboards as bd

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale-factor", type=float, default=1.0)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-compare", action="store_true", help="skip the timing with nothing kept")
    args = ap.parse_args()
    print(f"== {args.db}, scale factor {args.scale_factor}")
    env = bd.prepare(args.db, args.scale_factor)
    seconds = bd.seed(env, args.scale_factor)
    print(f"  seed: {seconds:.1f} s" if seconds else "  seed: reused the seeded database")
    if not args.no_compare:
        clear_kept(env)
        r = child(env, "service")
        print(f"  cold portfolio, nothing kept (engine computes every period): {r['seconds']:.3f} s "
              f"({r['orgs']} organizations)")
    warm(env)
    runs = [child(env, "service") for _ in range(args.runs)]
    med = statistics.median(r["seconds"] for r in runs)
    print(f"  cold portfolio, results kept (fresh process each): median {med:.3f} s "
          f"(min {min(r['seconds'] for r in runs):.3f}, max {max(r['seconds'] for r in runs):.3f}, n={args.runs}; "
          f"{runs[0]['orgs']} organizations)  [{'OK' if med < 1.0 else 'MISSED'} < 1 s]")
    page = child(env, "page")
    print(f"  cold portfolio page, first render through AppTest in a fresh process: {page['seconds']:.3f} s")


if __name__ == "__main__":
    main()
