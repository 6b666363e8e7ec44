"""How many decimals a figure shows, by its unit, and the thousands separator: tonnes to the kilogram (0.001 t),
emissions and certificates to 0.01 tCO2e, euros to the cent, specific embedded emissions to 0.001 tCO2e/t. Stored
and exported values keep every digit; only what is shown is rounded."""
from __future__ import annotations

import math
from decimal import Decimal

DECIMALS = {
    "t": 3,  # goods and precursors in tonnes: 0.001 t is one kilogram
    "mwh": 3,  # electricity (CN 2716 00 00) in MWh: 0.001 MWh is one kilowatt-hour
    "tco2e": 2,  # embedded emissions, certificates (one certificate = 1 tCO2e)
    "eur": 2,  # money: to the cent
    "tco2e_per_t": 3,  # specific embedded emissions, default values and benchmarks
    "count": 0,
}


def shown(value: float | Decimal | int | None, unit: str) -> str:
    """`1234.5678` in tonnes → "1,234.568"; None or a non-finite number → "—"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:,.{DECIMALS[unit]}f}"


def printf(unit: str) -> str:
    """The same rule for a Streamlit number column (sprintf-js: `,` groups thousands)."""
    return f"%,.{DECIMALS[unit]}f"
