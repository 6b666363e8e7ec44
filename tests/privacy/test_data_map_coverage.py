"""The coverage gate: the live schema (as migrated, on SQLite and PostgreSQL) against the personal-data map. A
column that holds personal data and is missing from the map, or has no export and erasure action (or no reason
for keeping it), fails the build; so does a live column the models do not know (it cannot be tagged)."""
from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

from core.privacy.datamap import DELETE, ERASURE_ACTIONS, INCLUDE, data_map
from db.personal_data import INFO_KEY, PersonalData

SKIP_TABLES = {"alembic_version"}


def _live_columns(engine) -> dict[str, set[str]]:
    insp = inspect(engine)
    return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names() if t not in SKIP_TABLES}


def test_every_personal_data_column_in_the_live_schema_has_export_and_erasure(engine):
    import db.models  # noqa: F401

    meta = SQLModel.metadata.tables
    entries = {(e.table, e.column): e for e in data_map()}
    problems = []
    for table, columns in sorted(_live_columns(engine).items()):
        for column in sorted(columns):
            model_table = meta.get(table)
            if model_table is None or column not in model_table.c:
                problems.append(f"{table}.{column}: in the database but not in the models (untagged)")
                continue
            category = model_table.c[column].info.get(INFO_KEY)
            if category in (None, PersonalData.NONE.value):
                continue
            entry = entries.get((table, column))
            if entry is None:
                problems.append(f"{table}.{column}: personal data ({category}) missing from the data map")
            elif not entry.complete:
                problems.append(f"{table}.{column}: export={entry.export} erasure={entry.erasure} "
                                f"reason={entry.reason!r}")
    assert problems == []


def test_the_map_names_only_live_columns_and_documents_every_kept_value(engine):
    live = _live_columns(engine)
    for e in data_map():
        assert e.column in live.get(e.table, set()), f"{e.table}.{e.column}"
        assert e.export == INCLUDE and e.erasure in ERASURE_ACTIONS
        assert e.erasure == DELETE or e.reason, f"{e.table}.{e.column} kept without a reason"
        assert e.purpose and e.legal_basis and e.retention


def test_a_new_untagged_personal_column_would_fail_the_gate():
    """The gate is not vacuous: a personal-data column with no rule comes out incomplete."""
    from sqlalchemy import Column, MetaData, String, Table

    from db.personal_data import info

    md = MetaData()
    Table("new_table", md, Column("contact_phone", String, info=info(PersonalData.CONTACT)))
    (entry,) = data_map(md)
    assert not entry.complete
