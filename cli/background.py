"""One run at a time of a background command (core.background.lock), said the same way by every command."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from core.i18n import t


@contextmanager
def one_run(lock: str, label: str, as_json: bool) -> Iterator[bool]:
    """Yields whether this process holds `lock` for the block; when another run holds it, says so (exit code 0:
    a scheduler that starts a run while the last one is still going has nothing to fix). An owner connection that
    row-level security binds is refused first (exit code 2): it would see no organization and report success."""
    from core.background import owner_url
    from core.background.lock import exclusive
    from core.errors import DomainError

    try:
        owner_url()
    except DomainError as exc:
        typer.echo(json.dumps({"error": {"key": exc.key, **exc.params}}) if as_json
                   else f"{label}: {t(exc.key, 'en', **exc.params)}", err=True)
        raise typer.Exit(2) from None
    with exclusive(lock) as acquired:
        if not acquired:
            typer.echo(json.dumps({"status": "already_running"}) if as_json
                       else f"{label}: another run is already running; nothing done")
        yield acquired
