"""One input-cleaning rule for every text the platform stores: input is refused or saved exactly as typed.

Control characters are never stripped silently: a NUL, another C0 control (tab and newline only where the field
is multi-line), a C1 control or a lone surrogate is refused with the field's name and the character's position,
so the person can see and fix it. Every text has a maximum length: the column's own, narrowed where a standard
sets a smaller one (an e-mail address), and a bound for unbounded text columns (comments, notes), so a 10 MB
comment never reaches the database (PostgreSQL would refuse the NUL and the overlong value with a crash).
"""
from __future__ import annotations

import re
from typing import Any

from core.errors import ValidationFailed

Error = tuple[str, dict[str, object]] | None

# RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets, so an address 254.
EMAIL_MAX = 254
# the shape every stored e-mail address must have, matched against the whole value (fullmatch)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NAME_MAX = 200
# comments, notes, request subjects and other free text without a column length
NOTE_MAX = 5000
# an imported cell before it reaches a field (the field's own limit applies when it is saved)
CELL_MAX = 5000

# fields in which a person may type several lines (a tab or a line break is text there, not a control)
MULTILINE_FIELDS = frozenset({"text", "subject", "address", "reason", "justification", "comment", "comments",
                              "note", "notes", "description", "message", "economic_activity"})
# columns that hold machine-made content, never typed (canonical JSON of a frozen period): not limited here
MACHINE_COLUMNS = frozenset({("period_snapshot", "content")})


def _is_email_field(field: str) -> bool:
    return field == "email" or field.endswith("_email")


def limit_for(field: str, column_length: int | None = None) -> int:
    """The maximum length of `field`: its column's length (else 200 for a name, 5,000 for other text), narrowed
    by the standard for e-mail addresses."""
    if column_length:
        limit = column_length
    else:
        limit = NAME_MAX if field == "name" or field.endswith("_name") else NOTE_MAX
    if _is_email_field(field):
        limit = min(limit, EMAIL_MAX)
    return limit


# C0 (0–31), DEL and C1 (127–159), lone surrogates (Python keeps them from a bad decode), and the two
# noncharacters XML cannot carry either; a multi-line value may hold tabs and line breaks. One regular expression
# scans in C (an import checks millions of cells).
_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BAD_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def bad_character(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first character that may not be stored: (1-based position, "U+XXXX"), or None."""
    found = (_BAD_MULTILINE if multiline else _BAD).search(value)
    return None if found is None else (found.start() + 1, f"U+{ord(found.group()):04X}")


def text_problem(value: Any, *, field: str = "", max_length: int | None = None,
                 multiline: bool | None = None) -> Error:
    """Why `value` may not be stored in `field` (key, params), or None. Non-strings are not this rule's concern."""
    if not isinstance(value, str):
        return None
    if multiline is None:
        multiline = field in MULTILINE_FIELDS
    limit = max_length or limit_for(field)
    # the length first: a 10 MB value is refused without scanning it character by character
    if len(value) > limit:
        return ("validation.text_too_long", {"length": len(value), "limit": limit})
    bad = bad_character(value, multiline=multiline)
    if bad is not None:
        return ("validation.text_control", {"position": bad[0], "char": bad[1]})
    return None


def require_clean(**fields: Any) -> None:
    """Refuse (ValidationFailed naming each field) any of `fields` that breaks the rule; limits by field name."""
    errors = {name: err for name, value in fields.items() if (err := text_problem(value, field=name))}
    if errors:
        raise ValidationFailed(errors)


def _column_length(column) -> int | None:
    return getattr(column.type, "length", None)


def record_problems(obj: Any, only: set[str] | None = None) -> dict[str, tuple[str, dict[str, object]]]:
    """The text problems of a table row: every string column checked against its own length."""
    table = getattr(obj, "__table__", None)
    if table is None:
        return {}
    errors = {}
    for column in table.columns:
        name = column.key
        if only is not None and name not in only:
            continue
        if (table.name, name) in MACHINE_COLUMNS:
            continue
        value = getattr(obj, name, None)
        if not isinstance(value, str):
            continue
        err = text_problem(value, field=name, max_length=limit_for(name, _column_length(column)))
        if err:
            errors[name] = err
    return errors


def check_record(obj: Any, only: set[str] | None = None) -> None:
    """Refuse a row whose text breaks the rule (before anything is written)."""
    errors = record_problems(obj, only)
    if errors:
        raise ValidationFailed(errors)


_TEXT_LIMITS: dict[Any, dict[str, int]] = {}


def _text_limits(table) -> dict[str, int]:
    """Column name → the length limit of its text, for the columns of `table` this rule checks (read once per
    table: an import checks 200,000 rows)."""
    limits = _TEXT_LIMITS.get(table)
    if limits is None:
        limits = _TEXT_LIMITS[table] = {
            c.key: limit_for(c.key, _column_length(c)) for c in table.columns
            if (table.name, c.key) not in MACHINE_COLUMNS}
    return limits


def check_changes(model: type, changes: dict[str, Any]) -> None:
    """Refuse an update whose new text values break the rule."""
    table = getattr(model, "__table__", None)
    if table is None:
        return
    limits = _text_limits(table)
    errors = {}
    for name, value in changes.items():
        if not isinstance(value, str) or name not in limits:
            continue
        err = text_problem(value, field=name, max_length=limits[name])
        if err:
            errors[name] = err
    if errors:
        raise ValidationFailed(errors)


def cell_problem(value: Any, cell: str, *, max_length: int = CELL_MAX) -> Error:
    """Why an imported cell's text may not be taken (naming the cell), or None. A workbook's `_x0000_` escape
    arrives here as a NUL: refused, never stripped. Cells may hold line breaks (wrapped text)."""
    err = text_problem(value, max_length=max_length, multiline=True)
    if err is None:
        return None
    key, params = err
    cell_key = {"validation.text_control": "validation.cell_text_control",
                "validation.text_too_long": "validation.cell_text_too_long"}[key]
    return (cell_key, dict(params, cell=cell))
