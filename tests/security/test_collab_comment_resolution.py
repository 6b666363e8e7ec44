"""Only a review comment's author or a reviewer (a role that may review or approve periods) resolves it; the service
refuses anyone else, whatever the page shows."""
from __future__ import annotations

import pytest

from core.errors import PermissionDenied
from core.reporting import (
    ProcessData,
    add_comment,
    add_process,
    list_comments,
    resolve_comment,
    submit_period,
)
from core.review import comment_views
from tests.factories import add_member, context, make_org, make_period, make_user

P1 = ProcessData(code="P1", name="BOF", goods_category="Crude steel", route="Basic oxygen steelmaking",
                 cn_code="72071114", activity_level=1000,
                 direct_emissions=1800)


@pytest.fixture
def reviewed(engine):
    owner, editor = make_user(engine, name="Wang Li"), make_user(engine, name="Chen Gang")
    consultant, other_consultant = make_user(engine, name="Dr. Berg"), make_user(engine, name="Li Wei")
    viewer = make_user(engine, name="Zhao Min")
    org = make_org(engine, owner)
    for person, role in ((editor, "editor"), (consultant, "consultant"), (other_consultant, "consultant"),
                         (viewer, "viewer")):
        add_member(engine, owner, org, person, role)
    period = make_period(engine, owner, org)
    with context(engine, editor, org) as ctx:
        add_process(ctx, period_id=period.id, data=P1)
        submit_period(ctx, period_id=period.id, expected_version=period.version)
    return engine, org, period, {"owner": owner, "editor": editor, "consultant": consultant,
                                 "other_consultant": other_consultant, "viewer": viewer}


def _comment(engine, org, period, author, text="Source?"):
    with context(engine, author, org) as ctx:
        return add_comment(ctx, period_id=period.id, field_path="processes[0].activity_level", text=text)


def _resolve(engine, org, person, comment):
    with context(engine, person, org) as ctx:
        return resolve_comment(ctx, comment_id=comment.id, expected_version=comment.version)


def test_editor_and_viewer_may_not_resolve_a_reviewers_comment(reviewed):
    engine, org, period, people = reviewed
    comment = _comment(engine, org, period, people["consultant"])
    for who in ("editor", "viewer"):
        with pytest.raises(PermissionDenied):
            _resolve(engine, org, people[who], comment)
    with context(engine, people["owner"], org) as ctx:
        assert [c.resolved for c in list_comments(ctx, period_id=period.id)] == [False]


@pytest.mark.parametrize("who", ["consultant", "other_consultant", "owner"])
def test_the_author_or_a_reviewer_resolves(reviewed, who):
    engine, org, period, people = reviewed
    comment = _comment(engine, org, period, people["consultant"])
    resolved = _resolve(engine, org, people[who], comment)
    assert resolved.resolved and resolved.resolved_by == people[who].id


def test_comments_carry_author_and_time_and_who_may_resolve(reviewed):
    engine, org, period, people = reviewed
    _comment(engine, org, period, people["consultant"], text="Production report says 1 050 t")
    with context(engine, people["editor"], org) as ctx:
        (view,) = comment_views(ctx, period_id=period.id)
    assert (view.author, view.comment.text, view.may_resolve) == ("Dr. Berg", "Production report says 1 050 t", False)
    assert view.written_at is not None
    with context(engine, people["other_consultant"], org) as ctx:
        (view,) = comment_views(ctx, period_id=period.id)
    assert view.may_resolve
