"""Load test (issue 18): 20 concurrent browser sessions against the real app at consultant scale on PostgreSQL. Each
session is a Playwright context (own cookies, own Streamlit session) in one headless Chromium, signed in as a demo
person, and cycles over the dashboards (emissions, costs, portfolio) and the entry pages (processes, shipments,
precursors) for `--seconds`, timing each visit from the click on its sidebar link to the settled page (as
bench/bench_browser_pages.py does). Prints p50/p95 page times and the errors: an exception box on the page, a failed
load, a visit not settled within `--timeout` seconds. Target: 0 errors and p95 < 2 s.

    PYTHONPATH=. .venv/bin/python bench/bench_load.py [--sessions 20] [--seconds 120] [--warm-up] [--db NAME]

Without --warm-up the app process starts cold (no result cached): the first visitors compute every client's
periods while the others arrive. With it, one consultant opens the portfolio first (all 50 clients computed once).

Sessions: most are the demo consultant, each acting in another of the 50 consultant-scale organizations (picked in
the sidebar); the others are the demo owner, editor and viewer in Demo Steel. The database is prepared as in
bench/bench_browser_pages.py (created and seeded once, then reused).
"""
from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browser_common import (  # noqa: E402
    _OBSERVER,
    _SETTLED,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEFAULT_DB,
    QUIET_MS,
    median,
    percentile,
    prepare_database,
    start_app,
)
from core.demo import DEMO_USERS  # noqa: E402
from core.i18n import t  # noqa: E402

PAGES = ("emissions", "costs", "portfolio", "processes", "shipments", "precursors")
OTHERS = ("owner", "editor", "viewer")  # one session each of these; the rest are the consultant


def _title(name: str) -> str:
    return t("home.title" if name == "home" else f"page.{name}", "en")


async def sign_in(page, url: str, role: str, timeout_ms: int) -> None:
    """The e2e tests' demo sign-in (tests/e2e/test_every_screen.py `_sign_in`), in the async API."""
    from playwright.async_api import expect

    demo = next(d for d in DEMO_USERS if d.role == role)
    await page.goto(url)
    await expect(page.get_by_role("heading", name=t("login.title", "en"))).to_be_visible(timeout=timeout_ms)
    await page.locator('[data-testid="stRadio"]').get_by_text(demo.name).click()
    await page.get_by_role("button", name=t("login.local_sign_in", "en")).click()
    await expect(page.get_by_role("heading", level=1, name=_title("home"), exact=True)).to_be_visible(
        timeout=timeout_ms)
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)


async def choose_organization(page, name: str, timeout_ms: int) -> None:
    """Act in the organization named `name` (the sidebar's organization choice; typing filters the options)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    await box.click()
    await page.keyboard.type(name)
    await page.keyboard.press("Enter")
    await page.wait_for_timeout(300)
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)


async def visit(page, name: str, timeout_ms: int) -> tuple[float, str]:
    """Click the page's sidebar link; seconds to the settled page, and an error kind ('' when fine)."""
    from playwright.async_api import expect

    try:
        t0 = await page.evaluate("() => performance.now()")
        await page.locator('[data-testid="stSidebarNav"]').get_by_role("link").filter(
            has_text=re.compile(re.escape(t(f"page.{name}", "en")) + "$")).click(timeout=timeout_ms)
        await expect(page.get_by_role("heading", level=1, name=_title(name), exact=True)).to_be_visible(
            timeout=timeout_ms)
        done = await (await page.wait_for_function(_SETTLED, arg=[t0, QUIET_MS], timeout=timeout_ms,
                                                   polling=50)).json_value()
    except Exception as e:  # noqa: BLE001  (counted, never fatal)
        return float("nan"), "timeout" if "Timeout" in type(e).__name__ or "Timeout" in str(e)[:200] else "load"
    return done["settled"] / 1000, "exception" if done["exception"] else ""


