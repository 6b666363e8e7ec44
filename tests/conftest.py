"""Shared fixtures: a migrated database on SQLite or PostgreSQL, and factories for people, organizations and
installations that go through the services (so audit and RLS apply as in the app)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy.engine import Engine

from core.settings import get_settings
from db.migrate import upgrade
from db.session import get_engine, make_engine

PG_ADMIN = os.environ.get("CBAM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch) -> Iterator[None]:
    """Every test gets its own data directory and fresh settings; nothing touches the project's data/."""
    monkeypatch.setenv("CBAM_DATA_DIR", str(tmp_path / "data"))
    for var in ("DATABASE_URL", "MIGRATION_DATABASE_URL", "CBAM_ALLOW_LOCAL_LOGIN", "CBAM_ENV", "CBAM_AUDIT_KEY",
                "CBAM_OPERATOR_ORG_ID",
                "CBAM_AUDIT_ANCHOR_DIR"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture
def sqlite_engine(tmp_path) -> Engine:
    url = f"sqlite:///{tmp_path / 'data' / 'cbam.db'}"
    upgrade(url)
    return make_engine(url)


class PgDatabase:
    """A fresh PostgreSQL database: `admin_url` owns it (migrations), `app_url` is the RLS-bound app role."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        self.app_url = f"postgresql+psycopg://cbam_app@127.0.0.1:5432/{name}"


@pytest.fixture
def pg_database() -> Iterator[PgDatabase]:
    """Needs the PostgreSQL server on 127.0.0.1:5432 (trust auth). It fails, never skips, when it is down."""
    name = f"cbam_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = PgDatabase(name)
    try:
        yield db
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def cluster_lock() -> Iterator[None]:
    """Serialises migrations across test processes sharing the server: the app role is cluster-wide, and two
    databases migrating at once can collide on it ("tuple concurrently updated"). One pytest run never needs it."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(7104)")
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(7104)")


@pytest.fixture
def pg_engine(pg_database) -> Iterator[Engine]:
    """A migrated PostgreSQL database; the engine connects as the app role."""
    with cluster_lock():
        upgrade(pg_database.admin_url)
    engine = make_engine(pg_database.app_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request) -> Engine:
    """Runs a test on both databases."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
