"""The offline assistant answers every verified question in the question's language, says what it is, states only
numbers of the turn's tool results, cites its sources and stores the interaction."""
import re

import pytest

from core.assistant import VERIFIED, ask, interactions_of
from core.assistant.grounding import Grounding
from core.i18n import t
from tests.factories import context

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_verified_question_is_answered_in_its_language_from_the_tools(steel_org, lang):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        for v in VERIFIED:
            a = ask(ctx, getattr(v, lang))
            assert a.provider == "offline" and a.lang == lang and a.intent == v.intent, v.id
            assert a.text.startswith(t("assistant.offline_intro", lang)), v.id
            body = a.text.split("\n", 1)[1]
            if lang == "zh":
                assert CJK.search(body), v.id
            else:
                assert not CJK.search(body), (v.id, body)
            grounding = Grounding()
            for r in a.results:
                assert r.error is None, (v.id, r.error)
                grounding.add(r.numbers)
            assert grounding.ungrounded(a.text) == [], v.id
            assert a.citations, v.id
            assert not any("{" in line for line in a.text.splitlines()), v.id  # every template filled


def test_see_answer_states_the_engines_see_and_links_the_process(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, "为什么我的SEE是这个数值？", period_id=s.period.id)
    for code in s.expected["processes"]:
        assert f"工序 {code}" in a.text
    assert any(c.page == "processes" for c in a.citations)


def test_an_unknown_question_lists_what_it_answers(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, "Tell me a joke about the weather please")
    assert a.intent == "help" and VERIFIED[0].en in a.text


def test_interactions_are_stored_for_the_person_who_asked(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, "热轧钢板的CN编码是什么？")
    with context(s.engine, s.viewer, s.org) as ctx:
        rows = interactions_of(ctx)
        assert [r.id for r in rows] == [a.interaction_id]
        assert rows[0].question == "热轧钢板的CN编码是什么？" and rows[0].answer == a.text
        assert rows[0].tools[0]["tool"] == "cn_lookup" and rows[0].provider == "offline"
    with context(s.engine, s.owner, s.org) as ctx:
        assert interactions_of(ctx) == []  # another member sees only their own


def test_interactions_are_tagged_as_personal_data():
    from sqlmodel import SQLModel

    import db.models  # noqa: F401
    from db.personal_data import RETENTION_DAYS, personal_data_map

    cols = personal_data_map(SQLModel.metadata)["assistant_interaction"]
    assert cols["user_id"] == "identifier"
    assert cols["question"] == cols["answer"] == cols["tools"] == "activity"
    assert RETENTION_DAYS["assistant_interaction"] == 365


def test_a_supplier_e_mail_is_drafted_in_german_when_asked(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        a = ask(ctx, "请帮我起草一封给供应商的德语邮件")
    assert a.intent == "supplier" and "邮件草稿" in a.text and "Sehr geehrte Damen und Herren" in a.text
    grounding = Grounding()
    for r in a.results:
        grounding.add(r.numbers)
    assert grounding.ungrounded(a.text) == []
