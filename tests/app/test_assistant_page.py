"""The AI helper page: a person who may read data asks a question and gets a streamed answer with its sources; a
role that may not read data does not get the page."""
import pytest

from core.access import pages_for
from tests.app.conftest import open_app

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


@pytest.mark.parametrize(("role", "lang", "question", "expect"), [
    ("viewer", "zh", "本期的CBAM成本主要由什么构成？", "离线助手"),
    ("consultant", "en", "Which CN code is cement clinker?", "25231000"),
])
def test_a_question_gets_an_answer_with_citations(demo_data, role, lang, question, expect):
    at = open_app(role, lang, page="assistant")
    assert not at.exception, at.exception
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    answers = [m for m in at.chat_message if m.name == "assistant"]
    assert answers, "no answer"
    texts = " ".join(md.value for md in answers[-1].markdown)
    assert expect in texts, texts
    assert any("](/" in md.value for md in answers[-1].markdown), "no source links"  # page + field links


def test_the_page_is_for_every_role_that_reads_data():
    assert "assistant" in pages_for("viewer") and "assistant" in pages_for("consultant")
    assert "assistant" not in pages_for("dpo")
