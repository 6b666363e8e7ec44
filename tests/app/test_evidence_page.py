"""The Evidence page by role, on the seeded demo organization with evidence uploaded through the services."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.evidence import list_files, period_coverage, upload_files
from core.i18n import t
from core.organizations import memberships_of
from core.reporting import list_periods
from db.models import User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from tests.evidence import samples
from tests.factories import context


def _owner_ctx():
    engine = get_engine()
    with scoped_session(Scope(), engine) as s:
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
        org_id = memberships_of(s, owner)[0][0].id
    return engine, owner, org_id


@pytest.fixture
def with_evidence(demo_data):
    engine, owner, org = _owner_ctx()
    with context(engine, owner, org) as ctx:
        upload_files(ctx, files=[("炉前记录.png", samples.image("PNG")), ("invoice.pdf", samples.pdf())])
    return engine, owner, org


def _texts(at, kind="button"):
    return [e.label for e in getattr(at, kind)]


def test_owner_uploads_links_and_sees_coverage(with_evidence):
    engine, owner, org = with_evidence
    at = open_app("owner", "en", "evidence")
    assert not at.exception and not at.error
    assert t("evidence.upload_button", "en") in _texts(at)
    assert len(at.dataframe) == 3  # files, versions (in "replace"), coverage
    assert at.selectbox(key="ev_file").value is not None
    at.selectbox(key="ev_link_field").set_value("activity_level")
    at.button(key="ev_link_do").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with context(engine, owner, org) as ctx:
        views = list_files(ctx)
        linked = [v for v in views if v.links]
        period = list_periods(ctx)[0]
        cov = period_coverage(ctx, period_id=period.id)
    assert len(linked) == 1 and linked[0].links[0].field_name == "activity_level"
    assert cov.covered == 1
    assert t("evidence.unlink", "en") in _texts(at)
    at.button(key="ev_pack_build").click().run()
    assert not at.exception


def test_delete_needs_confirmation(with_evidence):
    engine, owner, org = with_evidence
    at = open_app("editor", "en", "evidence")
    delete = at.button(key="ev_delete_do")
    assert delete.disabled
    confirm = next(c for c in at.checkbox if c.key.startswith("ev_confirm_"))
    confirm.check().run()
    at.button(key="ev_delete_do").click().run()
    assert not at.exception and not at.error
    with context(engine, owner, org) as ctx:
        assert len(list_files(ctx)) == 1


@pytest.mark.parametrize("role", ["viewer", "consultant"])
def test_readers_see_and_download_but_do_not_change(with_evidence, role):
    at = open_app(role, "en", "evidence")
    assert not at.exception and not at.error
    labels = _texts(at)
    for key in ("evidence.upload_button", "evidence.link_button", "evidence.delete", "evidence.replace_button"):
        assert t(key, "en") not in labels
    assert len(at.dataframe) == 2
    assert at.selectbox(key="ev_file").value is not None
    assert [b.type for b in at.get("download_button")] == ["download_button"]  # members download


@pytest.mark.parametrize("lang", ["zh", "pseudo"])
def test_page_with_files_is_translated(with_evidence, lang):
    at = open_app("owner", lang, "evidence")
    assert not at.exception and not at.error
    if lang == "pseudo":
        from tests.app.conftest import visible_texts

        assert [x for x in visible_texts(at) if "⟦" not in x] == []


def test_images_and_pdfs_are_previewed_on_the_page(with_evidence):
    """Choosing each file in turn: the image is drawn as an image, the PDF in the PDF viewer; none says "no
    preview"."""
    engine, owner, org = with_evidence
    with context(engine, owner, org) as ctx:
        files = {v.file.media_type: v.file.id for v in list_files(ctx)}
    at = open_app("viewer", "en", "evidence")
    drawn = {}
    for media_type, file_id in files.items():
        at.session_state["ev_file"] = file_id
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert t("evidence.no_preview", "en") not in [c.value for c in at.caption]
        drawn[media_type] = {type(e).__name__ if type(e).__name__ != "UnknownElement" else str(e.proto)[:300]
                             for e in _walk(at.main)}
    assert "Image" in drawn["image/png"] and "Image" not in drawn["application/pdf"]
    assert any("pdf_viewer" in kind for kind in drawn["application/pdf"]), drawn["application/pdf"]


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)
