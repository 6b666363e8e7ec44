"""Invitations are accepted with their one-time link only (issue 17): an e-mail claim alone never joins anyone to
an organization, an unverified claim is never stored, and a removed member invited again must accept again."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from core.clock import FixedClock
from core.errors import DomainError
from core.identity import resolve_login
from core.organizations import (
    INVITATION_VALID_FOR,
    accept_invitation,
    decline_invitation,
    invitations_of,
    invite,
    invite_member,
    list_members,
    open_invitation,
    remove_member,
    renew_invitation,
    role_in,
)
from db.invitation_models import InvitationToken
from db.models import Membership
from db.session import Scope, scoped_session
from tests.factories import context, make_org, make_user


def _refused(engine, person, token, clock, key):
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        with pytest.raises(DomainError) as exc:
            accept_invitation(s, person, token, clock=clock)
    assert exc.value.key == key


def _accept(engine, person, token, clock):
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        return accept_invitation(s, person, token, clock=clock).org_id


def test_link_joins_once_and_only_its_hash_is_stored(engine, now):
    clock = FixedClock(now)
    owner, person = make_user(engine), make_user(engine, email="li.na@example.com")
    org = make_org(engine, owner)
    with context(engine, owner, org, clock) as ctx:
        made = invite(ctx, email="Li.Na@example.com", role="editor")
    assert made.link.endswith(f"/?invite={made.token}") and len(made.token) >= 40
    with context(engine, owner, org) as ctx:
        stored = ctx.session.exec(select(InvitationToken).where(InvitationToken.org_id == org)).one()
    assert stored.token_hash == hashlib.sha256(made.token.encode()).hexdigest() and made.token not in stored.token_hash
    assert stored.expires_at.replace(tzinfo=now.tzinfo) == now + INVITATION_VALID_FOR
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        offer = open_invitation(s, person, made.token, clock=clock)
    assert (offer.org_id, offer.role, offer.email) == (org, "editor", "li.na@example.com")
    assert _accept(engine, person, made.token, clock) == org
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        assert role_in(s, person, org) == "editor"
    _refused(engine, person, made.token, clock, "invitation.error_used")  # once only
    _refused(engine, person, "not-a-token", clock, "invitation.error_invalid")


def test_expired_link_is_refused(engine, now):
    owner, person = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org, FixedClock(now)) as ctx:
        token = invite(ctx, email=person.email, role="viewer").token
    _refused(engine, person, token, FixedClock(now + INVITATION_VALID_FOR + timedelta(seconds=1)),
             "invitation.error_expired")
    assert _accept(engine, person, token, FixedClock(now + INVITATION_VALID_FOR - timedelta(minutes=1))) == org


def test_an_email_claim_alone_cannot_accept(engine, now):
    """Today's takeover: anyone whose provider claims the invited address could accept. Now the link is needed."""
    owner = make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        membership = invite_member(ctx, email="cfo@victim.example", role="owner")
    thief = make_user(engine, email="cfo@victim.example")
    with scoped_session(Scope(user_id=thief.id, email=thief.email), engine) as s:
        with pytest.raises(DomainError):
            accept_invitation(s, thief, membership.id, clock=FixedClock(now))
        assert role_in(s, thief, org) is None


def test_unverified_email_claim_is_not_stored_and_sees_no_invitation(engine, now):
    clock = FixedClock(now)
    owner = make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        invite_member(ctx, email="cfo@victim.example", role="owner")
    with scoped_session(Scope(), engine) as s:
        thief = resolve_login(s, issuer="https://idp.example", subject="t1", email="cfo@victim.example", name="T",
                              clock=clock, email_verified=False)
        assert thief.email is None
        assert invitations_of(s, thief) == []
    with scoped_session(Scope(), engine) as s:  # providers that send the claim as a string
        other = resolve_login(s, issuer="https://idp.example", subject="t2", email="cfo@victim.example", name="T",
                              clock=clock, email_verified="false")
        assert other.email is None


