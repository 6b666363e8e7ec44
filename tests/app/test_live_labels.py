"""A select box whose label names a state (a period's status, a member's role) shows the new state right after the
action that changed it. The browser keeps the label it was last sent: it shows a new one only when the element
carries it (`set_value` with `raw_value`), which is what these tests read."""
from __future__ import annotations

from sqlmodel import select

from core.i18n import t
from core.organizations import list_members
from db.models import User
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from tests.factories import context


def _owner(at):
    with scoped_session(Scope(), get_engine()) as s:
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
    return owner, at.session_state["acting"].org_id


def _browser_label(box, before: str) -> str:
    """What the browser shows after this run: the label sent with the element, else the one it already had."""
    return box.proto.raw_value if box.proto.set_value else before


def _label_now(box) -> str:
    return box.options[box.index]


def test_period_status_in_the_picker_follows_submit(demo_data):
    at = open_app("editor", "en", "reporting")
    box = at.selectbox(key="rep_period")
    shown = _label_now(box)
    assert t("reporting.status.draft", "en") in shown
    at.button(key="rep_reporting.submit").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    box = at.selectbox(key="rep_period")
    submitted = t("reporting.status.submitted", "en")
    assert submitted in _label_now(box)  # the options say so ...
    assert submitted in _browser_label(box, shown)  # ... and so does the box the person looks at
    at.run()  # and the label stays current on the next run
    assert submitted in _browser_label(at.selectbox(key="rep_period"), _browser_label(box, shown))


def test_member_role_in_the_chooser_follows_a_role_change(demo_data):
    at = open_app("owner", "zh", "members")
    box = at.selectbox(key="member_selected")
    viewer = next(o for o in box.options if t("role.viewer", "zh") in o)
    with context(get_engine(), *_owner(at)) as ctx:
        member = next(m for m in list_members(ctx) if m.role == "viewer")
    box.set_value(member.id)
    at.run()
    shown = viewer  # the person chose it in the browser
    at.selectbox(key="member_new_role").set_value("editor")
    at.button(key="member_apply_role").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    box = at.selectbox(key="member_selected")
    label = _browser_label(box, shown)
    assert t("role.editor", "zh") in label and t("role.viewer", "zh") not in label, label
