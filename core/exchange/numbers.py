"""Numbers an export can write. A frozen period may hold values stored before entry refused them (1e308 t, a
factor of 5e-324) or values the engine turns into infinities; every exporter reports them as a translated problem
naming the field, rather than failing half-way with a decimal error."""
from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from core.exchange.errors import ExchangeError

# Far above any real figure (the entry ceilings are 1e9 t and 1e10 tCO2e) and far below what overflows a price or
# the registry's dec16 decimals; the smallest non-zero value any field keeps at entry is 1e-9.
EXPORT_MAX = 1e12
EXPORT_MIN = 1e-12


def _bad(value: Any, tiny: bool) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return not value.is_finite() or abs(value) > Decimal(EXPORT_MAX)
    if isinstance(value, int | float):
        x = float(value) if not isinstance(value, int) or abs(value) < 10**300 else math.inf
        return not math.isfinite(x) or abs(x) > EXPORT_MAX or (tiny and 0 < abs(x) < EXPORT_MIN)
    return False


def absurd_numbers(data: Any, path: str = "", *, tiny: bool = True) -> Iterator[tuple[str, str]]:
    """(field path, the value as text) of every number in `data` an export cannot write. `tiny`: also a non-zero
    value below EXPORT_MIN (for entered figures; a computed one may carry a rounding residue)."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from absurd_numbers(v, f"{path}.{k}" if path else str(k), tiny=tiny)
    elif isinstance(data, list | tuple):
        for n, v in enumerate(data):
            yield from absurd_numbers(v, f"{path}[{n}]", tiny=tiny)
    elif _bad(data, tiny):
        yield path, str(data)[:40]


def require_exportable(data: Any, *, tiny: bool = True) -> None:
    """Refuse, naming the first field and how many there are, data holding a number an export cannot write."""
    found = list(absurd_numbers(data, tiny=tiny))
    if found:
        path, value = found[0]
        raise ExchangeError("exchange.error.number_unexportable", field=path, value=value, count=len(found))