def test_unverified_claim_never_replaces_a_stored_address(engine, now):
    clock = FixedClock(now)
    with scoped_session(Scope(), engine) as s:
        user = resolve_login(s, issuer="https://idp.example", subject="u1", email="wang@corp.example", name="W",
                             clock=clock, email_verified=True)
    with scoped_session(Scope(), engine) as s:
        again = resolve_login(s, issuer="https://idp.example", subject="u1", email="attacker@evil.example",
                              name="W", clock=clock, email_verified=False)
        assert again.id == user.id and again.email == "wang@corp.example"
    with scoped_session(Scope(), engine) as s:  # a verified change is the provider's word
        moved = resolve_login(s, issuer="https://idp.example", subject="u1", email="wang@new.example",
                              name="W", clock=clock, email_verified=True)
        assert moved.email == "wang@new.example"


def test_removed_member_invited_again_must_accept_again(engine, now):
    clock = FixedClock(now)
    owner, person = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        first = invite(ctx, email=person.email, role="editor").token
    _accept(engine, person, first, clock)
    with context(engine, owner, org) as ctx:
        m = next(x for x in list_members(ctx) if x.email == person.email)
        remove_member(ctx, m.id, expected_version=m.version)
    with context(engine, owner, org) as ctx:
        again = invite(ctx, email=person.email, role="viewer")
        assert again.membership.status == "invited" and again.membership.user_id is None
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        assert role_in(s, person, org) is None  # not silently back
    _refused(engine, person, first, clock, "invitation.error_used")
    _accept(engine, person, again.token, clock)
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        assert role_in(s, person, org) == "viewer"


def test_removing_an_invitee_revokes_the_link_and_declining_uses_it(engine, now):
    clock = FixedClock(now)
    owner, person = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        made = invite(ctx, email=person.email, role="editor")
        remove_member(ctx, made.membership.id, expected_version=made.membership.version)
    _refused(engine, person, made.token, clock, "invitation.error_invalid")
    with context(engine, owner, org) as ctx:
        token = invite(ctx, email=person.email, role="editor").token
    with scoped_session(Scope(user_id=person.id, email=person.email), engine) as s:
        decline_invitation(s, person, token, clock=clock)
    _refused(engine, person, token, clock, "invitation.error_used")
    with context(engine, owner, org) as ctx:
        status = ctx.session.exec(select(Membership.status).where(Membership.org_id == org,
                                                                  Membership.invited_email == person.email)).one()
    assert status == "removed"


def test_invitee_reads_only_the_invitation_their_link_names(pg_engine, now):
    """PostgreSQL: before joining, the token's hash in the scope shows that one invitation, nothing else."""
    owner, person = make_user(pg_engine), make_user(pg_engine)
    org = make_org(pg_engine, owner)
    other_org = make_org(pg_engine, owner, name_en="Other Co.")
    with context(pg_engine, owner, org) as ctx:
        token = invite(ctx, email=person.email, role="editor").token
    with context(pg_engine, owner, other_org) as ctx:
        invite(ctx, email="someone@else.example", role="viewer")
    digest = hashlib.sha256(token.encode()).hexdigest()
    with scoped_session(Scope(user_id=person.id, invite_hash=digest), pg_engine) as s:
        rows = s.exec(text("SELECT org_id FROM invitation_token")).all()
        assert [r[0] for r in rows] == [org]
        assert s.exec(text("SELECT count(*) FROM membership")).one()[0] == 1
        assert s.exec(text("SELECT count(*) FROM installation")).one()[0] == 0
    with scoped_session(Scope(user_id=person.id), pg_engine) as s:
        assert s.exec(text("SELECT count(*) FROM invitation_token")).one()[0] == 0


def test_an_expired_invitation_gets_a_new_link_and_the_old_one_stops_working(engine, now):
    owner, person = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org, FixedClock(now)) as ctx:
        made = invite(ctx, email=person.email, role="editor")
    later = FixedClock(now + INVITATION_VALID_FOR + timedelta(days=1))
    with context(engine, owner, org, later) as ctx:
        m = ctx.session.get(Membership, made.membership.id)
        renewed = renew_invitation(ctx, m.id, expected_version=m.version)
    _refused(engine, person, made.token, later, "invitation.error_invalid")
    _accept(engine, person, renewed.token, later)
    with context(engine, owner, org, later) as ctx:
        m = ctx.session.get(Membership, made.membership.id)
        with pytest.raises(DomainError) as exc:  # joined: nothing to renew
            renew_invitation(ctx, m.id, expected_version=m.version)
    assert exc.value.key == "invitation.error_not_pending"
