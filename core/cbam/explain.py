"""Explanations: every number the engine returns carries the terms that produced it.

A `Term` is one line of "why this number": a translatable label, the value, its unit, the formula (with the
numbers filled in) and where the value came from. Pages render them; the assistant quotes them verbatim.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Term:
    label_key: str  # message key in core/cbam/messages.json
    value: float
    unit: str
    formula: str = ""
    source: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"label_key": self.label_key, "value": self.value, "unit": self.unit, "formula": self.formula,
                "source": self.source}


def fmt(x: float) -> str:
    """A number as shown inside a formula string: short, but never rounded to a misleading value."""
    return f"{x:.10g}"


def terms_to_list(terms: list[Term] | tuple[Term, ...]) -> list[dict[str, object]]:
    return [t.to_dict() for t in terms]
