"""Errors of the exchange formats: domain errors with a message key under `exchange.` and the parameters to show."""
from __future__ import annotations

from core.errors import DomainError


class ExchangeError(DomainError):
    """A file or scenario that cannot be exported or imported; `key` is in `core/exchange/messages.json`."""


class CapacityExceeded(ExchangeError):
    """The scenario holds more than the template has room for; `overflows` lists every part that does not fit."""

    def __init__(self, overflows: list[tuple[str, int, int, str]]) -> None:
        # (what, how many the scenario has, how many the template holds, which ones do not fit)
        self.overflows = overflows
        detail = "; ".join(f"{what}: {have} > {cap} ({names})" for what, have, cap, names in overflows)
        super().__init__("exchange.error.template_capacity", detail=detail)
