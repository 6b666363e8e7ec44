"""`cbam retention run [--dry-run] [--now YYYY-MM-DD] [--json]`: the retention engine for a scheduler (daily).

The command acts as the operator: it runs on the owner connection (core.privacy.subject.operator_session), because
the schedule covers every organization and rewrites the audit log, which the app role may only append to. The exit
code is 0 when every batch succeeded, 1 when one failed (the run log and the alert say which; nothing of a failed
batch was changed). One run at a time across machines (core.background.lock): a second run started while one is in
progress says so and exits 0 without doing anything."""
from __future__ import annotations

import json
from datetime import date

import typer

LOCK = "retention-run"
retention_app = typer.Typer(help="The retention schedule: deletion and pseudonymisation when periods end.",
                            no_args_is_help=True)


@retention_app.command("run")
def run_cmd(dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be done; change nothing."),
            now: str | None = typer.Option(None, "--now", metavar="YYYY-MM-DD",
                                           help="Apply the schedule as of this day (default: today, China time)."),
            as_json: bool = typer.Option(False, "--json", help="Print the run as JSON (per table: deleted, "
                                                                "pseudonymised, held).")) -> None:
    """Apply the retention schedule once; every run (and dry run) is written to the run log."""
    from cli.background import one_run
    from core.clock import SystemClock
    from core.privacy.requests import local_day
    from core.privacy.subject import operator_session
    from core.retention.engine import run
    from core.retention.schedule import start_of

    if now:
        try:
            today = date.fromisoformat(now)
        except ValueError:
            typer.echo(json.dumps({"error": {"key": "retention.error.bad_date", "value": now}}, ensure_ascii=False),
                       err=True)
            raise typer.Exit(2) from None
        at = start_of(today)
    else:
        at = SystemClock().now()
        today = local_day(at)
    with one_run(LOCK, "retention", as_json) as acquired:  # one run at a time, across machines
        if not acquired:
            return
        with operator_session() as s:
            result = run(s, today=today, at=at, dry_run=dry_run)
    data = result.as_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    else:
        typer.echo(f"retention {'dry run' if dry_run else 'run'} as of {today.isoformat()}: {result.status}, "
                   f"{result.duration_ms} ms")
        for table, c in data["tables"].items():
            typer.echo(f"  {table}: deleted {c['deleted']}, pseudonymised {c['pseudonymised']}, held {c['held']}")
        for e in result.errors:
            typer.echo(f"  error: {e['rule']}: {e['error']}")
    if result.errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
