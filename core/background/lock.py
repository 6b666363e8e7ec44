"""One run at a time of a background command, across processes and machines.

PostgreSQL: a session advisory lock (`pg_try_advisory_lock(hashtext(name))`) on a connection of its own, held for
the whole run; it is released when the run ends or when the connection dies (a killed process frees it).
SQLite (one machine by nature): an exclusive `fcntl` lock on a file under the data directory.

    with exclusive("results-warm") as acquired:
        if not acquired:
            ...  # another run is in progress: do nothing
"""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import pool, text

PREFIX = "cbam:"  # keeps the names apart from other users of advisory locks on the same database


@contextmanager
def exclusive(name: str, url: str | None = None) -> Iterator[bool]:
    """Yields True when this process holds the lock named `name` for the block, False when another holds it (the
    block should then do nothing). `url`: the database (default: the migration/owner connection's)."""
    from core.settings import get_settings

    settings = get_settings()
    url = url or settings.effective_migration_url
    if url.startswith("sqlite"):
        folder = settings.data_dir / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{name}.lock", "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return
    from db.session import make_engine

    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(hashtext(:n))"), {"n": PREFIX + name}).scalar())
            conn.commit()  # the lock belongs to the session, not the transaction: the connection idles holding it
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(hashtext(:n))"), {"n": PREFIX + name})
                    conn.commit()
    finally:
        engine.dispose()
