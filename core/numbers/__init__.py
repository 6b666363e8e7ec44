"""Numbers as people type them: parsed strictly, refused when the field cannot hold them, never altered.

A value is either a number the field can hold, exactly as typed, or a refusal with a message key. Nothing is
stripped, rounded or clamped: `-5` in a field that cannot be negative is refused, not saved as `5`; `1e308` is
refused as too large, not saved as `1308`; `inf`, `nan`, `1,000`, full-width or other non-ASCII digits are not
numbers here. The ceilings (`maximum`) are entry limits against absurd values that would overflow the sums and
prices downstream (1e308 t × a price is infinite); what is merely implausible is a data-quality rule
(core/quality), not an entry refusal.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# ASCII digits only (Python's float() would take "１２", "١٢", "1_000", "infinity", "nan")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?", re.ASCII)

Error = tuple[str, dict[str, object]]


@dataclass(frozen=True, slots=True)
class NumberField:
    """What a numeric field can hold. `sign`: "positive" (> 0), "non_negative" (>= 0) or "any"."""

    unit: str = ""
    sign: str = "non_negative"
    maximum: float = 1e9  # largest magnitude accepted at entry
    decimals: int = 9  # most decimal places that may be typed (and smallest non-zero magnitude: 10**-decimals)


class NumberRefused(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key} {params}")

    @property
    def error(self) -> Error:
        return self.key, dict(self.params)


def _decimals(text: str) -> int:
    exponent = Decimal(text).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_number(value: Any, spec: NumberField = NumberField()) -> float | None:
    """The number in `value` (text as typed, or an int or float), or None when empty; raises NumberRefused when the
    field cannot hold it."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    shown = str(value)[:40]
    if isinstance(value, bool):
        raise NumberRefused("numbers.error_not_a_number", value=shown)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _NUMBER.fullmatch(text):
            raise NumberRefused("numbers.error_not_a_number", value=shown)
        try:
            number = float(text)
            places = _decimals(text)
        except (ValueError, InvalidOperation, OverflowError):
            raise NumberRefused("numbers.error_not_a_number", value=shown) from None
    elif isinstance(value, int | float | Decimal):
        try:
            number = float(value)
        except OverflowError:
            raise NumberRefused("numbers.error_too_large", value=shown, max=_fmt(spec.maximum),
                                unit=spec.unit) from None
        places = 0  # a stored or computed float: its binary representation has no "typed" decimals
    else:
        raise NumberRefused("numbers.error_not_a_number", value=shown)
    if not math.isfinite(number):
        raise NumberRefused("numbers.error_not_finite", value=shown)
    if spec.sign == "positive" and number <= 0:
        raise NumberRefused("reporting.error_positive", value=shown)
    if spec.sign == "non_negative" and number < 0:
        raise NumberRefused("reporting.error_non_negative", value=shown)
    if abs(number) > spec.maximum:
        raise NumberRefused("numbers.error_too_large", value=shown, max=_fmt(spec.maximum), unit=spec.unit)
    if places > spec.decimals or (number != 0 and abs(number) < 10.0 ** -spec.decimals):
        raise NumberRefused("numbers.error_decimals", value=shown, decimals=spec.decimals)
    return number


def number_error(value: Any, spec: NumberField, *, required: bool = False) -> tuple[float | None, Error | None]:
    """(the parsed number, None) or (None, the error) — for services collecting every field's error at once."""
    try:
        number = parse_number(value, spec)
    except NumberRefused as exc:
        return None, exc.error
    if number is None and required:
        return None, ("validation.required", {})
    return number, None


def parse_fields(data: Any, specs: dict[str, NumberField], errors: dict[str, Error], *,
                 required: tuple[str, ...] = ()) -> None:
    """Parse the numeric attributes of a form model in place: each becomes its number, or its error goes into
    `errors` (and the attribute becomes None, so no later check reads the unparsed text)."""
    for name, spec in specs.items():
        number, err = number_error(getattr(data, name), spec, required=name in required)
        if err is not None:
            errors.setdefault(name, err)
        setattr(data, name, number)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if x >= 1 else f"{x:g}"


def is_finite_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


# The fields of the reporting data (units as in `cbam-scenario/1`). Entry ceilings are far above any real
# installation (the largest steel and cement sites make ~20-25 Mt a year) and far below what overflows: they
# only keep absurd values out; core/quality's plausibility rules judge the rest.
MASS_T = NumberField("t", "positive", 1e9, 6)  # a quantity produced, shipped or consumed (grams: 6 decimals)
ENERGY = NumberField("TJ | MWh", "non_negative", 1e9, 6)
FACTOR = NumberField("", "non_negative", 1e6, 9)  # emission factors, NCVs, carbon contents, SEE
EMISSIONS_T = NumberField("tCO2e", "non_negative", 1e10, 6)
SIGNED_AMOUNT = NumberField("t | 1000Nm3", "any", 1e9, 6)  # mass-balance activity data (outputs negative)
PRICE_EUR = NumberField("EUR/t", "non_negative", 1e5, 2)  # an EUA price path (€/tCO2; cents)


def number_text(value: Any) -> str:
    """A stored number as text to edit: every digit it holds (the shortest text that reads back as the same
    float), no thousands separators, "" for empty — so saving an untouched field keeps the value exactly."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    text = repr(float(value)) if isinstance(value, float) else str(value)
    return text[:-2] if text.endswith(".0") else text


# A double holds 15 significant decimal digits exactly (IEEE 754 binary64, DBL_DIG = 15): a computed value written
# with 15 keeps every digit a person typed or a calculation means, and drops the binary noise of sums and products
# (0.1 + 0.2 → "0.3", not "0.30000000000000004").
EXPORT_SIGNIFICANT_DIGITS = 15


def decimal_text(value: float) -> str:
    """A computed float for an export cell: at most 15 significant digits, no trailing zeros, never binary noise."""
    if value == 0:
        return "0"  # never "-0"
    text = format(value, f".{EXPORT_SIGNIFICANT_DIGITS}g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        if -7 < int(exponent) < 21:  # a plain decimal, as spreadsheets and people write it
            text = format(Decimal(text), "f")
    return text
