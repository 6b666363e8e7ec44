from core.audit.service import (
    GENESIS,
    AuditFilter,
    VerifyResult,
    audit_actions,
    list_events,
    record,
    verify,
    verify_organization,
)

__all__ = ["GENESIS", "AuditFilter", "VerifyResult", "audit_actions", "list_events", "record", "verify",
           "verify_organization"]
