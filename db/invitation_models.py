"""Invitation tokens (issue 17): the one-time link an invitation is accepted with.

Only the SHA-256 of the random token is stored; the token itself exists in the link sent to the invitee. A token
is valid until `expires_at`, for one use (`used_at`), and replaced by a new one when the person is invited again.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field

from db.models import TenantColumns, _id
from db.personal_data import PersonalData as PD
from db.personal_data import tag


class InvitationToken(TenantColumns, table=True):
    __tablename__ = "invitation_token"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_invitation_token_hash"),)

    id: uuid.UUID = _id()
    # a link means nothing without its membership: erasing the membership takes its links with it
    membership_id: uuid.UUID = Field(foreign_key="membership.id", ondelete="CASCADE", index=True,
                                     sa_column_kwargs=tag(PD.NONE))
    token_hash: str = Field(max_length=64, sa_column_kwargs=tag(PD.NONE))  # hex SHA-256 of the token
    # the address the link was sent to (the membership's invited e-mail at the time)
    email: str = Field(max_length=320, sa_column_kwargs=tag(PD.CONTACT))
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.ACTIVITY))
    used_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    # accepted | declined | replaced (a newer invitation) | revoked (the membership was removed)
    outcome: str = Field(default="", max_length=20, sa_column_kwargs=tag(PD.NONE))


INVITATION_TABLES = ("invitation_token",)
