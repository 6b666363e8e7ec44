"""The platform's own privacy records (the privacy policy's versions, the processor registry, the breach register)
are the operator's: only a DPO acting in the operator's organization (CBAM_OPERATOR_ORG_ID) changes them. A DPO
of a customer organization runs their organization's requests, never the platform's policy or its processors.
Unset, nobody changes them (the setting is required, never guessed)."""
from __future__ import annotations

import uuid

from core.access import Permission
from core.context import Context
from core.errors import DomainError
from core.settings import get_settings


def require_operator_dpo(ctx: Context) -> uuid.UUID:
    ctx.require(Permission.PRIVACY_MANAGE)
    operator = get_settings().operator_org_id.strip()
    if not operator or str(ctx.tenant) != operator:
        raise DomainError("privacy.error.not_operator")
    return ctx.tenant


def is_operator(org_id: uuid.UUID | None) -> bool:
    operator = get_settings().operator_org_id.strip()
    return bool(operator) and str(org_id) == operator
