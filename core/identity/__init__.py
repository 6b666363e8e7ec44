from core.identity.service import (
    LOCAL_ISSUER,
    complete_onboarding,
    id_token_expired,
    needs_onboarding,
    resolve_login,
    update_profile,
)

__all__ = ["LOCAL_ISSUER", "complete_onboarding", "id_token_expired", "needs_onboarding", "resolve_login",
           "update_profile"]
