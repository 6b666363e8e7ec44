"""`cbam privacy access-log verify`: check every organization's personal-data access chain (the operator's
check, on the owner connection); `cbam privacy minors-expire`: the daily run that erases people reported as
possibly under 18 who did not prove their age in time (core.privacy.minors)."""
from __future__ import annotations

import json

import typer

access_app = typer.Typer(help="The personal-data access log: who viewed or exported whose data.",
                         no_args_is_help=True)


@access_app.command("verify")
def verify_cmd() -> None:
    """Verify every organization's access chain; exit code 1 naming the first changed row of a broken chain."""
    from core.privacy.access_log import verify_all
    from core.privacy.subject import operator_session

    with operator_session() as s:
        results = verify_all(s)
    out = {chain: {"ok": r.ok, "checked": r.checked, "broken_seq": r.broken_seq,
                   "broken_id": str(r.broken_id) if r.broken_id else None, "reason": r.reason}
           for chain, r in results.items()}
    typer.echo(json.dumps({"ok": all(r.ok for r in results.values()), "chains": out}, ensure_ascii=False,
                          indent=1, sort_keys=True))
    if not all(r.ok for r in results.values()):
        raise typer.Exit(1)


def minors_expire_cmd() -> None:
    """Erase everyone reported as possibly under 18 whose proof of age is overdue; prints the reports' ids."""
    from core.clock import SystemClock
    from core.privacy.minors import expire_unanswered
    from core.privacy.subject import operator_session

    with operator_session() as s:
        done = expire_unanswered(s, at=SystemClock().now())
    typer.echo(json.dumps({"erased_reports": [str(i) for i in done]}, ensure_ascii=False))


def register(app: typer.Typer) -> None:  # noqa: ARG001  (the commands live under `cbam privacy`)
    from cli.privacy import privacy_app

    privacy_app.add_typer(access_app, name="access-log")
    privacy_app.command("minors-expire")(minors_expire_cmd)
