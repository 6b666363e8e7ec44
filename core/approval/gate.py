"""Blocking findings block: a period whose data has an open blocking data-quality finding is neither submitted nor
approved. Approval checks again, since data can change between submission and approval (a reopened reference,
a rule that reads the customers)."""
from __future__ import annotations

from core.context import Context
from core.errors import DomainError
from core.quality import Finding
from core.quality.rules import BLOCKING
from db.reporting_models import ReportingPeriod


class BlockingFindings(DomainError):
    """The refusal, carrying the blocking findings (rule, message key and params, field path) so that a page or a
    command can list each one, translated, with a link to its field."""

    def __init__(self, action: str, findings: list[Finding]) -> None:
        self.findings = tuple(findings)
        # as plain values too, for a command that prints the error's params as JSON
        listed = [{"rule": f.rule, "key": f.key, "path": f.path, "params": dict(f.params)} for f in self.findings]
        super().__init__(f"approval.error_blocking_{action}", count=len(self.findings),
                         rules=", ".join(dict.fromkeys(f.rule for f in self.findings)), findings=listed)


def refuse_blocking_findings(ctx: Context, period: ReportingPeriod, *, action: str) -> None:
    """Raise `BlockingFindings` when the period's live data has blocking findings; `action` is "submit" or
    "approve" (it picks the message)."""
    from core.reporting.quality import findings_of_period  # reporting's workflow calls in here

    # evidence counts feed a warning only (DQ28): not needed to decide
    blocking = [f for f in findings_of_period(ctx, period, with_evidence=False) if f.severity == BLOCKING]
    if blocking:
        raise BlockingFindings(action, blocking)
