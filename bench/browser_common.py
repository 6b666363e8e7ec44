"""What the browser benches share: the consultant-scale PostgreSQL database, the real app under `streamlit run`
(tests/e2e/conftest.py's AppServer), the demo sign-in of tests/e2e/test_every_screen.py, and a page visit timed
from the click on its sidebar link to the settled page.

"Settled": the script run the click started has ended (`stApp[data-test-script-state]` back to "notRunning", the
state the e2e tests wait for, and with it the status widget's running indicator gone), every Plotly chart has drawn
its SVG, and neither a rerun nor any change of the document follows within QUIET_MS. The time is taken in the page
(performance.now()), from just before the click to the last run end or document change, so neither the quiet
window nor Playwright's polling is counted.
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect  # noqa: E402

from core.i18n import t  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402
from tests.e2e.test_every_screen import _sign_in, _title  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_DB = "cbam_bench_browser"
QUIET_MS = 400  # a rerun started later than this after the run ended is not the click's any more
UI_TIMEOUT_MS = 60_000

# Installed in every page of the context: records each change of the script state with its time, and the time of
# the last change anywhere in the document (a chart drawing its SVG, a table mounting, stale elements leaving).
_OBSERVER = """() => {
  if (window.__cbamMarks) return;
  window.__cbamMarks = [];
  window.__cbamLastMutation = performance.now();
  const watch = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) { setTimeout(watch, 20); return; }
    window.__cbamMarks.push([performance.now(), app.getAttribute('data-test-script-state')]);
    new MutationObserver(() => window.__cbamMarks.push([performance.now(),
                                                       app.getAttribute('data-test-script-state')]))
      .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    new MutationObserver(() => { window.__cbamLastMutation = performance.now(); })
      .observe(document.body, {childList: true, subtree: true, characterData: true});
  };
  watch();
}"""

# Settled: the click's run has started and ended, nothing has run or changed in the document for `quiet` ms, and
# every chart has drawn; returns the time from `t0` to the last of these events (ms) and the exception boxes.
_SETTLED = """([t0, quiet]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
  const marks = window.__cbamMarks.filter(m => m[0] >= t0);
  if (!marks.some(m => m[1] === 'running')) return false;  // the click's run has not started yet
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (!c.querySelector('.main-svg')) return false;
  const last = Math.max(marks[marks.length - 1][0], window.__cbamLastMutation);
  if (performance.now() - last < quiet) return false;
  return {settled: last - t0, exception: document.querySelectorAll('[data-testid="stException"]').length};
}"""


@dataclass
class Visit:
    page: str
    seconds: float
    error: str = ""  # "exception", "timeout", "load: ..." when the visit failed


def bench_env(db: str, data_dir: Path) -> dict[str, str]:
    """The app's and the CLI's environment for the bench database (the app as the RLS-bound role cbam_app)."""
    return {"CBAM_DATA_DIR": str(data_dir),
            "MIGRATION_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}",
            "DATABASE_URL": f"postgresql+psycopg://cbam_app@127.0.0.1:5432/{db}",
            "CBAM_ALLOW_LOCAL_LOGIN": "1"}  # a bench database only: the demo login against PostgreSQL


def prepare_database(db: str = DEFAULT_DB, *, factor: float = 1.0) -> tuple[dict[str, str], Path]:
    """Create, migrate and seed the bench database once (kept for the next run): the consultant-scale
    organizations (the demo consultant in all 50), then the demo organizations with one demo person per role."""
    import psycopg

    data_dir = Path(f"/tmp/{db}")
    data_dir.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone():
            conn.execute(f'CREATE DATABASE "{db}"')
    extra = bench_env(db, data_dir)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MIGRATION_DATABASE_URL", "CBAM_ENV")}
    env.update(extra, PYTHONPATH=str(ROOT))
    cli = [sys.executable, "-m", "cli.main"]
    t = time.perf_counter()
    for args in (["db", "upgrade"], ["demo", "seed", "--scale", "consultant", "--scale-factor", str(factor)],
                 ["demo", "seed"]):
        out = subprocess.run([*cli, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        print("  " + out.strip().splitlines()[-1])
    print(f"  database {db} ready ({time.perf_counter() - t:.1f} s)")
    return extra, data_dir


def start_app(extra: dict[str, str], data_dir: Path, log_name: str) -> AppServer:
    env = {k: v for k, v in extra.items() if k != "CBAM_DATA_DIR"}  # AppServer sets it from data_dir
    server = AppServer(data_dir, data_dir / "absent-secrets.toml", data_dir / log_name, env=env)
    server.wait_healthy()
    return server


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_page(browser, locale: str = "en-US") -> Page:
    context = browser.new_context(locale=locale, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.add_init_script(f"({_OBSERVER})()")
    return context.new_page()


def sign_in(page: Page, app: AppServer, role: str, lang: str = "en") -> None:
    """The e2e tests' demo sign-in (choose the person on the local sign-in screen), landing on home."""
    expect.set_options(timeout=UI_TIMEOUT_MS)
    _sign_in(page, app, role, lang)
    page.evaluate(f"({_OBSERVER})()")


def choose_organization(page: Page, app: AppServer, index: int) -> None:
    """Act in the person's `index`-th organization (the sidebar's organization choice)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    box.click()
    options = page.locator('[role="option"]')
    options.nth(index % options.count()).click()
    page.wait_for_timeout(200)
    app.wait_idle(page)


def sidebar_link(page: Page, name: str, lang: str = "en"):
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link").filter(
        has_text=re.compile(re.escape(t(f"page.{name}", lang)) + "$"))  # after the icon


def visit(page: Page, name: str, lang: str = "en", timeout_ms: int = UI_TIMEOUT_MS) -> Visit:
    """Click the page's sidebar link and time it to the settled page (see the module's docstring)."""
    try:
        t0 = page.evaluate("() => performance.now()")
        sidebar_link(page, name, lang).click()
        expect(page.get_by_role("heading", level=1, name=_title(name, lang), exact=True)).to_be_visible(
            timeout=timeout_ms)
        done = page.wait_for_function(_SETTLED, arg=[t0, QUIET_MS], timeout=timeout_ms, polling=50).json_value()
    except Exception as e:  # noqa: BLE001  (a timeout or a failed load is a figure of the bench, not a crash)
        kind = "timeout" if "Timeout" in type(e).__name__ or "Timeout" in str(e)[:200] else "load"
        return Visit(name, float("nan"), f"{kind}: {str(e).splitlines()[0][:160]}")
    return Visit(name, done["settled"] / 1000, "exception" if done["exception"] else "")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation, like numpy's default."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
