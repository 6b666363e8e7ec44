"""Helpers for the breach-register tests: the operator's organization with its DPO, people in other organizations
with a known language, and the SMTP settings pointing at a local server."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update

from core.privacy import breaches
from core.settings import get_settings
from db.models import User
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_org, make_user
from tests.privacy.golden import owner_engine

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # when we became aware


@dataclass
class Operator:
    engine: object
    org: uuid.UUID
    owner: User
    dpo: User


def operator(engine, monkeypatch) -> Operator:  # noqa: ANN001
    owner = make_user(engine, name="Operator Owner")
    org = make_org(engine, owner, name_en="Platform Operator Ltd")
    dpo = make_user(engine, name="Operator DPO")
    add_member(engine, owner, org, dpo, "dpo")
    monkeypatch.setenv("CBAM_OPERATOR_ORG_ID", str(org))
    get_settings.cache_clear()
    return Operator(engine, org, owner, dpo)


def person(engine, name: str, language: str | None) -> User:  # noqa: ANN001
    user = make_user(engine, name=name)
    with scoped_session(Scope(), owner_engine(engine)) as s:
        s.execute(update(User).where(User.id == user.id).values(language=language))
    user.language = language
    return user


@contextmanager
def directory(engine) -> Iterator:  # noqa: ANN001
    """The operator session: every organization and person (the app role sees only its own organization's)."""
    with scoped_session(Scope(), owner_engine(engine)) as s:
        yield s


def dpo_ctx(op: Operator, at: datetime):  # noqa: ANN201
    from core.clock import FixedClock

    return context(op.engine, op.dpo, op.org, clock=FixedClock(at))


def data(**overrides) -> breaches.BreachData:  # noqa: ANN003
    values = dict(aware_at=T0, description="A backup file was readable from the internet for six hours",
                  severity="relatively_major", role="controller", data_categories=["contact", "account"],
                  approx_people=3, member_states=["DE", "FR"], high_risk=True,
                  consequences="Phishing e-mails using the addresses", measures="Access closed, keys rotated",
                  advice="Be wary of e-mails asking for your password", contact="dpo@operator.example.com")
    values.update(overrides)
    return breaches.BreachData(**values)


def use_smtp(monkeypatch, port: int) -> None:  # noqa: ANN001
    monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
    monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
    monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
    get_settings.cache_clear()
