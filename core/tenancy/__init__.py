"""Who is who across organizations: finding exactly one person for a command line's `--as EMAIL`.

An e-mail address is not an identity here: people are matched by OIDC issuer and subject, and two accounts (two
providers, or a local and a real login) can carry the same address. Acting in someone's name must never depend
on which row the database happens to return first, so an address shared by two accounts is refused.
"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from core.errors import DomainError
from db.models import User


def person_by_email(session: Session, email: str) -> User:
    """The one account with this e-mail address (case-insensitive), or a DomainError: none, or more than one."""
    wanted = (email or "").strip().lower()
    if not wanted:
        raise DomainError("tenancy.error.unknown_person", email=email)
    users = list(session.exec(select(User).where(func.lower(User.email) == wanted).order_by(User.id).limit(2)))
    if not users:
        raise DomainError("tenancy.error.unknown_person", email=email)
    if len(users) > 1:
        raise DomainError("tenancy.error.ambiguous_person", email=email)
    return users[0]


__all__ = ["person_by_email"]
