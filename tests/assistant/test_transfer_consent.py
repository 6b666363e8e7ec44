"""The transfer-abroad consent is the person's own to give and withdraw: the latest choice counts, each one is
recorded and audited, and without it the provider path masks personal data."""
from __future__ import annotations

from sqlmodel import select

from core.assistant import consented_to_transfer, set_transfer_consent
from db.models import AuditEvent, ConsentRecord
from tests.factories import context, make_org, make_user


def test_give_then_withdraw_the_transfer_consent(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    with context(engine, owner, org) as ctx:
        assert consented_to_transfer(ctx) is False
        assert set_transfer_consent(ctx, given=True) is True
    with context(engine, owner, org) as ctx:
        assert consented_to_transfer(ctx) is True
        assert set_transfer_consent(ctx, given=False) is False
    with context(engine, owner, org) as ctx:
        assert consented_to_transfer(ctx) is False
        kinds = ctx.session.exec(select(ConsentRecord.kind).where(ConsentRecord.user_id == owner.id)
                                 .order_by(ConsentRecord.accepted_at)).all()
        assert kinds[-2:] == ["transfer_abroad", "transfer_abroad_withdrawn"]  # both kept: proof of each choice
        actions = ctx.session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == owner.id)).all()
        assert {"consent.transfer_given", "consent.transfer_withdrawn"} <= set(actions)
