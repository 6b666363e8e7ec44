"""Errors of the CBAM engine: domain errors with a message key under `cbam.` and the parameters to show."""
from __future__ import annotations

from core.errors import DomainError


class CbamError(DomainError):
    """Any refusal of the CBAM engine; `key` is a message key in `core/cbam/messages.json`."""


class ScenarioError(CbamError):
    """Invalid scenario input; `path` names the field, e.g. `processes[1].activity_level`."""

    def __init__(self, key: str, path: str, **params: object) -> None:
        self.path = path
        super().__init__(key, path=path, **params)


class CycleError(CbamError):
    """Production processes that consume each other's output in a loop."""

    def __init__(self, processes: list[str]) -> None:
        self.processes = processes
        super().__init__("cbam.error.cycle", processes=" → ".join(processes))


class ReferenceDataError(CbamError):
    """A reference table is missing a value the calculation needs, or a reference file is malformed."""
