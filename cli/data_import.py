"""Import commands (`cbam import workbook`): a filled data-entry workbook into a reporting period.

The command acts as a member of the organization, named with `--as EMAIL` (an owner or editor): the import is
permission-checked and audited as that person, exactly as an upload on the Data import page. Who and which
organization are looked up with the owner connection (like `cbam audit verify`); the import itself runs through
the app connection scoped to that person and organization, so row-level security applies on PostgreSQL.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import typer
from sqlmodel import or_, select

from core.errors import DomainError
from core.i18n import t
from core.settings import get_settings

import_app = typer.Typer(help="Import data into a reporting period.", no_args_is_help=True)


def _fail(err: DomainError) -> None:
    typer.echo(f"error: {t(err.key, 'en', **err.params)} [{err.key}]", err=True)
    raise typer.Exit(code=2)


def _resolve(org: str, email: str, period: str | None):
    """(person, organization id, period id) from the command line, or a DomainError naming what is wrong."""
    from core.reporting.common import EDITABLE
    from core.tenancy import person_by_email
    from db.models import Organization
    from db.reporting_models import ReportingPeriod
    from db.session import Scope, make_engine, scoped_session

    with scoped_session(Scope(), make_engine(get_settings().effective_migration_url)) as s:
        user = person_by_email(s, email)  # exactly one account, or refused (never the first of two)
        try:
            match = Organization.id == uuid.UUID(org)
        except ValueError:
            match = or_(Organization.name_en == org, Organization.name_zh == org)
        orgs = list(s.exec(select(Organization).where(match)))
        if len(orgs) != 1:
            raise DomainError("exchange.cli.error.unknown_org", org=org)
        org_id = orgs[0].id
        if period:
            try:
                return user, org_id, uuid.UUID(period)
            except ValueError:
                raise DomainError("exchange.cli.error.unknown_period", period=period) from None
        open_periods = list(s.exec(select(ReportingPeriod).where(
            ReportingPeriod.org_id == org_id, ReportingPeriod.status.in_(EDITABLE))))
        if len(open_periods) != 1:
            raise DomainError("exchange.cli.error.choose_period", periods=", ".join(
                f"{p.id} ({p.year} v{p.version_no})" for p in open_periods) or "-")
        return user, org_id, open_periods[0].id


@import_app.command("workbook")
def workbook_cmd(
    file: Path = typer.Argument(..., help="A filled data-entry workbook (.xlsx)."),
    org: str = typer.Option(..., "--org", help="The organization: its id, or its English or Chinese name."),
    as_email: str = typer.Option(..., "--as", help="Email of the acting member (owner or editor); audited as them."),
    period: str = typer.Option(None, "--period", help="Period id; default: the organization's only editable period."),
    valid_only: bool = typer.Option(False, "--valid-only", help="Import the valid rows and skip those with problems."),
) -> None:
    """Import a workbook; print a summary and every problem (exit code 1 when there are problems)."""
    from core.context import Context
    from core.exchange.workbook import BY_KEY, import_workbook
    from core.exchange.workbook.writer import header
    from core.organizations import role_in
    from db.models import User
    from db.session import Scope, get_engine, scoped_session

    try:
        if not file.is_file():
            raise DomainError("exchange.cli.error.no_file", file=str(file))
        data = file.read_bytes()
        person, org_id, period_id = _resolve(org, as_email, period)
        scope = Scope(user_id=person.id, org_id=org_id, email=person.email, issuer=person.issuer,
                      subject=person.subject)
        with scoped_session(scope, get_engine()) as session:
            user = session.get(User, person.id)
            ctx = Context(session=session, user=user, org_id=org_id, role=role_in(session, user, org_id))

            def progress(done: int, total: int) -> None:
                if total >= 20000 and done % 20000 == 0:
                    typer.echo(f"... {done}/{total} rows", err=True)
            result = import_workbook(ctx, period_id, data, valid_rows_only=valid_only, progress=progress)
    except DomainError as e:
        _fail(e)
        return
    for sheet, c in result.counts().items():
        typer.echo(f"{BY_KEY[sheet].title}: {c['created']} created, {c['updated']} updated, "
                   f"{c['unchanged']} unchanged, {c['skipped']} skipped")
    for p in result.problems:
        sheet = BY_KEY[p.sheet]
        column = header(sheet.column(p.column), "en") if p.column else "-"
        typer.echo(f"{sheet.title} row {p.row or '-'} {p.cell or ''} [{column}]: {t(p.key, 'en', **p.params)}")
    if result.problems:
        typer.echo(f"{len(result.problems)} problems; "
                   + ("the valid rows were imported" if result.written else "nothing was imported"), err=True)
        raise typer.Exit(code=1)
    typer.echo(f"imported: {result.changes} changes")


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
