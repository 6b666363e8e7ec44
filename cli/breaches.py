"""`cbam privacy breaches [--json]`: the breach register's obligations still owed, earliest due first (the operator's
view on the owner connection; recording and marking notices done is the DPO's, in the privacy center)."""
from __future__ import annotations

import json

import typer


def breaches_cmd(as_json: bool = typer.Option(False, "--json", help="JSON output.")) -> None:
    """List the breach notices still owed (authorities, people, controllers), earliest due first."""
    from core.clock import SystemClock
    from core.privacy.breaches.service import open_obligations
    from core.privacy.subject import operator_session

    with operator_session() as s:
        rows = open_obligations(s, now=SystemClock().now())
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        typer.echo("no breach notice is owed")
        return
    for r in rows:
        target = f" ({r['target']})" if r["target"] else ""
        typer.echo(f"{r['breach']}  {r['obligation']}{target}  due {r['due_at']}  {r['status']}  {r['left']}")
    overdue = sum(r["status"] == "overdue" for r in rows)
    if overdue:
        raise typer.Exit(1)  # something is overdue: a monitoring job notices


def register(app: typer.Typer) -> None:
    """Attach `breaches` to the `privacy` group (cli/privacy.py)."""
    from cli.privacy import privacy_app

    privacy_app.command("breaches")(breaches_cmd)
