"""Consultant-scale seed benchmark: `cbam demo seed --scale consultant` (50 organizations, 500 installations, 200,000
shipments, 1,000,000 audit events) into a fresh, migrated database; the seed's own progress lines (time per table),
the second call (idempotent: nothing written), and with --verify every audit chain walked as `cbam audit verify` does.

    .venv/bin/python bench/bench_seed.py [--databases postgres,sqlite] [--scale-factor 1.0] [--verify]

PostgreSQL: 127.0.0.1:5432, trust auth, a database made for the run and dropped after. Target (issue 18): under 30 s
on PostgreSQL at scale factor 1.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def run(name: str, url: str, factor: float, verify_chains: bool) -> None:
    from core.audit import verify
    from core.demo.scale import CONSULTANT_SCALE, seed_scale
    from db.migrate import upgrade
    from db.session import Scope, make_engine, scoped_session

    upgrade(url)
    engine = make_engine(url)
    size = CONSULTANT_SCALE.scaled(factor)
    print(f"{name}: {size}")
    t0 = time.perf_counter()
    assert seed_scale(engine, policy_version="1.0", size=size, progress=lambda line: print("   ", line))
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = seed_scale(engine, policy_version="1.0", size=size, progress=print)
    print(f"  seed {seconds:.1f} s · second call {time.perf_counter() - t1:.1f} s "
          f"({'wrote again!' if again else 'nothing written'})")
    if verify_chains:
        t2 = time.perf_counter()
        with scoped_session(Scope(), engine) as s:
            result = verify(s, anchors={})
        print(f"  audit verify: {'OK' if result.ok else 'BROKEN ' + str(result.reason)}, {result.checked:,} events "
              f"in {result.chains} chains ({time.perf_counter() - t2:.1f} s)")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--databases", default="postgres")
    ap.add_argument("--scale-factor", type=float, default=1.0)
    ap.add_argument("--verify", action="store_true")
    args = ap.parse_args()
    for db in args.databases.split(","):
        if db == "sqlite":
            with tempfile.TemporaryDirectory() as d:
                run("SQLite", f"sqlite:///{d}/bench.db", args.scale_factor, args.verify)
        elif db == "postgres":
            import psycopg

            name = f"cbam_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                run("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", args.scale_factor,
                    args.verify)
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
