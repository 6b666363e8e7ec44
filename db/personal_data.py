"""The personal-data map: every column is tagged with what kind of data it holds.

Access exports, erasure and retention are driven from this one map (see `core/privacy` in later work), so a
column that holds personal data cannot be forgotten: a test fails on any untagged column.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any


class PersonalData(StrEnum):
    NONE = "none"                 # not personal data (organization facts, emissions, keys)
    IDENTIFIER = "identifier"     # links a row to a person: user ids, actor ids, login subject
    IDENTITY = "identity"         # name
    CONTACT = "contact"           # email, phone, business address of a person
    ACCOUNT = "account"           # preferences, status, login issuer
    CONSENT = "consent"           # what a person agreed to and when
    ACTIVITY = "activity"         # what a person did (audit before/after may contain personal data)


INFO_KEY = "personal_data"


def tag(category: PersonalData) -> dict[str, Any]:
    """`sa_column_kwargs` that tag a SQLModel field."""
    return {"info": {INFO_KEY: category.value}}


def info(category: PersonalData) -> dict[str, Any]:
    """`info=` for a hand-built sqlalchemy Column."""
    return {INFO_KEY: category.value}


def personal_data_map(metadata) -> dict[str, dict[str, str | None]]:
    """table → column → category (None when untagged)."""
    return {
        table.name: {col.name: col.info.get(INFO_KEY) for col in table.columns}
        for table in metadata.sorted_tables
    }


# Tables whose rows are records about one person's activity, kept for a limited time (days) by the retention engine;
# the privacy policy names AI interactions with one year.
RETENTION_DAYS: dict[str, int] = {
    "assistant_interaction": 365,
}
