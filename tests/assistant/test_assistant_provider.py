"""The provider path against a real local chat-completions server: nothing is sent before an owner switched the
service on; invented numbers never reach the person; malformed tool calls, slow and failing responses fall back to
the offline answer; personal data is masked unless the person consented to the transfer abroad."""
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from core.assistant import ask, provider_enabled, set_provider_enabled
from core.assistant.provider import ProviderConfig
from core.assistant.service import TRANSFER_ABROAD
from core.errors import PermissionDenied
from db.models import AuditEvent, ConsentRecord
from tests.assistant.chat_server import ChatServer
from tests.factories import (
    context,
    enter_scenario,
    make_customer,
    make_installation,
    make_org,
    make_period,
    make_user,
)

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


def _config(server, timeout=5.0):
    return ProviderConfig(server.base_url, "test-key", "test-model", timeout)


def _enable(s):
    with context(s.engine, s.owner, s.org) as ctx:
        set_provider_enabled(ctx, enabled=True)


def test_nothing_is_sent_before_the_organization_enabled_the_service(steel_org, server):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, QUESTION, config=_config(server))
    assert a.provider == "offline" and server.requests == []


def test_only_an_owner_switches_the_service_and_it_is_audited(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx, pytest.raises(PermissionDenied):
        set_provider_enabled(ctx, enabled=True)
    _enable(s)
    with context(s.engine, s.viewer, s.org) as ctx:
        assert provider_enabled(ctx)
    with context(s.engine, s.owner, s.org) as ctx:
        set_provider_enabled(ctx, enabled=False)
        actions = [e.action for e in ctx.session.exec(select(AuditEvent).where(AuditEvent.org_id == s.org))]
        assert not provider_enabled(ctx)
    assert actions.count("assistant.provider_enabled") == 1 and actions.count("assistant.provider_disabled") == 1


def test_a_grounded_answer_from_the_service_is_shown_with_its_sources(steel_org, server):
    s = steel_org
    _enable(s)
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, QUESTION, config=_config(server))
    assert a.provider == "test-model", a.text
    assert "According to the tool results the value is" in a.text and a.numbers
    assert a.citations and a.tools == [{"tool": "explain_see", "args": {}}]
    plan, summary = server.requests
    assert plan["tools"] and not plan.get("stream") and summary["stream"] is True
    assert str(s.org) not in server.sent_text()  # the organization is never the model's to choose


@pytest.mark.parametrize("mode", ["invented", "malformed_invented", "slow", "error", "garbage"])
def test_the_person_never_sees_an_invented_number_and_gets_the_offline_answer(steel_org, server, mode):
    from tests.assistant.chat_server import INVENTED

    s = steel_org
    _enable(s)
    server.mode = {"malformed_invented": "malformed"}.get(mode, mode)
    with context(s.engine, s.viewer, s.org) as ctx:
        if mode == "malformed_invented":
            # the broken tool calls are dropped and the offline plan runs; the summary then invents a number
            server.mode = "malformed"
            a = ask(ctx, QUESTION, config=_config(server))
            assert a.provider == "test-model" and "987654" not in a.text  # grounded summary: shown
            server.mode = "invented"
        a = ask(ctx, QUESTION, config=_config(server, timeout=1.0))
    assert a.provider == "offline"
    assert "987654" not in a.text and "4,242" not in a.text and INVENTED not in a.text
    assert a.text.splitlines()[0] in {
        "The AI model's answer stated a number that is not in your data or the cited passages, so it is not "
        "shown. This is the answer built from the same sources.",
    } or a.text.startswith("The AI service did not answer")
    assert "Process P1" in a.text  # the offline answer over the same tools
    assert a.notes and (a.notes[0] == "ungrounded" or a.notes[0].startswith("provider_failed"))


def test_personal_data_is_masked_unless_the_person_consented_to_the_transfer(steel_org, server):
    s = steel_org
    _enable(s)
    q = "Why is the SEE what it is? Ask Wang Li, wang.li@example.com or +86 138 0013 8000."
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, q, config=_config(server))
    sent = server.sent_text()
    assert "wang.li@example.com" not in sent and "138 0013 8000" not in sent and "Wang Li" not in sent
    assert "[email]" in sent and "[phone]" in sent and "[name]" in sent and "masked" in a.notes
    server.requests.clear()
    with context(s.engine, s.viewer, s.org) as ctx:
        ctx.session.add(ConsentRecord(user_id=s.viewer.id, kind=TRANSFER_ABROAD, policy_version="1.0",
                                      accepted_at=datetime.now(UTC)))
        ctx.session.flush()
        a = ask(ctx, q, config=_config(server))
    assert "wang.li@example.com" in server.sent_text() and "masked" not in a.notes


def test_the_configured_service_is_read_from_the_settings(steel_org, server, monkeypatch):
    from core.settings import get_settings

    s = steel_org
    _enable(s)
    monkeypatch.setenv("CBAM_AI_BASE_URL", server.base_url)
    monkeypatch.setenv("CBAM_AI_MODEL", "env-model")
    get_settings.cache_clear()
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, "为什么我的SEE是这个数值？")
    assert a.provider == "env-model" and len(server.requests) == 2
    assert "简体中文" in server.requests[0]["messages"][0]["content"]


def test_a_period_named_by_the_model_is_never_read(steel_org, server):
    """The model may name a period of another organization in its tool call: the app runs the tool on the person's
    own period in the person's own organization, and nothing of the other organization is read or sent."""
    import json

    from tests.support.paths import EXAMPLES

    s = steel_org
    other = make_user(s.engine)
    other_org = make_org(s.engine, other, name_en="Other Aluminium Co.")
    alu = json.loads((EXAMPLES / "aluminium_primary_smelter.json").read_text(encoding="utf-8"))
    inst = make_installation(s.engine, other, other_org, name="Smelter", country=alu["installation"]["country"])
    period = make_period(s.engine, other, other_org, installation_id=inst.id, year=alu["reporting_year"])
    enter_scenario(s.engine, other, other_org, period.id, alu,
                   customer_id=make_customer(s.engine, other, other_org).id)
    _enable(s)
    server.foreign_period = str(period.id)
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, QUESTION, config=_config(server))
    assert a.provider == "test-model"
    sent = server.sent_text()  # what left the app: the person's own period only
    assert str(s.period.id) in sent and str(period.id) not in sent and "Smelter" not in sent


def test_these_tests_reach_no_network():
    import socket

    # pytest-socket guards connect() for this module (allow_hosts 127.0.0.1): anything else is refused unsent
    assert socket.socket.connect.__name__ == "guarded_connect"
