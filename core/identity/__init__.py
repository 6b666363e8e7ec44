from core.identity.service import (
    LOCAL_ISSUER,
    ProfileData,
    complete_onboarding,
    id_token_expired,
    needs_onboarding,
    policy_text,
    resolve_login,
    update_profile,
)

__all__ = ["LOCAL_ISSUER", "ProfileData", "policy_text", "complete_onboarding", "id_token_expired", "needs_onboarding", "resolve_login",
           "update_profile"]
