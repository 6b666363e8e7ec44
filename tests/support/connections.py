"""The test database's two connections, as the app and the `cbam` commands use them: the app as the RLS-bound role
and the operator (owner) connection, which sees every organization."""
from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from db.session import make_engine


def owner_engine(engine: Engine) -> Engine:
    """The database owner's connection: on PostgreSQL `postgres` (not bound by RLS), on SQLite the same file."""
    if engine.dialect.name == "postgresql":
        return make_engine(engine.url.set(username="postgres").render_as_string(hide_password=False))
    return engine


def point_commands_at(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the `cbam` commands and the operator session at the test database: on PostgreSQL `DATABASE_URL` is
    the app role's and `MIGRATION_DATABASE_URL` the owner's (on SQLite the engine fixture has set the file); the
    cached settings and engine are dropped so that they are read again."""
    from core.settings import get_settings
    from db.session import get_engine

    if engine.dialect.name == "postgresql":
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
        monkeypatch.setenv("MIGRATION_DATABASE_URL", engine.url.set(username="postgres")
                           .render_as_string(hide_password=False))
    get_settings.cache_clear()
    get_engine.cache_clear()
