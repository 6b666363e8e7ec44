"""Every page of the demo consultant in a real browser at consultant scale on PostgreSQL (issue 18): the real app
(`streamlit run app.py` on a free port, reading as the RLS-bound role cbam_app), headless Chromium, the demo
consultant signed in; each page timed from the click on its sidebar link to the settled page (see
bench/browser_common.py). First a cold pass (a fresh app process: nothing cached, each page's first visit), then
`--rounds` warm passes; prints page → first visit, median and p95 seconds. Target: median < 1 s on every page.

    PYTHONPATH=. .venv/bin/python bench/bench_browser_pages.py [--rounds 5] [--pages costs,emissions] [--db NAME]

The database (default cbam_bench_browser on 127.0.0.1:5432, user postgres, trust auth) is created, migrated and
seeded once with `cbam demo seed --scale consultant` (50 organizations, 500 installations, 200,000 shipments,
1,000,000 audit events) and `cbam demo seed`; later runs reuse it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browser_common import (  # noqa: E402
    DEFAULT_DB,
    launch_browser,
    median,
    new_page,
    percentile,
    prepare_database,
    sign_in,
    start_app,
    visit,
)
from core.access import pages_for  # noqa: E402

TARGET_S = 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="warm visits of every page (median and p95 over these)")
    ap.add_argument("--pages", default="", help="comma-separated page names (default: every page of the consultant)")
    ap.add_argument("--db", default=DEFAULT_DB, help="PostgreSQL database (created and seeded when missing)")
    ap.add_argument("--scale-factor", type=float, default=1.0)
    args = ap.parse_args()
    pages = [p for p in pages_for("consultant") if not args.pages or p in args.pages.split(",")]

    from playwright.sync_api import sync_playwright

    extra, data_dir = prepare_database(args.db, factor=args.scale_factor)
    app = start_app(extra, data_dir, "streamlit-pages.log")
    cold: dict[str, float] = {}
    warm: dict[str, list[float]] = {p: [] for p in pages}
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            page = new_page(browser)
            sign_in(page, app, "consultant")
            # cold: the app process has just started, so every page's first visit finds no cache of any kind;
            # home is left first so that it too is reached by a click
            order = [p for p in pages if p != "home"] + (["home"] if "home" in pages else [])
            # a link to the page already shown starts no run: with one page, step away (untimed) between visits
            away = "profile" if order != ["profile"] else "home"
            for name in order:
                if len(order) == 1:
                    visit(page, away)
                v = visit(page, name)
                cold[name] = v.seconds
                if v.error:
                    errors.append(f"cold {name}: {v.error}")
            for _ in range(args.rounds):
                for name in order:
                    if len(order) == 1:
                        visit(page, away)
                    v = visit(page, name)
                    if v.error:
                        errors.append(f"warm {name}: {v.error}")
                    else:
                        warm[name].append(v.seconds)
            browser.close()
    finally:
        app.stop()

    print(f"\n{'page':<14} {'first visit':>11} {'median':>8} {'p95':>8}  (s, n={args.rounds}; target median < "
          f"{TARGET_S:.0f} s)")
    for name in pages:
        med = median(warm[name])
        flag = "OK" if med < TARGET_S else "MISSED"
        print(f"{name:<14} {cold.get(name, float('nan')):>11.2f} {med:>8.2f} {percentile(warm[name], 0.95):>8.2f}  "
              f"[{flag}]")
    print(f"errors: {len(errors)}")
    for e in errors:
        print("  " + e)
    print(f"app log: {app.log_file}")


if __name__ == "__main__":
    main()
