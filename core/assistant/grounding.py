"""The grounding guard: every number an answer states must appear in a tool result of the same turn.

The model never computes. A number is grounded when it equals a number of the turn's tool results once written
the same way (thousands separators, trailing zeros, full-width digits and percentages normalised), or when it is
such a number rounded to the decimals the answer shows (1.3704 shown as 1.37). Anything else is an invented
number, and the answer that states it is not shown."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

# 1,234.5 · 1234.50 · 12.5% · 0.5 — digits after a Latin letter are part of a name (CO2, DQ07, Q1), not a number;
# a sign is not read (a hyphen in 2026-09-30 is not a minus). A comma followed by
# exactly three digits groups thousands; any other comma separates numbers ("0,5" as a decimal comma is read as two
# numbers, 0 and 5, both of which must then be grounded: strict, never lenient).
_NUMBER = re.compile(r"(?<![\d.A-Za-z_])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s?%)?")


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def numbers_in(text: str) -> list[str]:
    """The numbers a text states, as written (normalised to ASCII)."""
    text = unicodedata.normalize("NFKC", text)
    return [m.group(0).strip() for m in _NUMBER.finditer(text)]


def parse(token: str) -> tuple[Decimal, int, bool] | None:
    """A number as written → (value, decimals shown, is a percentage)."""
    token = unicodedata.normalize("NFKC", token).strip()
    pct = token.endswith("%")
    body = token.rstrip("%").strip().replace(",", "")
    value = _dec(body)
    if value is None:
        return None
    decimals = len(body.split(".")[1]) if "." in body else 0
    return value, decimals, pct


def canonical(value: object) -> Decimal | None:
    """A tool value (float, Decimal, int or text) as a Decimal; None for what is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and value not in (float("inf"), float("-inf")) else None
    p = parse(str(value))
    return p[0] if p else None


class Grounding:
    """The numbers of one turn's tool results."""

    def __init__(self, values: Iterable[object] = ()) -> None:
        self.values: set[Decimal] = set()
        self.add(values)

    def add(self, values: Iterable[object]) -> None:
        for v in values:
            d = canonical(v)
            if d is not None:
                self.values.add(abs(d))
            elif isinstance(v, str):  # a text of the tool result (a finding's message, a rule id): its numbers
                self.add(p[0] for p in map(parse, numbers_in(v)) if p)

    def grounded(self, token: str) -> bool:
        p = parse(token)
        if p is None:
            return False
        value, decimals, pct = p
        candidates = {value}
        if pct:  # 10% may be the tool's 10 or its 0.10
            candidates.add(value / 100)
        quantum = Decimal(1).scaleb(-decimals)
        for c in candidates:
            for v in self.values:
                if v == c:
                    return True
                # the tool's number rounded to the decimals shown; to a whole number only from 100 up (1.4 is not "1")
                shown = decimals + (2 if pct and c is not value else 0)
                q = Decimal(1).scaleb(-shown) if c is not value else quantum
                try:
                    if v.quantize(q) == c.quantize(q) and (shown > 0 or v == v.to_integral_value() or v >= 100):
                        return True
                except InvalidOperation:
                    continue
        return False

    def ungrounded(self, text: str) -> list[str]:
        """The numbers of `text` that no tool result of the turn contains."""
        return [n for n in numbers_in(text) if not self.grounded(n)]
