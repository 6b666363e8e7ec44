"""The registry of processors and third parties: a change is a new version and the old one stays readable; the
public table shows the version that applies today, in the reader's language; only a DPO writes, and every write is
audited; a change notice reaches every organization owner through a real SMTP server with the objection window's
last day."""
from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.errors import DomainError, PermissionDenied
from core.privacy.registers import processors as reg
from core.settings import get_settings
from db.models import AuditEvent, User
from db.processor_models import ProcessorVersion
from db.session import Scope, scoped_session
from tests.factories import add_member, context, make_operator, make_org, make_user
from tests.privacy.golden import owner_engine
from tests.support.smtp_server import smtp_server

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
LATER = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)

SUPABASE = reg.ProcessorData(
    service="Supabase", provider="Supabase (AWS)", data_types_zh="账户数据", data_types_en="Account data",
    fields_zh="电子邮箱、姓名", fields_en="E-mail, name", purpose_zh="数据库和认证", purpose_en="Database and sign-in",
    region="cn-north-1", abroad=False, mechanism="domestic", policy_url="https://supabase.com/privacy")


@pytest.fixture
def dpo_org(engine):
    owner = make_user(engine, name="Owner One")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    make_operator(org)  # the processor registry is the operator's DPO's
    return engine, owner, org, dpo


def _ctx(w, who=None, at=DAY):
    engine, owner, org, dpo = w
    return context(engine, who or dpo, org, clock=FixedClock(at))


def test_a_change_is_a_new_version_and_the_old_one_stays_readable(dpo_org):
    w = dpo_org
    with _ctx(w) as ctx:
        v1 = reg.add_processor(ctx, SUPABASE)
    changed = reg.ProcessorData(**{**vars(SUPABASE), "fields_en": "E-mail, name, phone", "fields_zh": "电子邮箱、姓名、电话"})
    with _ctx(w) as ctx:
        v2 = reg.change_processor(ctx, v1.processor_key, changed, note="phone added")
    with _ctx(w) as ctx:
        got = reg.versions(ctx.session, v1.processor_key)
        table_en = reg.disclosure_table(ctx.session, "en", DAY.date())
        table_zh = reg.disclosure_table(ctx.session, "zh", DAY.date())
        actions = [e.action for e in ctx.session.execute(select(AuditEvent).where(
            AuditEvent.actor_id == w[3].id)).scalars() if e.action.startswith("privacy.processor")]
    assert [(v.version, v.fields_en) for v in got] == [(1, "E-mail, name"), (2, "E-mail, name, phone")]
    assert got[1].date_added == got[0].date_added == DAY.date() and v2.version == 2
    (row,) = table_en
    assert row["Fields"] == "E-mail, name, phone" and row["Service"] == "Supabase"
    assert row["Transfer mechanism"] == "None (stays in China)" and row["Date added"] == "2026-03-02"
    (zh,) = table_zh
    assert zh["个人信息字段"] == "电子邮箱、姓名、电话" and zh["应用场景"] == "数据库和认证"
    assert actions == ["privacy.processor.added", "privacy.processor.changed"]


def test_an_announced_change_shows_only_from_its_effective_day(dpo_org):
    w = dpo_org
    with _ctx(w) as ctx:
        v1 = reg.add_processor(ctx, SUPABASE)
    moved = reg.ProcessorData(**{**vars(SUPABASE), "region": "ap-southeast-1", "abroad": True,
                                 "mechanism": "standard_contract"})
    with _ctx(w) as ctx:
        reg.change_processor(ctx, v1.processor_key, moved, effective_on=date(2026, 4, 6))
    with _ctx(w) as ctx:
        before = reg.disclosure_table(ctx.session, "en", date(2026, 4, 5))
        after = reg.disclosure_table(ctx.session, "en", date(2026, 4, 6))
    assert before[0]["Region"] == "cn-north-1"
    assert after[0]["Region"] == "ap-southeast-1 (outside China)"
    assert after[0]["Transfer mechanism"].startswith("Standard contract")
    with _ctx(w) as ctx:  # removed from a day: gone from the table from then, its versions still readable
        reg.remove_processor(ctx, v1.processor_key, effective_on=date(2026, 5, 1))
    with _ctx(w) as ctx:
        assert reg.disclosure_table(ctx.session, "en", date(2026, 5, 1)) == []
        assert len(reg.disclosure_table(ctx.session, "en", date(2026, 4, 30))) == 1
        assert [v.version for v in reg.versions(ctx.session, v1.processor_key)] == [1, 2, 3]


def test_only_a_dpo_writes_and_bad_entries_are_refused(dpo_org):
    w = dpo_org
    with _ctx(w, who=w[1]) as ctx, pytest.raises(PermissionDenied):
        reg.add_processor(ctx, SUPABASE)  # the owner holds no privacy.manage
    with _ctx(w) as ctx:
        v1 = reg.add_processor(ctx, SUPABASE)
    for bad, key in ((reg.ProcessorData(**{**vars(SUPABASE), "abroad": True}),
                      "privacy.processors.error.abroad_needs_mechanism"),
                     (reg.ProcessorData(**{**vars(SUPABASE), "purpose_zh": ""}), "privacy.processors.error.purpose_required"),
                     (SUPABASE, "privacy.processors.error.no_change")):
        with _ctx(w) as ctx, pytest.raises(DomainError) as err:
            reg.change_processor(ctx, v1.processor_key, bad)
        assert err.value.key == key
    with scoped_session(Scope(), owner_engine(w[0])) as s:
        assert s.execute(select(ProcessorVersion)).scalars().all().__len__() == 1


