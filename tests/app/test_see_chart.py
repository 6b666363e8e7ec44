"""The SEE chart compares like with like (issue 12): the installation's SEE as certificates count it against the
default counted the same way and the benchmark; the actual total with indirect emissions stays in the table."""
from __future__ import annotations

import json

import pytest

from core.i18n import t
from tests.app.conftest import open_app, open_tab


def _see_figure(at) -> dict:
    title = t("dash.chart.see", "en")
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        if title in json.dumps(spec, ensure_ascii=False) or any(
                tr.get("name") == t("dash.col.default_value", "en") for tr in spec["data"]):
            return spec
    raise AssertionError("no SEE chart")


def test_the_see_chart_shows_what_counts_on_both_sides(demo_data):
    from sqlalchemy import update

    from core.dashboards import CACHE
    from db.reporting_models import ProductionProcess
    from db.session import Scope, get_engine, scoped_session

    # the demo mill buys electricity: its steel's SEE has indirect emissions, which certificates do not count
    with scoped_session(Scope(), get_engine()) as s:
        s.execute(update(ProductionProcess).values(electricity_consumed_mwh=5000.0, electricity_ef=0.6))
    CACHE.clear()
    at = open_app("owner", "en", "emissions")
    open_tab(at, "emissions_view", "dash.tab.see")
    assert not at.exception
    spec = _see_figure(at)
    names = [tr["name"] for tr in spec["data"]]
    assert names == [t(k, "en") for k in ("dash.col.cbam_basis", "dash.col.default_value", "dash.col.benchmark")]
    assert t("dash.col.see_total", "en") not in names
    # meaningful here: a demo good has indirect emissions, so what counts is below its actual total, and the
    # chart plots what counts
    from sqlmodel import select

    from core.dashboards import emissions_dashboard
    from db.models import User
    from tests.factories import context

    with scoped_session(Scope(), get_engine()) as s:
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
    acting = at.session_state["acting"]
    with context(get_engine(), owner, acting.org_id) as ctx:
        see = emissions_dashboard(ctx).see
    col = {c: i for i, c in enumerate(see.columns)}
    total = [float(r[col["dash.col.see_total"]]) for r in see.rows]
    counted = [float(r[col["dash.col.cbam_basis"]]) for r in see.rows]
    assert any(c < t_ - 1e-9 for c, t_ in zip(counted, total, strict=True))
    counted_bars = next(tr for tr in spec["data"] if tr["name"] == t("dash.col.cbam_basis", "en"))
    assert sorted(_values(counted_bars["y"])) == pytest.approx(sorted(counted))


def _values(y) -> list[float]:  # noqa: ANN001
    """Plotly may send an array as base64 with its dtype."""
    if isinstance(y, dict) and "bdata" in y:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return [float(v) for v in y]


def test_every_dashboard_chart_starts_at_zero_and_writes_its_ticks_as_numbers(demo_data):
    """Money, emission and tonne axes group thousands ("150,000", never "150k"); a bar or area starts at zero; the
    forecast's phase-in axis is a percentage from 0 to 100 %."""
    for page in ("emissions", "costs"):
        at = open_app("owner", "zh", page)
        assert not at.exception
        specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
        assert specs, page
        for spec in specs:
            layout = spec["layout"]
            assert layout["yaxis"]["tickformat"] == ",~r", (page, layout["yaxis"])
            assert layout["yaxis"]["rangemode"] == "tozero", (page, layout["yaxis"])
            assert layout["yaxis"]["title"]["text"], (page, "y axis without a title")
            if "yaxis2" in layout:
                assert layout["yaxis2"]["tickformat"] == ".0%" and layout["yaxis2"]["range"] == [0, 1]
