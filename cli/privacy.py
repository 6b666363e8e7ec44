"""Privacy operations: export or erase a person's data (as a DPO, through the same services and permission as
the privacy center), and replay the erasure ledger after a database restore."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from core.errors import DomainError

privacy_app = typer.Typer(help="Data-subject rights: export, erasure, the erasure ledger.", no_args_is_help=True)


def _fail(err: DomainError) -> None:
    from core.i18n import t

    typer.echo(json.dumps({"error": {"key": err.key, "message": t(err.key, "en", **err.params)}},
                          ensure_ascii=False), err=True)
    raise typer.Exit(2)


@privacy_app.command("export")
def export_cmd(subject: str = typer.Argument(..., help="The person's e-mail."),
               actor: str = typer.Option(..., "--as", help="The acting DPO's e-mail."),
               out: Path = typer.Option(..., "-o", "--out", help="Where to write the zip.")) -> None:
    """Write everything kept about a person to a zip (JSON, CSV per table, files, manifest, dictionary)."""
    from core.clock import SystemClock
    from core.privacy.service import export_for, person_by_email
    from core.privacy.subject import operator_session

    try:
        with operator_session() as s:
            result = export_for(s, subject_email=subject, actor=person_by_email(s, actor), at=SystemClock().now())
    except DomainError as e:
        _fail(e)
        return
    out.write_bytes(result.data)
    typer.echo(f"{out}: {result.rows} rows, {result.files} files")


@privacy_app.command("erase")
def erase_cmd(subject: str = typer.Argument(..., help="The person's e-mail."),
              actor: str = typer.Option(..., "--as", help="The acting DPO's e-mail."),
              dry_run: bool = typer.Option(False, "--dry-run", help="Print the receipt; change nothing.")) -> None:
    """Erase a person; prints the receipt as JSON (deleted, retained with reason, files removed)."""
    from core.clock import SystemClock
    from core.privacy.service import erase_for, person_by_email
    from core.privacy.subject import operator_session

    try:
        with operator_session() as s:
            receipt = erase_for(s, subject_email=subject, actor=person_by_email(s, actor), at=SystemClock().now(),
                                dry_run=dry_run)
    except DomainError as e:
        _fail(e)
        return
    typer.echo(json.dumps(receipt.as_dict(), ensure_ascii=False, indent=1, sort_keys=True))


@privacy_app.command("replay-erasures")
def replay_cmd() -> None:
    """After a database restore: erase again everyone in the erasure ledger who came back."""
    from core.clock import SystemClock
    from core.privacy.erasure import replay_erasures
    from core.privacy.subject import operator_session

    try:
        with operator_session() as s:
            receipts = replay_erasures(s, actor=None, at=SystemClock().now())
    except DomainError as e:
        _fail(e)
        return
    typer.echo(json.dumps([r.as_dict() for r in receipts], ensure_ascii=False, indent=1, sort_keys=True))


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy")