def test_every_signed_in_person_reads_the_public_table(dpo_org):
    engine, owner, org, dpo = dpo_org
    with _ctx(dpo_org) as ctx:
        reg.add_processor(ctx, SUPABASE)
    stranger = make_user(engine, name="Someone Else")  # in no organization
    with scoped_session(Scope(user_id=stranger.id, email=stranger.email), engine) as s:
        assert [r["服务"] for r in reg.disclosure_table(s, "zh", DAY.date())] == ["Supabase"]


def _mail_env(monkeypatch, port):
    monkeypatch.setenv("CBAM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CBAM_SMTP_PORT", str(port))
    monkeypatch.setenv("CBAM_SMTP_SECURITY", "none")
    monkeypatch.setenv("CBAM_MAIL_FROM", "CBAM <noreply@cbam.example.com>")
    get_settings.cache_clear()


def test_a_change_notice_reaches_every_owner_with_the_objection_deadline(dpo_org, monkeypatch):
    engine, owner, org, dpo = dpo_org
    owner2 = make_user(engine, name="Owner Two")
    make_org(engine, owner2, name_en="Second Steel Co.")
    viewer = make_user(engine, name="Viewer")
    add_member(engine, owner, org, viewer, "viewer")
    for who, language in ((owner, "en"), (owner2, "zh")):
        with scoped_session(Scope(user_id=who.id, email=who.email), engine) as s:
            u = s.get(User, who.id)
            u.language = language
            s.add(u)
    with _ctx(dpo_org) as ctx:
        v1 = reg.add_processor(ctx, SUPABASE)
    ai = reg.ProcessorData(**{**vars(SUPABASE), "service": "Example AI", "region": "us-east", "abroad": True,
                              "mechanism": "standard_contract"})
    with _ctx(dpo_org) as ctx:
        soon = reg.change_processor(ctx, v1.processor_key, ai, effective_on=date(2026, 3, 20))
    with _ctx(dpo_org) as ctx, scoped_session(Scope(), owner_engine(engine)) as op, pytest.raises(DomainError) as err:
        reg.schedule_change_notice(ctx, soon.id, operator=op)  # before the 30-day window ends: refused
    assert err.value.key == "privacy.processors.error.too_soon" and err.value.params["until"] == "2026-04-01"
    with _ctx(dpo_org) as ctx:
        later = reg.change_processor(ctx, v1.processor_key, ai, effective_on=date(2026, 4, 6), note="AI service")
    with smtp_server() as (port, received):
        _mail_env(monkeypatch, port)
        try:
            with _ctx(dpo_org) as ctx, scoped_session(Scope(), owner_engine(engine)) as op:
                result = reg.schedule_change_notice(ctx, later.id, operator=op)
                assert received == []  # nothing leaves before the commit
            got = {m.rcpt_tos[0]: m for m in received}
        finally:
            get_settings.cache_clear()
    assert set(got) == {owner.email, owner2.email} and viewer.email not in got  # owners only, each once
    assert result.notice.objection_until == date(2026, 4, 1) and result.notice.recipients == 2
    en, zh = got[owner.email], got[owner2.email]
    assert "Example AI" in en.subject and "2026-04-01" in en.body and "2026-04-06" in en.body
    assert "objection" in en.body and "异议" not in en.body
    assert "2026-04-01" in zh.body and "异议期" in zh.body and "objection" not in zh.body
    assert isinstance(en.message, EmailMessage)
    with scoped_session(Scope(), owner_engine(engine)) as s:
        (n, v) = reg.notices(s)[0]
        assert v.id == later.id and n.sent_on == date(2026, 3, 2)
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "privacy.processor.notice")).first()


def test_seeded_examples_are_marked_and_invent_nothing(dpo_org, monkeypatch):
    monkeypatch.setenv("CBAM_AI_BASE_URL", "https://llm.example.net/v1")
    monkeypatch.setenv("CBAM_AI_MODEL", "example-model")
    get_settings.cache_clear()
    try:
        with _ctx(dpo_org) as ctx:
            rows = reg.seed_examples(ctx)
        with _ctx(dpo_org) as ctx:
            assert reg.seed_examples(ctx) == []  # once
            table = reg.disclosure_table(ctx.session, "en", DAY.date())
    finally:
        get_settings.cache_clear()
    assert [r.service for r in rows] == ["Supabase", "example-model"] and all(r.example for r in rows)
    assert rows[1].provider == "llm.example.net" and rows[1].region == "" and rows[1].policy_url == ""
    assert all("(example, to be confirmed by the DPO)" in r["Service"] for r in table)
    with _ctx(dpo_org) as ctx:  # the DPO's change confirms an example as it stands
        confirmed = reg.change_processor(ctx, rows[0].processor_key, reg.ProcessorData.of(rows[0]))
    assert confirmed.version == 2 and not confirmed.example


def test_a_customer_organizations_dpo_cannot_change_the_platforms_registry(dpo_org):
    """The registry is the platform operator's: a DPO of any other organization is refused."""
    engine, _owner, _org, _dpo = dpo_org
    other_owner = make_user(engine, name="Other Owner")
    other = make_org(engine, other_owner, name_en="Customer Steel")
    other_dpo = make_user(engine, name="Customer Officer")
    add_member(engine, other_owner, other, other_dpo, "dpo")
    with context(engine, other_dpo, other) as ctx, pytest.raises(DomainError) as e:
        reg.add_processor(ctx, reg.ProcessorData(service="Rogue AI", purpose_zh="x", purpose_en="x"))
    assert e.value.key == "privacy.error.not_operator"
