"""Controls on the review workflow: blocking data-quality findings stop submission and approval, and under
four-eyes approval the person who submitted a period does not approve it."""
from core.approval.four_eyes import check_four_eyes, set_four_eyes_approval
from core.approval.gate import BlockingFindings, refuse_blocking_findings

__all__ = ["BlockingFindings", "check_four_eyes", "refuse_blocking_findings", "set_four_eyes_approval"]
