"""Commands of the calculation engine (`cbam evaluate`, reference data)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from core.cbam.errors import CbamError, ScenarioError
from core.cbam.messages import render
from core.errors import DomainError


def _fail(err: DomainError) -> None:
    out = {"error": {"key": err.key, "params": {k: str(v) for k, v in err.params.items()}, "message": render(err.key, err.params)}}
    typer.echo(json.dumps(out, ensure_ascii=False), err=True)
    raise typer.Exit(code=2)


def evaluate_cmd(
    file: Path = typer.Argument(..., help="A cbam-scenario/1 JSON file."),
    explain: bool = typer.Option(True, "--explain/--no-explain", help="Include the terms behind every number."),
) -> None:
    """Evaluate a scenario: SEE per process and certificates and cost per import line, as JSON."""
    from core.cbam.engine import evaluate_data, evaluate_source_streams
    from core.cbam.reference import load_reference

    try:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as e:
            raise ScenarioError("cbam.error.file_unreadable", "", file=str(file), reason=type(e).__name__) from None
        except json.JSONDecodeError as e:
            raise ScenarioError("cbam.error.invalid_json", "", file=str(file), line=e.lineno, column=e.colno) from None
        if isinstance(data, dict) and data.get("format") == "cbam-source-streams/1":
            out = evaluate_source_streams(data, load_reference())
        else:
            out = evaluate_data(data).to_dict(explain=explain)
    except CbamError as e:
        _fail(e)
        return
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")


reference_app = typer.Typer(help="Reference data: default values and benchmarks as named versions.", no_args_is_help=True)


def _load(kind: str, file: Path, version: str, activate: bool) -> None:
    from core.cbam.reference import install_table

    try:
        v = install_table(kind, file, version, activate=activate)
    except CbamError as e:
        _fail(e)
        return
    typer.echo(f"loaded {v.kind} version {v.name} from {v.source_file} (sha256 {v.sha256})" + (" — active" if v.active else ""))


@reference_app.command("load-defaults")
def load_defaults(
    file: Path = typer.Argument(..., help="Default-value table (CSV, ';'-separated, as published)."),
    version: str = typer.Option(..., "--version", help="Name of the new version, e.g. 2026-07."),
    activate: bool = typer.Option(False, "--activate", help="Use this version when a scenario names none."),
) -> None:
    """Load a newer default-value table as a new version (into $CBAM_DATA_DIR, default data/reference/)."""
    _load("default_values", file, version, activate)


@reference_app.command("load-benchmarks")
def load_benchmarks(
    file: Path = typer.Argument(..., help="Column B benchmark table (CSV, ';'-separated, decimal comma)."),
    version: str = typer.Option(..., "--version", help="Name of the new version."),
    activate: bool = typer.Option(False, "--activate", help="Use this version when a scenario names none."),
) -> None:
    """Load a newer benchmark table as a new version."""
    _load("benchmarks", file, version, activate)


@reference_app.command("list")
def list_cmd() -> None:
    """List the reference-data versions: shipped and loaded, and which is active."""
    from core.cbam.reference import list_versions

    for v in list_versions():
        mark = "*" if v.active else " "
        typer.echo(f"{mark} {v.kind:15} {v.name:20} {v.origin:8} {v.source_file}  sha256:{v.sha256[:16]}  {v.loaded_at or ''}")


@reference_app.command("set-price")
def set_price(
    period: str = typer.Argument(..., help="Quarter of importation, e.g. 2026-Q2."),
    price: str = typer.Argument(..., help="Published certificate price in EUR, e.g. 72.50."),
) -> None:
    """Record a published CBAM certificate price for a quarter (editable data, not a constant)."""
    from core.cbam.reference import set_certificate_price

    try:
        value = set_certificate_price(period, price)
    except CbamError as e:
        _fail(e)
        return
    typer.echo(f"certificate price {period}: EUR {value}")


def register(app: typer.Typer) -> None:
    """Attach the engine's commands to the main app."""
    app.command("evaluate")(evaluate_cmd)
    app.add_typer(reference_app, name="reference")
