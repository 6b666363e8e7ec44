"""Dashboard filters and their form in the URL (`st.query_params`), so that a link shares the view."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from typing import Any

QUARTERS = (1, 2, 3, 4)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None  # a hand-edited link with a bad id shows everything rather than failing


def _int(value: Any, allowed=None) -> int | None:
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return None
    return n if allowed is None or n in allowed else None


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: None is "all"."""

    installation: uuid.UUID | None = None
    year: int | None = None
    quarter: int | None = None
    customer: uuid.UUID | None = None
    good: str | None = None  # a CN code

    def to_params(self) -> dict[str, str]:
        """Query-parameter form: only what is set, as strings."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Filters:
        """Read filters back from query parameters; anything malformed is dropped (shows "all")."""
        good = str(params.get("good") or "").replace(" ", "")
        return cls(installation=_uuid(params.get("installation")),
                   year=_int(params.get("year"), range(2000, 2101)) if params.get("year") else None,
                   quarter=_int(params.get("quarter"), QUARTERS) if params.get("quarter") else None,
                   customer=_uuid(params.get("customer")),
                   good=good if good.isascii() and good.isdigit() and len(good) in (8, 10) else None)
