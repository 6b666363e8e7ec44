"""Commands of the communication template (`cbam template export`, `cbam template import`)."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from core.cbam.errors import CbamError, ScenarioError
from core.errors import DomainError
from core.i18n import t

template_app = typer.Typer(help="The Commission's communication template for installations (v2.1.1).",
                           no_args_is_help=True)


def _fail(err: DomainError) -> None:
    out = {"error": {"key": err.key, "params": {k: str(v) for k, v in err.params.items()},
                     "message": t(err.key, "en", **err.params)}}
    typer.echo(json.dumps(out, ensure_ascii=False), err=True)
    raise typer.Exit(code=2)


@template_app.command("export")
def export_cmd(
    scenario: Path = typer.Argument(..., help="A cbam-scenario/1 JSON file."),
    out: Path = typer.Option(..., "-o", "--output", help="The .xlsx file to write."),
) -> None:
    """Write the official template v2.1.1 with its input cells filled from a scenario."""
    from core.exchange.template import export_template

    try:
        try:
            data = json.loads(scenario.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as e:
            raise ScenarioError("cbam.error.file_unreadable", "", file=str(scenario), reason=type(e).__name__) from None
        except json.JSONDecodeError as e:
            raise ScenarioError("cbam.error.invalid_json", "", file=str(scenario), line=e.lineno, column=e.colno) from None
        out.write_bytes(export_template(data))
    except (CbamError, DomainError) as e:
        _fail(e)
        return
    typer.echo(f"wrote {out}")


@template_app.command("import")
def import_cmd(
    workbook: Path = typer.Argument(..., help="A filled communication template (.xlsx)."),
    out: Path = typer.Option(..., "-o", "--output", help="The cbam-scenario/1 JSON file to write."),
) -> None:
    """Read a filled template (ours or a supplier's) back into the scenario format."""
    from core.exchange.template import import_template

    try:
        if not workbook.is_file():
            raise ScenarioError("cbam.error.file_unreadable", "", file=str(workbook), reason="FileNotFoundError")
        data = import_template(workbook)
    except DomainError as e:
        _fail(e)
        return
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
