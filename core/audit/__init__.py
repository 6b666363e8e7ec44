from core.audit.service import (
    GENESIS,
    HASH_VERSION,
    AuditFilter,
    VerifyResult,
    actor_names,
    audit_actions,
    list_events,
    record,
    verify,
    verify_organization,
)

__all__ = ["GENESIS", "HASH_VERSION", "AuditFilter", "VerifyResult", "actor_names", "audit_actions", "list_events", "record", "verify",
           "verify_organization"]
