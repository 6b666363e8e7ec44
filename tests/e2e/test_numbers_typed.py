"""In a real browser, numbers typed into the editable tables reach the services exactly as typed: `-5` and `1e308`
in a shipment's quantity, or in an EUA price path, are refused with the row's message, and nothing altered (no 5,
no 1308) is stored or used.

`st.data_editor` draws on a canvas: a cell is selected by clicking its position and moving with the arrow keys;
typing opens the cell's editor. The first key is followed by a pause, as a person's would be: the editor mounts
after that keystroke, and Playwright's instant keystrokes could otherwise outrun it."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from core.i18n import t
from db.models import Organization
from db.reporting_models import Shipment
from db.session import Scope, make_engine, scoped_session
from tests.e2e.test_pages_look import nav_link, sign_in_as_owner

if TYPE_CHECKING:
    from tests.e2e.conftest import AppServer, AppServers

ROW = 35  # st.data_editor's header and row height in pixels


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory, app_servers: AppServers) -> Iterator[AppServer]:
    root = tmp_path_factory.mktemp("numbers-app")
    server = app_servers.start(app_servers.prepare_data_dir(root / "data", demo=True), root / "absent-secrets.toml")
    yield server
    app_servers.stop(server)


def _steel_quantities(app: AppServer) -> list[float]:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cbam.db'}")
    try:
        with scoped_session(Scope(), engine) as s:
            org = s.exec(select(Organization).where(Organization.name_en == "Demo Steel Co., Ltd.")).one()
            return sorted(q.quantity for q in s.exec(select(Shipment).where(Shipment.org_id == org.id)))
    finally:
        engine.dispose()


def type_into_cell(page: Page, grid: Locator, *, row: int, x: int, right: int, text: str) -> None:
    """Select the cell of data row `row` (1 = first) at `x` pixels into the table, move `right` columns, type."""
    grid.click(position={"x": x, "y": ROW * row + ROW // 2})
    for _ in range(right):
        page.keyboard.press("ArrowRight")
    page.keyboard.press(text[0])
    page.wait_for_timeout(300)
    page.keyboard.type(text[1:], delay=80)
    held = page.evaluate("() => document.activeElement && document.activeElement.value")
    assert held == text, f"the cell editor holds {held!r}, not what was typed ({text!r})"
    page.keyboard.press("Enter")


def _open(open_page: Callable[[str], Page], app: AppServer, name: str) -> Page:
    page = open_page("en-US")
    sign_in_as_owner(page, app, "en")
    nav_link(page, name, "en").click()
    expect(page.get_by_role("heading", level=1, name=t(f"page.{name}", "en"))).to_be_visible()
    app.wait_idle(page)
    return page


SHIPMENT_ERRORS = {"-5": t("reporting.error_positive", "en", value="-5"),
                   "1e308": t("numbers.error_too_large", "en", value="1e308", max="1,000,000,000", unit="t")}


@pytest.mark.e2e
@pytest.mark.parametrize("typed", list(SHIPMENT_ERRORS))
def test_a_typed_shipment_quantity_is_refused_never_altered(open_page: Callable[[str], Page], demo_app: AppServer,
                                                            typed: str) -> None:
    before = _steel_quantities(demo_app)
    page = _open(open_page, demo_app, "shipments")
    grid = page.locator('[data-testid="stDataFrame"]').first
    # the customer column starts right after the row marker; quantity is two columns further (CN code, quantity)
    type_into_cell(page, grid, row=1, x=80, right=2, text=typed)
    page.wait_for_timeout(1000)  # the editor sends its edits after a short delay, then the app reruns
    demo_app.wait_idle(page)
    page.get_by_role("button", name=t("common.save", "en")).click()
    where = f"{t('entry.row', 'en', n='1')} · {t('entry.quantity_t', 'en')}"
    expect(page.locator('[data-testid="stAlert"]').filter(has_text=f"{where}: {SHIPMENT_ERRORS[typed]}")).to_be_visible()
    demo_app.wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    after = _steel_quantities(demo_app)
    assert after == before  # nothing saved: not 5, not 1308, not 1e308
    assert not {5.0, 1308.0, 1e308} & set(after)


PRICE_ERRORS = {"-5": t("reporting.error_non_negative", "en", value="-5"),
                "1e308": t("numbers.error_too_large", "en", value="1e308", max="100,000", unit="EUR/t")}


@pytest.mark.e2e
@pytest.mark.parametrize("typed", list(PRICE_ERRORS))
def test_a_typed_eua_price_is_refused_never_altered(open_page: Callable[[str], Page], demo_app: AppServer,
                                                    typed: str) -> None:
    page = _open(open_page, demo_app, "costs")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    # rows 2026..2034: 2030 is the fifth; the "low" column starts after the year, "base" is one to the right
    type_into_cell(page, grid, row=5, x=120, right=1, text=typed)
    where = t("dash.price_cell", "en", path=t("dash.path.base", "en"), year=2030)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text=f"{where}: {PRICE_ERRORS[typed]}")).to_be_visible()
    demo_app.wait_idle(page)
    # the forecast is not drawn with an altered price: the page stops at the refusal
    expect(page.get_by_text(t("dash.kpi.cost", "en"), exact=True)).to_have_count(0)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
