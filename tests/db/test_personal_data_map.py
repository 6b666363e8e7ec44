"""Every column of every table carries a personal-data category, so access, erasure and retention can be
driven from one map; a table that refers to a person must say which columns hold what."""
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db.personal_data import PersonalData, personal_data_map


def test_every_column_is_tagged_with_a_known_category():
    known = {c.value for c in PersonalData}
    untagged = [f"{t}.{c}" for t, cols in personal_data_map(SQLModel.metadata).items()
                for c, cat in cols.items() if cat not in known]
    assert untagged == []


def test_columns_that_identify_people_are_not_marked_none():
    pd_map = personal_data_map(SQLModel.metadata)
    for table in SQLModel.metadata.sorted_tables:
        for col in table.columns:
            refers_to_person = any(fk.column.table.name == "app_user" for fk in col.foreign_keys)
            if refers_to_person or col.name in {"email", "phone", "name", "invited_email", "actor_id"}:
                if table.name in {"installation", "organization", "customer", "production_process",
                                  "source_stream"} and col.name == "name":
                    continue  # a plant's, a company's (an EU importer's), a process's or a fuel's name, not a person's
                assert pd_map[table.name][col.name] != PersonalData.NONE, f"{table.name}.{col.name}"
