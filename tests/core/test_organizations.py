"""Organizations and members, on SQLite and PostgreSQL."""
import pytest

from core.access import Role
from core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from core.organizations import (
    OrganizationData,
    change_role,
    get_organization,
    invite_member,
    list_members,
    memberships_of,
    remove_member,
    role_in,
    update_organization,
)
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user


def test_creator_becomes_owner(engine):
    owner = make_user(engine)
    org = make_org(engine, owner, name_en="Acme Steel")
    with scoped_session(Scope(user_id=owner.id, email=owner.email), engine) as s:
        assert [(o.name_en, r) for o, r in memberships_of(s, owner)] == [("Acme Steel", Role.OWNER)]
    with context(engine, owner, org) as ctx:
        assert [(m.email, m.role, m.status) for m in list_members(ctx)] == [(owner.email, "owner", "active")]


@pytest.mark.parametrize("field,value,key", [
    ("eori", "DE-123", "validation.eori_format"),
    ("uscc", "91350100M000100Y44", "validation.uscc_check_digit"),
])
def test_invalid_identifiers_are_refused_and_nothing_saved(engine, field, value, key):
    owner = make_user(engine)
    org = make_org(engine, owner, name_en="Acme")
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed) as exc:
        update_organization(ctx, OrganizationData(name_en="Renamed", **{field: value}), expected_version=1)
    assert exc.value.errors[field][0] == key
    with context(engine, owner, org) as ctx:
        org_row = get_organization(ctx)
        assert (org_row.name_en, org_row.version) == ("Acme", 1)


def test_organization_update_with_valid_identifiers(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    data = OrganizationData(name_zh="示例钢铁", name_en="Demo", eori="de123456789012345", uscc="91350100m000100y43",
                            address="福州", industry="iron_steel")
    with context(engine, owner, org) as ctx:
        updated = update_organization(ctx, data, expected_version=1)
    assert (updated.eori, updated.uscc, updated.version) == ("DE123456789012345", "91350100M000100Y43", 2)


def test_invite_accept_change_role_and_remove(engine):
    owner, colleague = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    add_member(engine, owner, org, colleague, "viewer")
    with context(engine, owner, org) as ctx:
        m = next(m for m in list_members(ctx) if m.email == colleague.email)
        assert (m.role, m.status) == ("viewer", "active")
        change_role(ctx, m.id, role="editor", expected_version=m.version)
    with context(engine, colleague, org) as ctx:
        assert ctx.role == Role.EDITOR
        with pytest.raises(PermissionDenied):
            invite_member(ctx, email="x@example.com", role="owner")
    with context(engine, owner, org) as ctx:
        m = next(m for m in list_members(ctx) if m.email == colleague.email)
        remove_member(ctx, m.id, expected_version=m.version)
    # a removed member's next action finds no role: the app refuses it
    with scoped_session(Scope(user_id=colleague.id, org_id=org, email=colleague.email), engine) as s:
        assert role_in(s, colleague, org) is None


def test_last_owner_cannot_be_removed_or_demoted(engine):
    owner, second = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        me = list_members(ctx)[0]
        with pytest.raises(DomainError) as exc:
            remove_member(ctx, me.id, expected_version=me.version)
        assert exc.value.key == "members.error_last_owner"
        with pytest.raises(DomainError):
            change_role(ctx, me.id, role="viewer", expected_version=me.version)
    add_member(engine, owner, org, second, "owner")
    with context(engine, owner, org) as ctx:
        me = next(m for m in list_members(ctx) if m.email == owner.email)
        change_role(ctx, me.id, role="viewer", expected_version=me.version)  # now allowed: another owner exists


def test_duplicate_and_malformed_invitations(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        invite_member(ctx, email="New.Person@Example.com", role="editor")
        with pytest.raises(ValidationFailed) as exc:
            invite_member(ctx, email="new.person@example.com", role="viewer")
        assert exc.value.errors["email"][0] == "members.error_already_member"
        with pytest.raises(ValidationFailed) as exc:
            invite_member(ctx, email="not-an-email", role="superuser")
        assert set(exc.value.errors) == {"email", "role"}


def test_consultant_switches_between_client_organizations(engine):
    a, b, consultant = make_user(engine), make_user(engine), make_user(engine)
    org_a, org_b = make_org(engine, a, name_en="Alpha"), make_org(engine, b, name_en="Beta")
    add_member(engine, a, org_a, consultant, "consultant")
    add_member(engine, b, org_b, consultant, "consultant")
    with scoped_session(Scope(user_id=consultant.id, email=consultant.email), engine) as s:
        assert sorted(o.name_en for o, _ in memberships_of(s, consultant)) == ["Alpha", "Beta"]
    with context(engine, consultant, org_b) as ctx:
        assert get_organization(ctx).name_en == "Beta"


def test_member_of_one_org_cannot_reach_another(engine):
    a, b = make_user(engine), make_user(engine)
    org_a, org_b = make_org(engine, a), make_org(engine, b)
    with context(engine, a, org_b) as ctx:
        assert ctx.role is None
        with pytest.raises(PermissionDenied):
            get_organization(ctx)
    with context(engine, a, org_a) as ctx:
        other_member = None
        with context(engine, b, org_b) as ctx_b:
            other_member = list_members(ctx_b)[0]
        with pytest.raises(NotFound):
            remove_member(ctx, other_member.id, expected_version=1)
