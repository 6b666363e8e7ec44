"""Field readers for untrusted JSON: each failure is a ScenarioError naming the field path."""
from __future__ import annotations

import math
from typing import Any

from core.cbam.errors import ScenarioError

_MISSING = object()


def obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError("cbam.error.not_an_object", path)
    return value


def lst(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise ScenarioError("cbam.error.not_a_list", path)
    return value


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def num(d: dict[str, Any], key: str, path: str, *, default: Any = _MISSING, positive: bool = False,
        nonneg: bool = False, fraction: bool = False, signed: bool = True) -> float:
    # the field's path is spelled out only for an error (a portfolio parses ~250 numbers per installation)
    v = d.get(key, _MISSING)
    if v is _MISSING or v is None:
        if default is _MISSING:
            raise ScenarioError("cbam.error.field_missing", _at(path, key))
        return float(default)
    kind = type(v)
    if kind is not float and (kind is bool or not isinstance(v, int | float)):
        raise ScenarioError("cbam.error.not_a_number", _at(path, key), value=str(v)[:40])
    x = float(v)
    if not math.isfinite(x):
        raise ScenarioError("cbam.error.not_finite", _at(path, key), value=str(v))
    if positive and x <= 0:
        key_ = "cbam.error.activity_level_not_positive" if key == "activity_level" else "cbam.error.not_positive"
        raise ScenarioError(key_, _at(path, key), value=x)
    if nonneg and x < 0:
        raise ScenarioError("cbam.error.negative_value", _at(path, key), value=x)
    if fraction and not 0.0 <= x <= 1.0:
        raise ScenarioError("cbam.error.fraction_out_of_range", _at(path, key), value=x)
    return x


def text(d: dict[str, Any], key: str, path: str, *, default: Any = _MISSING) -> str:
    v = d.get(key, _MISSING)
    if v is _MISSING or v is None:
        if default is _MISSING:
            raise ScenarioError("cbam.error.field_missing", _at(path, key))
        return default
    if not isinstance(v, str) or not v.strip():
        raise ScenarioError("cbam.error.not_a_string", _at(path, key), value=str(v)[:40])
    return v.strip()


def choice(d: dict[str, Any], key: str, path: str, allowed: tuple[str, ...], *, default: Any = _MISSING) -> str:
    v = text(d, key, path, default=default)
    if v not in allowed:
        raise ScenarioError("cbam.error.invalid_choice", f"{path}.{key}", value=v, allowed=", ".join(allowed))
    return v


def integer(d: dict[str, Any], key: str, path: str, lo: int, hi: int, *, default: Any = _MISSING) -> int:
    p = f"{path}.{key}" if path else key
    v = d.get(key, _MISSING)
    if v is _MISSING or v is None:
        if default is _MISSING:
            raise ScenarioError("cbam.error.field_missing", p)
        return int(default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or float(v) != int(v):
        raise ScenarioError("cbam.error.not_an_integer", p, value=str(v)[:40])
    if not lo <= int(v) <= hi:
        raise ScenarioError("cbam.error.out_of_range", p, value=int(v), min=lo, max=hi)
    return int(v)
