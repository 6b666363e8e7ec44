"""Alembic environment: runs on SQLite (batch mode for table changes) and PostgreSQL."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata
# PostgreSQL: app servers starting together (several containers, several machines) each run `cbam db upgrade`; the
# first to take this transaction lock migrates, the others wait for its commit and then find the schema current.
MIGRATION_LOCK = 7_105_001


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `cbam db upgrade`")
run_migrations_online()
