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


def test_an_owner_switches_the_ai_service_on_the_page(demo_data, monkeypatch):
    from core.settings import get_settings

    monkeypatch.setenv("CBAM_AI_BASE_URL", "http://127.0.0.1:9/v1")  # configured, never called: nothing is asked
    monkeypatch.setenv("CBAM_AI_MODEL", "m")
    get_settings.cache_clear()
    at = open_app("owner", "en", page="assistant")
    assert not at.exception, at.exception
    toggle = [tg for tg in at.toggle if tg.key == "assistant_enable"]
    assert toggle and toggle[0].value is False
    toggle[0].set_value(True).run()
    assert not at.exception, at.exception
    assert any("The AI service is on" in c.value for c in at.caption)
    viewer = open_app("viewer", "en", page="assistant")
    assert not [tg for tg in viewer.toggle if tg.key == "assistant_enable"]  # not the viewer's switch


def test_a_document_gives_proposals_and_only_the_confirmed_one_is_saved(demo_data):
    from tests.assistant.test_assistant_documents import LINES, text_pdf

    at = open_app("owner", "en", page="assistant")
    at.file_uploader(key="assistant_doc").set_value(("declaration.pdf", text_pdf(LINES), "application/pdf")).run()
    at.button(key="assistant_doc_read").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Production output: 1,250.5 t" in c.value for c in at.caption)
    save = at.button(key="assistant_doc_save_0")
    assert save.disabled  # nothing saved before the person ticks this figure
    at.checkbox(key="assistant_doc_ok_0").check().run()
    at.button(key="assistant_doc_save_0").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success
    viewer = open_app("viewer", "en", page="assistant")
    viewer.file_uploader(key="assistant_doc").set_value(("d.pdf", text_pdf(LINES), "application/pdf")).run()
    viewer.button(key="assistant_doc_read").click().run()
    assert not [b for b in viewer.button if (b.key or "").startswith("assistant_doc_save")]
