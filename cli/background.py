"""One run at a time of a background command (core.background.lock), said the same way by every command."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer


@contextmanager
def one_run(lock: str, label: str, as_json: bool) -> Iterator[bool]:
    """Yields whether this process holds `lock` for the block; when another run holds it, says so (exit code 0:
    a scheduler that starts a run while the last one is still going has nothing to fix)."""
    from core.background.lock import exclusive

    with exclusive(lock) as acquired:
        if not acquired:
            typer.echo(json.dumps({"status": "already_running"}) if as_json
                       else f"{label}: another run is already running; nothing done")
        yield acquired
