"""The rule registry and the runner. Rules live in `core/quality/checks.py`, one function each."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from core.cbam.reference import ReferenceData, load_reference

BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    rule: str                   # rule id, e.g. "DQ01"
    severity: str               # "blocking" | "warning"
    key: str                    # message key "quality.<name>" in the catalogs
    path: str                   # the field it is about, as in the engine's errors: "processes[1].activity_level"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class QualityInput:
    """A period's data. `scenario` is `cbam-scenario/1`; the rest is what the format has no place for."""

    scenario: dict[str, Any]
    # purchased precursor id → {"justification": str, "supplier_installation": str}
    precursor_details: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: list[dict[str, Any]] = field(default_factory=list)   # {"id", "name", "eori", "country"}
    shipments: list[dict[str, Any]] = field(default_factory=list)   # {"id", "customer", "process", "cn_code", "quantity", "date"}
    # figure path → number of evidence files linked; None while the organization keeps no evidence yet
    evidence: dict[str, int] | None = None
    # the engine's evaluation of `scenario`, when the caller has already made it (one page render, one evaluation)
    evaluation: Any = None


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    fn: Callable[[QualityInput, ReferenceData], Iterator[tuple[str, dict[str, Any]]]]

    @property
    def key(self) -> str:
        return f"quality.{self.name}"


RULES: dict[str, Rule] = {}


def rule(rule_id: str, name: str, severity: str):
    """Register a check. It yields (path, params) for each place the rule finds."""
    def register(fn):
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(rule_id, name, severity, fn)
        return fn
    return register


def check(data: QualityInput, ref: ReferenceData | None = None) -> list[Finding]:
    """Every finding of every rule, blocking first, in rule order."""
    from core.quality import checks  # noqa: F401  (registers the rules)

    ref = ref or load_reference()
    findings = [Finding(r.id, r.severity, r.key, path, params)
                for r in RULES.values() for path, params in r.fn(data, ref)]
    return sorted(findings, key=lambda f: (f.severity != BLOCKING, f.rule))


def has_blocking(findings: list[Finding]) -> bool:
    return any(f.severity == BLOCKING for f in findings)
