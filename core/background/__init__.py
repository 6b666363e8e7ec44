"""Background work that may be scheduled on several machines at once (issue 18)."""
from __future__ import annotations

from core.errors import DomainError


def owner_url() -> str:
    """The owner connection (MIGRATION_DATABASE_URL, else DATABASE_URL) that operator work runs on: scheduled
    commands and privacy operations, which read every organization. Refused when row-level security binds its role
    (`db.session.row_security_role`): it would see no organization and report success having done nothing."""
    from core.settings import get_settings
    from db.session import row_security_role

    url = get_settings().effective_migration_url
    bound = row_security_role(url)
    if bound is not None:
        raise DomainError("operator.error.rls_bound", role=bound)
    return url
