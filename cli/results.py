"""`cbam results warm [--org ORG_ID] [--json]`: compute and keep every period's results (core.dashboards.warm), so
that the first dashboard or portfolio look after a start, on any machine, is fast. For a scheduler (every 10 min).

It acts as the operator, on the owner connection (MIGRATION_DATABASE_URL, else DATABASE_URL), one organization at a
time in a session scoped to it. One run at a time across machines (core.background.lock): a second run started while
one is in progress says so and exits 0 without doing anything."""
from __future__ import annotations

import json
import uuid

import typer

results_app = typer.Typer(help="The engine's results per period, kept in the database.", no_args_is_help=True)
LOCK = "results-warm"


@results_app.command("warm")
def warm_cmd(org: str | None = typer.Option(None, "--org", metavar="ORG_ID", help="Only this organization."),
             as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON.")) -> None:
    """Compute and keep the results of every period (of one organization, or all) not kept yet."""
    from cli.background import one_run
    from core.dashboards.warm import warm
    from core.settings import get_settings
    from db.session import make_engine

    org_id = None
    if org:
        try:
            org_id = uuid.UUID(org)
        except ValueError:
            typer.echo(json.dumps({"error": {"key": "results.error.bad_org", "value": org}}), err=True)
            raise typer.Exit(2) from None
    with one_run(LOCK, "results warm", as_json) as acquired:
        if not acquired:
            return

        def progress(done: int, total: int, o, periods: int) -> None:
            if not as_json:
                typer.echo(f"  [{done}/{total}] {o.name_en or o.name_zh}: {periods} periods", err=True)

        engine = make_engine(get_settings().effective_migration_url)
        try:
            result = warm(engine, org_id=org_id, progress=progress)
        finally:
            engine.dispose()
    data = {"status": "failed" if result.failed else "ok", **result.as_dict()}
    if as_json:
        typer.echo(json.dumps(data, sort_keys=True))
    else:
        typer.echo(f"results warm: {result.organizations} organizations, {result.periods} periods; "
                   f"{result.computed} results computed, {result.kept} already kept, {result.deleted} old rows deleted")
        for f in result.failed:
            typer.echo(f"  failed: organization {f}")
    if result.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(results_app, name="results")
