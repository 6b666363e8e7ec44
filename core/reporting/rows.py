"""Saving an edited table in one go: every added, changed and deleted row through its own service call, all or
nothing. A refused row does not stop the others from being checked, so the person sees every problem at once."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from pydantic import ValidationError

from core.context import Context
from core.errors import DomainError, PermissionDenied, ValidationFailed

FieldErrors = dict[str, tuple[str, dict[str, object]]]


@dataclass(frozen=True, slots=True)
class RowChange:
    row: str  # how the page names the row ("3", "new 1"): errors come back under it
    kind: str  # "add" | "update" | "delete"
    run: Callable[[Context], object]  # the service call


class RowErrors(DomainError):
    """Some rows were refused; nothing of the table was saved. `errors`: row → {field: (key, params)}; an error of
    the row as a whole (a concurrent change, a row in use) sits under the field "".
    """

    def __init__(self, errors: dict[str, FieldErrors]) -> None:
        self.errors = errors
        super().__init__("entry.error_rows", count=len(errors))


def apply_row_changes(ctx: Context, changes: list[RowChange]) -> int:
    """Run the changes, deletes first (a new row may reuse a deleted row's code). Raises RowErrors if any row was
    refused; the caller's transaction then rolls back everything. Returns the number of rows saved.

    On PostgreSQL each row runs in a savepoint, so a refused row leaves the transaction usable. SQLite's driver
    would commit on releasing an outermost savepoint; there the services refuse before they write, which is
    enough."""
    errors: dict[str, FieldErrors] = {}
    order = {"delete": 0, "update": 1, "add": 2}
    savepoints = ctx.session.get_bind().dialect.name == "postgresql"
    for change in sorted(changes, key=lambda c: order[c.kind]):
        try:
            with ctx.session.begin_nested() if savepoints else nullcontext():
                change.run(ctx)
        except PermissionDenied:
            raise
        except ValidationFailed as exc:
            errors[change.row] = dict(exc.errors)
        except ValidationError as exc:  # a cell the data model cannot read (text in a number, an empty date)
            errors[change.row] = {".".join(str(p) for p in e["loc"]): (
                "validation.required" if e.get("input") is None else "entry.error_value", {})
                for e in exc.errors()}
        except DomainError as exc:
            errors[change.row] = {"": (exc.key, dict(exc.params))}
    if errors:
        raise RowErrors(errors)
    return len(changes)