async def session(n: int, browser, url: str, role: str, org: str | None, deadline: float, timeout_ms: int,
                  times: dict[str, list[float]], errors: Counter, log: list[str]) -> None:
    context = await browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    context.set_default_timeout(timeout_ms)
    await context.add_init_script(f"({_OBSERVER})()")
    page = await context.new_page()
    try:
        await sign_in(page, url, role, timeout_ms)
        await page.evaluate(f"({_OBSERVER})()")
        if org:
            await choose_organization(page, org, timeout_ms)
    except Exception as e:  # noqa: BLE001
        errors["sign-in"] += 1
        log.append(f"session {n} ({role}): sign-in failed: {str(e).splitlines()[0][:160]}")
        await context.close()
        return
    i = n  # sessions start on different pages, so the load is spread from the first second
    while time.monotonic() < deadline:
        name = PAGES[i % len(PAGES)]
        i += 1
        seconds, error = await visit(page, name, timeout_ms)
        if error:
            errors[error] += 1
            log.append(f"session {n} ({role}) {name}: {error}")
            if error != "exception":  # a page that never settled: start from a fresh load
                try:
                    await page.goto(url)
                    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
                except Exception:  # noqa: BLE001
                    pass
        else:
            times[name].append(seconds)
    await context.close()


async def warm_up(browser, url: str, timeout_ms: int) -> float:
    """One consultant opens the portfolio (every client's periods computed once, cached in the app process)."""
    context = await browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    await context.add_init_script(f"({_OBSERVER})()")
    page = await context.new_page()
    t = time.monotonic()
    await sign_in(page, url, "consultant", timeout_ms)
    seconds, error = await visit(page, "portfolio", max(timeout_ms, 300_000))
    await context.close()
    if error:
        raise RuntimeError(f"warm-up failed: {error}")
    return time.monotonic() - t


async def run(url: str, sessions: int, seconds: float, timeout_s: float,
              warm: bool = False) -> tuple[dict, Counter, list[str], float]:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    log: list[str] = []
    people = [OTHERS[k] if k < len(OTHERS) and sessions > 3 else "consultant" for k in range(sessions)]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        if warm:
            print(f"warm-up: the portfolio of the 50 clients computed in {await warm_up(browser, url, 60_000):.1f} s")
        started = time.monotonic()
        # sign-ins are spread over the first seconds (people do not all arrive in the same instant); the clock of
        # the cycle starts for everyone at once after that
        deadline = started + seconds + min(30.0, sessions * 1.0)
        tasks = []
        for n, role in enumerate(people):
            org = None
            if role == "consultant":
                org = f"Client {(n % 50) + 1:02d}"
            tasks.append(asyncio.create_task(session(n, browser, url, role, org, deadline, int(timeout_s * 1000),
                                                     times, errors, log)))
            await asyncio.sleep(1.0)
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
        await browser.close()
    return times, errors, log, elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120.0, help="how long every session cycles over the pages")
    ap.add_argument("--timeout", type=float, default=30.0, help="a visit not settled by then is an error (s)")
    ap.add_argument("--db", default=DEFAULT_DB)
    ap.add_argument("--warm-up", action="store_true",
                    help="first compute every client's results once (steady state rather than a cold start)")
    args = ap.parse_args()
    extra, data_dir = prepare_database(args.db)
    app = start_app(extra, data_dir, "streamlit-load.log")
    try:
        times, errors, log, elapsed = asyncio.run(run(app.url, args.sessions, args.seconds, args.timeout,
                                                        args.warm_up))
    finally:
        app.stop()
    every = [x for xs in times.values() for x in xs]
    print(f"\n{args.sessions} sessions, {args.seconds:.0f} s of cycling ({elapsed:.0f} s with sign-ins), "
          f"{len(every)} page visits settled")
    print(f"{'page':<12} {'visits':>6} {'p50':>7} {'p95':>7} {'max':>7}  (s)")
    for name in PAGES:
        xs = times.get(name, [])
        print(f"{name:<12} {len(xs):>6} {median(xs):>7.2f} {percentile(xs, 0.95):>7.2f} "
              f"{max(xs) if xs else float('nan'):>7.2f}")
    p95 = percentile(every, 0.95)
    print(f"{'all':<12} {len(every):>6} {median(every):>7.2f} {p95:>7.2f} {max(every) if every else float('nan'):>7.2f}")
    total = sum(errors.values())
    print(f"errors: {total} {dict(errors) if total else ''}  [{'OK' if total == 0 and p95 < 2.0 else 'MISSED'}: "
          f"target 0 errors and p95 < 2 s]")
    for line in log[:30]:
        print("  " + line)
    print(f"app log: {app.log_file}")


if __name__ == "__main__":
    main()
