"""One migration history for both databases: upgrade, downgrade to nothing, upgrade again."""
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db.migrate import alembic_config, current, downgrade, upgrade

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _roundtrip(url):
    upgrade(url)
    assert current(url) == HEAD
    tables = set(inspect(create_engine(url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    downgrade(url, "base")
    assert set(inspect(create_engine(url)).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert current(url) == HEAD


def test_history_is_one_line_in_file_order():
    """Migrations form a single chain, each revising the one numbered before it, ending at the newest file."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    files = sorted(p.name.split("_")[0] for p in Path(script.versions).glob("0*.py"))
    assert chain == files
    assert HEAD == files[-1]


def test_sqlite_roundtrip(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'm.db'}")


def test_postgres_roundtrip(pg_database):
    _roundtrip(pg_database.admin_url)


def test_models_match_migrations(tmp_path):
    """The tables the code defines are exactly what the migrations build (no forgotten migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    with create_engine(url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
