"""Blocking data-quality findings block: a period with an open blocking finding is neither submitted nor approved,
and approval checks again (data can change after submission)."""
import json
from datetime import date

import pytest
from sqlalchemy import update
from sqlmodel import select

from core.approval import BlockingFindings
from core.i18n import error_text, t
from core.reporting import (
    ProcessData,
    ShipmentData,
    add_process,
    add_shipment,
    approve_period,
    get_period,
    submit_period,
    update_process,
)
from db.models import AuditEvent
from db.reporting_models import PeriodSnapshot, Shipment
from tests.factories import add_member, context, make_customer, make_org, make_period, make_user

P1 = ProcessData(code="P1", name="BOF", goods_category="Crude steel", route="Basic oxygen steelmaking",
                 cn_code="72071114", activity_level=1000,
                 direct_emissions=1800)


@pytest.fixture
def shipped(engine):
    """An owner and an editor; a draft period whose process P1 made 1000 t, 600 t of which were shipped."""
    owner, editor = make_user(engine, name="Wang Li"), make_user(engine, name="Chen Gang")
    org = make_org(engine, owner)
    add_member(engine, owner, org, editor, "editor")
    period = make_period(engine, owner, org)
    customer = make_customer(engine, owner, org)
    with context(engine, editor, org) as ctx:
        proc = add_process(ctx, period_id=period.id, data=P1)
        add_shipment(ctx, period_id=period.id, data=ShipmentData(
            customer_id=customer.id, process_id=proc.id, cn_code="72071114", quantity=600,
            shipped_on=date(2026, 3, 2), order_reference="SO-1"))
    return engine, org, owner, editor, period, proc


def _actions(engine, person, org, period_id) -> list[str]:
    with context(engine, person, org) as ctx:
        return list(ctx.session.exec(select(AuditEvent.action).where(
            AuditEvent.org_id == org, AuditEvent.entity_id == str(period_id)).order_by(AuditEvent.seq)))


def test_submit_is_refused_while_dq23_is_open_and_lists_the_finding(shipped):
    engine, org, _owner, editor, period, proc = shipped
    with context(engine, editor, org) as ctx:  # 1000 t made, now 1600 t shipped
        add_shipment(ctx, period_id=period.id, data=ShipmentData(
            customer_id=ctx.session.exec(select(Shipment.customer_id)).first(), process_id=proc.id,
            cn_code="72071114", quantity=1000, shipped_on=date(2026, 4, 2), order_reference="SO-2"))
    with context(engine, editor, org) as ctx, pytest.raises(BlockingFindings) as exc:
        submit_period(ctx, period_id=period.id, expected_version=get_period(ctx, period_id=period.id).version)
    err = exc.value
    assert err.key == "approval.error_blocking_submit"
    # shipping more than was produced is DQ23 (per process) and the plausibility rule DQ34 (per good)
    assert [(f.rule, f.severity, f.path) for f in err.findings] == [("DQ23", "blocking", "processes[0].activity_level"),
                                                                   ("DQ34", "blocking", "processes[0].activity_level")]
    assert err.params["count"] == 2 and err.params["rules"] == "DQ23, DQ34"
    assert err.params["findings"][0] == {"rule": "DQ23", "key": "quality.shipments_exceed_production",
                                         "path": "processes[0].activity_level", "params": err.findings[0].params}
    json.dumps(err.params)  # a command can print the refusal as it stands
    assert err.findings[0].params["shipped"] == 1600 and err.findings[0].params["produced"] == 1000
    assert "DQ23" in error_text(err, "en") and "DQ23" in error_text(err, "zh")
    with context(engine, editor, org) as ctx:
        assert get_period(ctx, period_id=period.id).status == "draft"  # nothing changed
    assert "period.submitted" not in _actions(engine, editor, org, period.id)
    with context(engine, editor, org) as ctx:  # fixed: production covers what was shipped
        update_process(ctx, process_id=proc.id, data=P1.model_copy(update={"activity_level": 1600}),
                       expected_version=proc.version)
        p = submit_period(ctx, period_id=period.id, expected_version=get_period(ctx, period_id=period.id).version)
    assert p.status == "submitted" and p.submitted_by == editor.id


def test_approval_checks_again_a_blocking_finding_that_appeared_after_submission(shipped):
    engine, org, owner, editor, period, _proc = shipped
    with context(engine, editor, org) as ctx:
        p = submit_period(ctx, period_id=period.id, expected_version=get_period(ctx, period_id=period.id).version)
    assert p.status == "submitted"
    # the data changes after submission, by a path the period lock does not cover (a bulk job, a repair script)
    with context(engine, editor, org) as ctx:
        ctx.session.exec(update(Shipment).where(Shipment.org_id == org, Shipment.period_id == period.id)
                         .values(quantity=1500))
    with context(engine, owner, org) as ctx, pytest.raises(BlockingFindings) as exc:
        approve_period(ctx, period_id=period.id, expected_version=p.version)
    assert exc.value.key == "approval.error_blocking_approve"
    assert [f.rule for f in exc.value.findings] == ["DQ23", "DQ34"]
    with context(engine, owner, org) as ctx:
        assert get_period(ctx, period_id=period.id).status == "submitted"
        assert ctx.session.exec(select(PeriodSnapshot).where(PeriodSnapshot.period_id == period.id)).first() is None
    with context(engine, editor, org) as ctx:  # back within production: approval goes through
        ctx.session.exec(update(Shipment).where(Shipment.org_id == org, Shipment.period_id == period.id)
                         .values(quantity=900))
    with context(engine, owner, org) as ctx:
        assert approve_period(ctx, period_id=period.id, expected_version=p.version).status == "approved"


@pytest.fixture
def cli(shipped, request, monkeypatch):
    """`cbam period …` pointed at the test database (PostgreSQL: the app role, and the owner for the look-ups)."""
    from typer.testing import CliRunner

    from cli.main import app
    from core.settings import get_settings
    from db.session import get_engine

    engine = shipped[0]
    if engine.dialect.name == "postgresql":
        db = request.getfixturevalue("pg_database")
        monkeypatch.setenv("DATABASE_URL", db.app_url)
        monkeypatch.setenv("MIGRATION_DATABASE_URL", db.admin_url)
    else:
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield lambda *args: CliRunner().invoke(app, ["period", *args])
    get_engine.cache_clear()
    get_settings.cache_clear()


def test_the_command_line_lists_the_blocking_findings_that_refuse_a_submission(shipped, cli):
    engine, org, owner, editor, period, proc = shipped
    with context(engine, editor, org) as ctx:  # 1000 t made, 1600 t shipped
        ctx.session.exec(update(Shipment).where(Shipment.org_id == org).values(quantity=1600))
    r = cli("submit", "--org", str(org), "--as", editor.email, "--period", str(period.id))
    assert r.exit_code == 2, r.output
    assert "[approval.error_blocking_submit]" in r.output
    assert (f"  DQ23 processes[0].activity_level ({t('page.processes', 'en')}): "
            + t("quality.shipments_exceed_production", "en", process="P1", shipped=1600.0, produced=1000.0)) in r.output
    with context(engine, editor, org) as ctx:
        assert get_period(ctx, period_id=period.id).status == "draft"
        ctx.session.exec(update(Shipment).where(Shipment.org_id == org).values(quantity=1000))
    r = cli("submit", "--org", str(org), "--as", editor.email)
    assert r.exit_code == 0 and r.output.strip().endswith("submitted"), r.output
    r = cli("approve", "--org", str(org), "--as", owner.email, "--period", str(period.id))
    assert r.exit_code == 0 and r.output.strip().endswith("approved"), r.output
