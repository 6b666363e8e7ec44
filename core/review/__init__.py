"""Review comments as people see them: who wrote each, when, and who may resolve it.

A comment names one field of a period by the path the data-quality findings use (`processes[1].electricity.ef`,
`purchased_precursors[0].see_direct`, `imports[3].quantity`; core/reporting/fields.py). Only its author or a
reviewer (a role that may review or approve periods) resolves it: an editor's change does not close a reviewer's
question by itself."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from core.access import Permission, can
from core.context import Context
from db.models import User
from db.reporting_models import ReviewComment

REVIEWER_PERMISSIONS = (Permission.PERIOD_REVIEW, Permission.PERIOD_APPROVE)


def is_reviewer(ctx: Context) -> bool:
    return any(can(ctx.role, p) for p in REVIEWER_PERMISSIONS)


def may_resolve(ctx: Context, comment: ReviewComment) -> bool:
    """The comment's author, or a reviewer."""
    return comment.author_id == ctx.user.id or is_reviewer(ctx)


@dataclass(frozen=True, slots=True)
class CommentView:
    comment: ReviewComment
    author: str  # the author's name (or email), "-" when the account is gone
    written_at: datetime
    may_resolve: bool


def comment_views(ctx: Context, *, period_id: uuid.UUID) -> list[CommentView]:
    """The period's comments, oldest first, with their author and whether the acting person may resolve them."""
    ctx.require(Permission.DATA_VIEW)
    rows = ctx.session.exec(select(ReviewComment, User).outerjoin(User, User.id == ReviewComment.author_id).where(
        ReviewComment.org_id == ctx.tenant, ReviewComment.period_id == period_id)
        .order_by(ReviewComment.created_at, ReviewComment.id)).all()
    return [CommentView(c, (u.name or u.email or "-") if u else "-", c.created_at,
                        not c.resolved and may_resolve(ctx, c)) for c, u in rows]
