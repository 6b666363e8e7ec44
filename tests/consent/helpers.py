"""A DPO acting on policy versions at a frozen instant: their context (the app role) and the operator session."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from core.clock import FixedClock
from core.consent import policies as pol
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_operator, make_org, make_user
from tests.privacy.golden import owner_engine

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def make_dpo(engine):  # noqa: ANN001, ANN201
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    make_operator(org)  # the platform's policies are the operator's DPO's
    return owner, org, dpo


@contextmanager
def as_dpo(engine, user, org, at: datetime = T0) -> Iterator[tuple]:  # noqa: ANN001
    with context(engine, user, org, clock=FixedClock(at)) as ctx, \
            scoped_session(Scope(), owner_engine(engine)) as op:
        yield ctx, op


def reviewed(engine, dpo, org, *, kind: str = pol.PRIVACY_POLICY, label: str = "1.1",  # noqa: ANN001
             purposes: tuple[str, ...] = pol.BASELINE_PURPOSES, at: datetime = T0, summary: str = "Clearer wording"):
    """A version drafted and submitted for review; returns its id."""
    with as_dpo(engine, dpo, org, at) as (ctx, op):
        v = pol.create_draft(ctx, op, pol.PolicyDraft(
            kind=kind, label=label, text_zh=f"政策{label}全文", text_en=f"Policy {label} full text",
            summary_zh=f"{summary}（中文）", summary_en=summary, purposes=list(purposes)))
        pol.submit_for_review(ctx, op, v.id)
        return v.id
