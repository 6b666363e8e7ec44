"""`cbam privacy records -o FILE.xlsx|FILE.csv`: the records of processing (every purpose of the data map and every
registered processor), generated as the privacy center's download is, on the operator connection."""
from __future__ import annotations

import json
from pathlib import Path

import typer


def records_cmd(out: Path = typer.Option(..., "-o", "--out", help="Where to write: a .xlsx or a .csv file."),
                lang: str = typer.Option("zh", "--lang", help="zh or en.")) -> None:
    """Write the records of processing (GDPR Art 30; PIPL Art 55-56) as XLSX or CSV."""
    from core.clock import SystemClock
    from core.privacy.registers import records
    from core.privacy.requests import local_day
    from core.privacy.subject import operator_session

    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv") or lang not in ("zh", "en"):
        typer.echo(json.dumps({"error": {"key": "privacy.records.bad_output",
                                         "message": "the file must end in .xlsx or .csv; --lang zh or en"}},
                              ensure_ascii=False), err=True)
        raise typer.Exit(2)
    with operator_session() as s:
        built = records.build(s, lang, local_day(SystemClock().now()))
    out.write_bytes(records.to_xlsx(built) if suffix == ".xlsx" else records.to_csv(built))
    typer.echo(json.dumps({"file": str(out), "rows": len(built.rows), "lang": lang}, ensure_ascii=False))


def register(app: typer.Typer) -> None:  # noqa: ARG001  (the command joins the `privacy` group)
    from cli.privacy import privacy_app

    privacy_app.command("records")(records_cmd)
