from core.organizations.service import (
    INDUSTRIES,
    MemberView,
    OrganizationData,
    accept_invitation,
    change_role,
    create_organization,
    decline_invitation,
    get_organization,
    invitations_of,
    invite_member,
    list_members,
    memberships_of,
    remove_member,
    role_in,
    update_organization,
)

__all__ = ["INDUSTRIES", "MemberView", "OrganizationData", "accept_invitation", "change_role",
           "create_organization", "decline_invitation", "get_organization", "invitations_of", "invite_member",
           "list_members", "memberships_of", "remove_member", "role_in", "update_organization"]
