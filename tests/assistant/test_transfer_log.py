"""The AI helper's provider path writes the transfer log the cross-border transfer register counts from: one row
when the person's data went to the AI service unmasked (after their transfer-abroad consent), none when it was
masked, none when the processor registry lists the service as processing in China."""
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from core.assistant import ask, set_provider_enabled
from core.assistant.provider import ProviderConfig
from core.assistant.service import TRANSFER_ABROAD
from core.privacy.registers import processors as reg
from core.privacy.registers.transfers import person_digest, transfer_register
from db.models import ConsentRecord
from db.processor_models import DataTransfer
from db.session import Scope, scoped_session
from tests.assistant.chat_server import ChatServer
from tests.factories import add_member, context, make_operator, make_user
from tests.privacy.golden import owner_engine

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])
QUESTION = "Why is the SEE of my processes what it is?"


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    srv = ChatServer()
    srv.thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _logged(engine):
    with scoped_session(Scope(), owner_engine(engine)) as s:
        return s.exec(select(DataTransfer)).all()


def test_only_unmasked_data_sent_abroad_is_logged(steel_org, server):
    s = steel_org
    cfg = ProviderConfig(server.base_url, "test-key", "test-model", 5.0)
    with context(s.engine, s.owner, s.org) as ctx:
        set_provider_enabled(ctx, enabled=True)
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, QUESTION, config=cfg)
    assert a.provider == "test-model" and "masked" in a.notes and _logged(s.engine) == []
    with context(s.engine, s.viewer, s.org) as ctx:
        ctx.session.add(ConsentRecord(user_id=s.viewer.id, kind=TRANSFER_ABROAD, policy_version="1.0",
                                      accepted_at=datetime.now(UTC)))
        ctx.session.flush()
        a = ask(ctx, QUESTION, config=cfg)
        ask(ctx, QUESTION, config=cfg)
    assert "masked" not in a.notes
    rows = _logged(s.engine)
    assert len(rows) == 2 and {(r.user_id, r.org_id, r.recipient, r.sensitive) for r in rows} == {
        (s.viewer.id, s.org, "test-model", False)}
    assert rows[0].person_digest == person_digest(s.viewer.id)
    with scoped_session(Scope(), owner_engine(s.engine)) as op:
        assert transfer_register(op, today=rows[0].transferred_on).people == 1  # one person, however often


def test_a_service_the_registry_places_in_china_is_not_a_transfer_abroad(steel_org, server):
    s = steel_org
    cfg = ProviderConfig(server.base_url, "test-key", "test-model", 5.0)
    dpo = make_user(s.engine, name="Officer")
    add_member(s.engine, s.owner, s.org, dpo, "dpo")
    make_operator(s.org)
    with context(s.engine, dpo, s.org) as ctx:
        reg.add_processor(ctx, reg.ProcessorData(service="test-model", purpose_zh="AI助手", purpose_en="AI helper",
                                                 region="cn-north-1", abroad=False, mechanism="domestic"))
    with context(s.engine, s.owner, s.org) as ctx:
        set_provider_enabled(ctx, enabled=True)
        ctx.session.add(ConsentRecord(user_id=s.owner.id, kind=TRANSFER_ABROAD, policy_version="1.0",
                                      accepted_at=datetime.now(UTC)))
        ctx.session.flush()
        a = ask(ctx, QUESTION, config=cfg)
    assert a.provider == "test-model" and "masked" not in a.notes and _logged(s.engine) == []
