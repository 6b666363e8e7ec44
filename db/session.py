"""Engines and sessions. A session knows who acts for which organization; on PostgreSQL that is set per
transaction (`set_config(..., true)`) so row-level security scopes every statement."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from core.settings import get_settings


@dataclass(frozen=True)
class Scope:
    """Whom a session acts for. `org_id` None: no organization selected (login, onboarding, profile)."""

    user_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    email: str | None = None
    issuer: str | None = None
    subject: str | None = None
    # the SHA-256 of an invitation link's token: lets a person who is not a member yet read that one invitation
    invite_hash: str | None = None


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # Behind Supabase's transaction pooler psycopg must not use server-side prepared statements.
    kwargs.setdefault("connect_args", {"prepare_threshold": None})
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or get_settings().effective_database_url)


_SETTINGS = {
    "app.user_id": "user_id",
    "app.org_id": "org_id",
    "app.email": "email",
    "app.issuer": "issuer",
    "app.subject": "subject",
    "app.invite_hash": "invite_hash",
}


_SET_SCOPE = text("SELECT " + ", ".join(f"set_config('{k}', :v{n}, true)" for n, k in enumerate(_SETTINGS)))


@lru_cache(maxsize=8)
def row_security_role(url: str) -> str | None:
    """The role a PostgreSQL connection acts as when row-level security binds it (neither superuser nor
    BYPASSRLS), else None (such a role, or SQLite). An operator command on such a connection sees no organization
    (every tenant table forces the policies) and would do nothing while reporting success. Asked once per process
    and connection string (the app opens operator sessions often; a role's attributes are set by an administrator,
    not changed under a running app)."""
    if url.startswith("sqlite"):
        return None
    from sqlalchemy import pool

    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            role, free = conn.execute(text("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles "
                                           "WHERE rolname = current_user")).one()
    finally:
        engine.dispose()
    return None if free else str(role)


def _apply_scope(connection, scope: Scope) -> None:  # noqa: ANN001
    """One statement per transaction (not one per setting): a page that reads many organizations pays it each time."""
    values = {}
    for n, attr in enumerate(_SETTINGS.values()):
        value = getattr(scope, attr)
        if attr == "email" and value:
            value = value.lower()
        values[f"v{n}"] = "" if value is None else str(value)
    connection.execute(_SET_SCOPE, values)


@event.listens_for(Session, "after_begin")
def _set_scope(session: Session, _transaction, connection) -> None:  # noqa: ANN001
    scope: Scope | None = session.info.get("scope")
    if scope is not None and connection.dialect.name == "postgresql":
        _apply_scope(connection, scope)


@contextmanager
def scoped_session(scope: Scope, engine: Engine | None = None) -> Iterator[Session]:
    """A session whose every transaction runs as `scope`. Commits on success, rolls back on error."""
    session = Session(engine or get_engine(), expire_on_commit=False)
    session.info["scope"] = scope
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def rescope(session: Session, scope: Scope) -> None:
    """Change whom the session acts for; applies from the next transaction (commit first)."""
    session.info["scope"] = scope
    if session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        _apply_scope(session.connection(), scope)
