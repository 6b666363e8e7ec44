"""`cbam results warm [--org ORG_ID] [--json]`: computes and keeps every period's results on the owner connection, so
that the first look of a new process reads them (the engine does not run); a second warm finds them kept; rows no
page asks for any more are deleted. On SQLite and PostgreSQL."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from core.access import ROLES, Permission, can
from core.dashboards import CACHE, Filters, costs_dashboard, emissions_dashboard, portfolio
from db.result_models import PeriodResult
from tests.dashboards.data import build, expected
from tests.factories import context
from tests.support.connections import point_commands_at

pytestmark = pytest.mark.usefixtures("fresh_cache")  # tests/dashboards/conftest.py

SUMMARIES = sum(can(r, Permission.DATA_VIEW) for r in ROLES)  # the portfolio's summary, one per role that sees it


@pytest.fixture
def cli(engine, monkeypatch):
    point_commands_at(engine, monkeypatch)

    def run(*args):
        res = CliRunner().invoke(app, ["results", "warm", *args])
        assert res.exit_code == 0, res.output
        return res

    return run


def _rows(engine, ds) -> Counter:
    with context(engine, ds.owner, ds.org) as ctx:
        return Counter(dict(ctx.session.execute(
            select(PeriodResult.kind, func.count()).where(PeriodResult.org_id == ds.org)
            .group_by(PeriodResult.kind)).all()))


def test_warm_keeps_every_result_and_a_new_process_does_not_run_the_engine(engine, cli, calls):  # noqa: F811
    ds = build(engine)
    other = build(engine, name_en="Other Steel Co.")
    out = json.loads(cli("--org", str(ds.org), "--json").stdout)
    assert out == {"status": "ok", "organizations": 1, "periods": 2, "computed": 6 + SUMMARIES, "kept": 0,
                   "deleted": 0, "failed": []}
    assert _rows(engine, ds) == Counter({"units": 2, "findings": 2, "forecast": 2, "summary": SUMMARIES})
    assert _rows(engine, other) == Counter()  # --org: that organization only

    CACHE.clear()  # a new process
    calls.clear()
    with context(engine, ds.owner, ds.org) as ctx:
        emissions_dashboard(ctx)
        costs = costs_dashboard(ctx)
        summary = portfolio(ctx.user, engine=engine)
    assert calls == Counter()  # every number came from what warm kept
    assert costs.certificates == pytest.approx(expected(engine, ds)["cert"], rel=1e-9)
    assert {s.org_id: s.certificates for s in summary}[ds.org] == pytest.approx(costs.certificates, rel=1e-12)

    res = cli()  # every organization; the first one's results are found kept
    assert "2 organizations, 4 periods" in res.output
    assert f"{6 + SUMMARIES} results computed, {6 + SUMMARIES} already kept, 0 old rows deleted" in res.output


def test_warm_deletes_the_rows_no_page_asks_for_any_more(engine, cli):
    ds = build(engine)
    cli("--json")
    with context(engine, ds.owner, ds.org) as ctx:  # a filtered look keeps results of its own lines
        emissions_dashboard(ctx, filters=Filters(quarter=2))
    filtered = sum(_rows(engine, ds).values()) - (6 + SUMMARIES)
    assert filtered > 0
    out = json.loads(cli("--json").stdout)
    assert out["computed"] == 0 and out["deleted"] == filtered
    assert _rows(engine, ds) == Counter({"units": 2, "findings": 2, "forecast": 2, "summary": SUMMARIES})


def test_a_bad_organization_id_is_refused():
    res = CliRunner().invoke(app, ["results", "warm", "--org", "not-a-uuid"])
    assert res.exit_code == 2 and "results.error.bad_org" in res.output
