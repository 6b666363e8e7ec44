"""Administration commands: database, demo data, audit."""
from __future__ import annotations

import typer

from core.settings import get_settings

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data for the local login.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations (SQLite file under data/, or PostgreSQL via MIGRATION_DATABASE_URL / DATABASE_URL)."""
    from db.migrate import current, upgrade

    upgrade(revision=revision)
    typer.echo(f"database at revision {current()}")


@demo_app.command("seed")
def demo_seed(
    scale: str = typer.Option("", help="'consultant': 50 organizations, 500 installations, 200,000 shipments, "
                                       "1,000,000 audit events, the demo consultant a member of all 50."),
    scale_factor: float = typer.Option(1.0, help="With --scale: multiply every count (e.g. 0.1 for a quick run)."),
) -> None:
    """Create the demo organizations and one demo person per role (idempotent)."""
    from core.demo import seed_demo
    from db.session import get_engine, make_engine

    settings = get_settings()
    if scale:
        from core.demo.scale import CONSULTANT_SCALE, seed_scale

        if scale != "consultant":
            raise typer.BadParameter("the only scale is 'consultant'", param_hint="--scale")
        if scale_factor <= 0:
            raise typer.BadParameter("must be positive", param_hint="--scale-factor")
        # bulk rows of 50 organizations at once: the owner connection (on PostgreSQL the app role sees one at a time)
        created = seed_scale(make_engine(settings.effective_migration_url), policy_version=settings.privacy_policy_version,
                             size=CONSULTANT_SCALE.scaled(scale_factor), progress=typer.echo)
        typer.echo("consultant-scale organizations created" if created else "consultant-scale organizations already present")
        return
    created = seed_demo(get_engine(), policy_version=settings.privacy_policy_version)
    typer.echo("demo organizations created" if created else "demo organizations already present")


@audit_app.command("verify")
def audit_verify(chain: str = typer.Option(None, help="Only this chain, e.g. org:<uuid>.")) -> None:
    """Walk every hash chain and report the first broken link (exit code 1 when broken), comparing each chain
    with its head anchored by `cbam audit anchor`."""
    from core.audit import verify
    from db.session import Scope, make_engine, scoped_session

    # The owner connection reads every organization's chain (on PostgreSQL the app role sees one at a time).
    with scoped_session(Scope(), make_engine(get_settings().effective_migration_url)) as session:
        result = verify(session, chain)
    if result.ok:
        typer.echo(f"OK: {result.checked} events in {result.chains} chains, every link intact")
        return
    _report_broken(result)


def _report_broken(result) -> None:  # noqa: ANN001
    typer.echo(f"BROKEN: chain {result.broken_chain}, event #{result.broken_seq} (id {result.broken_id}): "
               f"{result.reason}; {result.checked} events checked", err=True)
    raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Verify every chain, then write each chain's head (chain, seq, hash) outside the database, to
    CBAM_AUDIT_ANCHOR_DIR (default CBAM_DATA_DIR/audit-anchors). Nothing is written when a chain is broken."""
    from core.audit.anchors import anchors_path, write_anchors
    from core.clock import SystemClock
    from db.session import Scope, make_engine, scoped_session

    with scoped_session(Scope(), make_engine(get_settings().effective_migration_url)) as session:
        result, anchored = write_anchors(session, at=SystemClock().now())
    if not result.ok:
        _report_broken(result)
    typer.echo(f"ANCHORED: {anchored} chains ({result.checked} events verified) in {anchors_path()}")


def register(app: typer.Typer) -> None:
    """Attach the admin commands to the main app."""
    app.add_typer(db_app, name="db")
    app.add_typer(demo_app, name="demo")
    app.add_typer(audit_app, name="audit")
