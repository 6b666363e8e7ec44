"""Review workflow commands (`cbam period submit`, `cbam period approve`), as a named member (`--as EMAIL`),
permission-checked and audited as that person like the buttons of the Reporting page. A refusal for blocking
data-quality findings lists each finding with the field and the entry page where it is fixed."""
from __future__ import annotations

import uuid

import typer

from core.errors import DomainError
from core.i18n import t

period_app = typer.Typer(help="Submit or approve a reporting period.", no_args_is_help=True)
ORG = typer.Option(..., "--org", help="The organization: its id, or its English or Chinese name.")
AS = typer.Option(..., "--as", help="Email of the acting member; their role decides what is allowed.")


def _run(step: str, org: str, as_email: str, period: str | None) -> None:
    from cli.data_import import _resolve
    from core.approval import BlockingFindings
    from core.context import Context
    from core.organizations import role_in
    from core.reporting import approve_period, get_period, submit_period
    from core.reporting.fields import locate_field
    from db.models import User
    from db.session import Scope, get_engine, scoped_session

    try:
        person, org_id, period_id = _resolve(org, as_email, period)
        scope = Scope(user_id=person.id, org_id=org_id, email=person.email, issuer=person.issuer,
                      subject=person.subject)
        with scoped_session(scope, get_engine()) as session:
            user = session.get(User, person.id)
            ctx = Context(session=session, user=user, org_id=org_id, role=role_in(session, user, org_id))
            fn = submit_period if step == "submit" else approve_period
            try:
                p = fn(ctx, period_id=period_id, expected_version=get_period(ctx, period_id=period_id).version)
            except BlockingFindings as refused:
                lines = []
                for f in refused.findings:
                    target = locate_field(ctx, period_id=period_id, path=f.path)
                    where = f" ({t('page.' + target.page, 'en')})" if target else ""
                    lines.append(f"  {f.rule} {f.path}{where}: {t(f.key, 'en', **f.params)}")
                raise _Listed(refused, lines) from None
    except _Listed as e:
        typer.echo(f"error: {t(e.error.key, 'en', **e.error.params)} [{e.error.key}]", err=True)
        for line in e.lines:
            typer.echo(line, err=True)
        raise typer.Exit(code=2) from None
    except DomainError as e:
        typer.echo(f"error: {t(e.key, 'en', **e.params)} [{e.key}]", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"{p.id} {p.year} v{p.version_no}: {p.status}")


class _Listed(Exception):
    def __init__(self, error: DomainError, lines: list[str]) -> None:
        super().__init__(error.key)
        self.error, self.lines = error, lines


@period_app.command("submit")
def submit_cmd(org: str = ORG, as_email: str = AS,
               period: str = typer.Option(None, "--period", help="Period id; default: the only editable one.")) -> None:
    """Hand a period in for review (refused while it has blocking data-quality findings)."""
    _run("submit", org, as_email, period)


@period_app.command("approve")
def approve_cmd(org: str = ORG, as_email: str = AS,
                period: uuid.UUID = typer.Option(..., "--period", help="Period id.")) -> None:
    """Approve and freeze a submitted period (refused to its submitter under four-eyes approval, and while it has
    blocking data-quality findings)."""
    _run("approve", org, as_email, str(period))


def register(app: typer.Typer) -> None:
    app.add_typer(period_app, name="period")
