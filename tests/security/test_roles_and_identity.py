"""Roles as the README's table says (reopening is the owner's, the data-entry workbook needs edit rights, the DPO
reads who did what but not the reporting data), ID tokens with a nonsense `exp` are expired, and the CLI's
`--as EMAIL` acts as exactly one person."""
from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from core.errors import DomainError, PermissionDenied
from core.settings import get_settings
from db.session import get_engine
from tests.exchange.exports_support import approved_steel
from tests.factories import add_member, make_org, make_period, make_user


@pytest.fixture
def team(engine):
    return approved_steel(engine)


def test_only_the_owner_reopens_an_approved_period(team):
    from core.reporting import reopen_period

    for who in (team.editor, team.viewer, team.consultant, team.dpo):
        with pytest.raises(PermissionDenied), team.ctx(who) as ctx:
            reopen_period(ctx, period_id=team.period.id, reason="supplier corrected", expected_version=team.period.version)
    with team.ctx() as ctx:
        v2 = reopen_period(ctx, period_id=team.period.id, reason="supplier corrected",
                           expected_version=team.period.version)
    assert v2.version_no == 2


def test_the_data_entry_workbook_needs_edit_rights(team):
    from core.exchange.workbook import export_workbook

    for who in (team.viewer, team.consultant, team.dpo):
        with pytest.raises(PermissionDenied), team.ctx(who) as ctx:
            export_workbook(ctx, period_id=team.period.id)
    with team.ctx(team.editor) as ctx:
        assert export_workbook(ctx, period_id=team.period.id)[:2] == b"PK"


REPORTING_KEYS = {"activity_level", "quantity", "see_direct", "see_indirect", "cn_code", "direct_emissions",
                  "electricity_consumed_mwh", "eori", "year", "status", "params", "content", "hash"}


def test_the_dpo_audit_view_shows_no_reporting_data(team):
    from sqlmodel import SQLModel

    from core.audit import list_events, verify_organization
    from db.personal_data import INFO_KEY

    personal = {c.name for t in SQLModel.metadata.sorted_tables for c in t.columns
                if c.info.get(INFO_KEY) not in (None, "none")}
    with team.ctx(team.dpo) as ctx:
        events, total = list_events(ctx, limit=10_000)
        assert total == len(events) > 20
        for e in events:
            for values in (e.before, e.after):
                assert not set(values or {}) - personal, (e.action, set(values or {}) - personal)
        # who was invited and who did what stays readable: that is the DPO's job
        assert any((e.after or {}).get("invited_email") for e in events if e.entity == "membership")
        assert verify_organization(ctx).ok  # the stored events are untouched
    with team.ctx() as ctx:  # the owner still sees the figures
        events, _ = list_events(ctx, limit=10_000)
        seen = set().union(*((e.after or {}).keys() for e in events))
        assert {"activity_level", "quantity"} <= seen
        assert verify_organization(ctx).ok


@pytest.mark.parametrize("exp", [math.nan, math.inf, -math.inf, "nan", "inf", "9999999999", "1e99", True, False,
                                 10**400, 1e300, 253402300800 * 10, None, [], {}])
def test_an_exp_that_is_not_a_finite_time_counts_as_expired(exp):
    from core.identity import id_token_expired

    assert id_token_expired({"exp": exp}, datetime(2026, 11, 30, tzinfo=UTC))


def test_a_normal_exp_still_works():
    from core.identity import id_token_expired

    now = datetime(2026, 11, 30, tzinfo=UTC)
    assert not id_token_expired({"exp": int(now.timestamp()) + 60}, now)
    assert not id_token_expired({"exp": now.timestamp() + 0.5}, now)


def test_person_by_email_finds_exactly_one(engine, request):
    from core.tenancy import person_by_email
    from db.session import Scope, make_engine, scoped_session

    one = make_user(engine, email="Li.Wei@example.com")
    # the CLI looks people up through the owner connection (on PostgreSQL the app role sees nobody unscoped)
    owner = make_engine(request.getfixturevalue("pg_database").admin_url) if engine.dialect.name == "postgresql" \
        else engine
    with scoped_session(Scope(), owner) as s:
        assert person_by_email(s, " li.wei@EXAMPLE.com ").id == one.id
        with pytest.raises(DomainError) as e:
            person_by_email(s, "nobody@example.com")
        assert e.value.key == "tenancy.error.unknown_person"
    make_user(engine, email="li.wei@example.com", issuer="https://other-idp.example.com")
    with scoped_session(Scope(), owner) as s, pytest.raises(DomainError) as e:
        person_by_email(s, "li.wei@example.com")
    assert e.value.key == "tenancy.error.ambiguous_person"


@pytest.fixture
def cli_env(engine, request, monkeypatch):
    if engine.dialect.name == "postgresql":
        db = request.getfixturevalue("pg_database")
        monkeypatch.setenv("DATABASE_URL", db.app_url)
        monkeypatch.setenv("MIGRATION_DATABASE_URL", db.admin_url)
    else:
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_engine.cache_clear()
    get_settings.cache_clear()


def test_the_cli_refuses_an_email_two_accounts_share(engine, cli_env, tmp_path):
    from cli.main import app

    book = tmp_path / "data.xlsx"
    book.write_bytes(b"PK not read: the person is refused first")
    owner = make_user(engine, email="owner@example.com")
    org = make_org(engine, owner)
    editor = make_user(engine, email="shared@example.com")
    add_member(engine, owner, org, editor, "editor")
    period = make_period(engine, owner, org)
    # a second account (another provider) with the same address, not a member of anything
    make_user(engine, email="SHARED@example.com", issuer="https://other-idp.example.com")
    for args in (["period", "submit", "--org", str(org), "--as", "shared@example.com", "--period", str(period.id)],
                 ["import", "workbook", str(book), "--org", str(org), "--as", "shared@example.com",
                  "--period", str(period.id)]):
        r = CliRunner().invoke(app, args)
        assert r.exit_code == 2 and "tenancy.error.ambiguous_person" in r.output, r.output
    r = CliRunner().invoke(app, ["period", "submit", "--org", str(org), "--as", "owner@example.com",
                                 "--period", str(period.id)])
    assert r.exit_code == 0, r.output
