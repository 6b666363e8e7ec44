"""Input is refused or saved exactly as typed: control characters and overlong text are refused with the field's
name (in the person's language) on both databases, never stripped; codes are matched whole and ASCII-only."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.cbam.reference import load_reference
from core.errors import ValidationFailed
from core.i18n import error_text
from core.installations import InstallationData, add_installation
from core.organizations.service import invite_member
from core.reporting import CustomerData, add_customer
from core.reporting.common import cn_error
from core.reporting.workflow import add_comment, list_comments
from core.validation import validate_country, validate_eori, validate_unlocode, validate_uscc
from db.models import Installation, Membership
from db.reporting_models import Customer
from tests.factories import context, make_installation, make_org, make_period, make_user

CONTROLS = ["Mill\x00One", "Mill\x07", "Mill\x1b[31m", "Mill\x85", "Mill\x9f", "Mill\nOne", "Mill\tOne"]


@pytest.fixture
def org(engine):
    owner = make_user(engine, name="Wang Li")
    return owner, make_org(engine, owner)


@pytest.mark.parametrize("name", CONTROLS)
def test_a_control_character_in_a_name_is_refused_and_nothing_is_stored(engine, org, name):
    owner, org_id = org
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
        add_installation(ctx, InstallationData(name=name, country="CN"))
    key, params = refused.value.errors["name"]
    assert key == "validation.text_control" and params["position"] == 5
    with context(engine, owner, org_id) as ctx:
        assert ctx.session.exec(select(Installation).where(Installation.name.like("Mill%"))).all() == []


def test_the_refusal_names_the_field_in_the_persons_language(engine, org):
    owner, org_id = org
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
        add_customer(ctx, data=CustomerData(name="Rhein\x00stahl", eori="DE123456789", country="DE"))
    assert "名称" in error_text(refused.value, "zh") and "U+0000" in error_text(refused.value, "zh")
    assert "Name: " in error_text(refused.value, "en")
    with context(engine, owner, org_id) as ctx:
        assert ctx.session.exec(select(Customer)).all() == []


def test_a_ten_megabyte_comment_is_refused_and_a_multiline_one_saved_exactly(engine, org):
    owner, org_id = org
    period = make_period(engine, owner, org_id)
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
        add_comment(ctx, period_id=period.id, field_path="processes.P1.name", text="x" * 10_000_000)
    assert refused.value.errors["text"][0] == "validation.text_too_long"
    # a lone surrogate (what a bad decode leaves) and a NUL in a comment: refused, not stripped
    for bad in ("Looks \ud800 wrong", "Looks \x00 wrong"):
        with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
            add_comment(ctx, period_id=period.id, field_path="processes.P1.name", text=bad)
        assert refused.value.errors["text"] == ("validation.text_control",
                                                {"position": 7, "char": f"U+{ord(bad[6]):04X}"})
    typed = "First line\n\tsecond line, 中文"
    with context(engine, owner, org_id) as ctx:
        add_comment(ctx, period_id=period.id, field_path="processes.P1.name", text=typed)
    with context(engine, owner, org_id) as ctx:
        assert [c.text for c in list_comments(ctx, period_id=period.id)] == [typed]


def test_a_406_character_invitation_address_is_refused_cleanly(engine, org):
    owner, org_id = org
    email = "a" * 394 + "@example.com"
    assert len(email) == 406
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
        invite_member(ctx, email=email, role="editor")
    assert refused.value.errors["email"] == ("validation.text_too_long", {"length": 406, "limit": 254})
    with context(engine, owner, org_id) as ctx:
        assert ctx.session.exec(select(Membership).where(Membership.status == "invited")).all() == []


def test_an_update_is_held_to_the_same_rule(engine, org):
    from core.installations import update_installation

    owner, org_id = org
    inst = make_installation(engine, owner, org_id, name="Mill", country="CN")
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
        update_installation(ctx, inst.id, InstallationData(name="Mill", address="Road\x00 1", country="CN"),
                            expected_version=inst.version)
    assert refused.value.errors["address"][0] == "validation.text_control"
    with context(engine, owner, org_id) as ctx:
        assert ctx.session.get(Installation, inst.id).address == "1 Mill Road"


def test_the_profile_name_is_held_to_the_rule(engine):
    from core.clock import SystemClock
    from core.identity.service import ProfileData, update_profile
    from db.session import Scope, scoped_session

    user = make_user(engine, name="Wang Li")
    with scoped_session(Scope(user_id=user.id, issuer=user.issuer, subject=user.subject), engine) as s:
        with pytest.raises(ValidationFailed) as refused:
            update_profile(s, s.get(type(user), user.id), ProfileData(name="Wang\x00Li"),
                           expected_version=user.version, clock=SystemClock())
    assert refused.value.errors["name"][0] == "validation.text_control"


# --- codes -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["72083900\n", "٧٢٠٨٣٩٠٠", "７２０８３９００", "72083900\x00"])
def test_a_cn_code_is_ascii_digits_and_nothing_after(typed):
    from core.cbam.scenario import CN_PATTERN

    assert CN_PATTERN.fullmatch(typed) is None and CN_PATTERN.fullmatch("72083900")
    assert cn_error(typed, load_reference()) is not None
    assert cn_error("72083900", load_reference()) is None


def test_codes_are_matched_whole_and_ascii_only():
    assert validate_unlocode("CNFOC\n") is not None and validate_unlocode("CNFOC") is None
    assert validate_eori("DE١٢٣٤٥") is not None and validate_eori("DE12345") is None
    assert validate_eori("DEﬁ123") is not None  # "ﬁ".upper() == "FI"
    assert validate_country("ＣＮ") is not None and validate_country("CN") is None
    assert validate_uscc("91350100M000100Y4\u0663") is not None


def test_a_process_code_with_a_trailing_newline_is_refused(engine, org):
    from core.reporting import ProcessData, add_process

    owner, org_id = org
    period = make_period(engine, owner, org_id)
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
        add_process(ctx, period_id=period.id, data=ProcessData(code="P1\n", goods_category="Iron or steel products",
                                                                cn_code="72083900", activity_level="100"))
    assert "code" in refused.value.errors


def test_a_scenario_cn_code_with_a_newline_is_refused():
    from core.cbam.errors import ScenarioError
    from core.cbam.scenario import parse_parameters

    with pytest.raises(ScenarioError):
        parse_parameters({"benchmarks": {"72083900\n": {"column_a": 1.0}}})


def test_an_organization_name_ending_in_a_control_character_is_refused_not_trimmed(engine, org):
    from core.organizations.service import OrganizationData, get_organization, update_organization

    owner, org_id = org
    with context(engine, owner, org_id) as ctx:
        version = get_organization(ctx).version
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org_id) as ctx:
        update_organization(ctx, OrganizationData(name_en="Acme Steel\x85"), expected_version=version)
    assert refused.value.errors["name_en"] == ("validation.text_control", {"position": 11, "char": "U+0085"})


def test_every_refused_field_is_named_in_both_languages():
    """A field error reads "Name: …" / "名称：…", never a bare message the person cannot place on the form."""
    import re
    from pathlib import Path

    from sqlmodel import SQLModel
    from sqlmodel.sql.sqltypes import AutoString

    from core.i18n import catalogs

    root = Path(__file__).resolve().parents[2] / "core"
    fields = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        fields |= set(re.findall(r'errors\["([a-z_]+)"\]', text))
        fields |= set(re.findall(r'ValidationFailed\(\{"([a-z_]+)"', text))
    # every typed text column can be refused by the text rule
    fields |= {c.key for t in SQLModel.metadata.sorted_tables for c in t.columns if isinstance(c.type, AutoString)
               and t.name not in ("audit_event", "period_snapshot", "consent_record")}
    fields -= {"issuer", "subject", "storage_key", "sha256", "hash", "prev_hash", "snapshot_hash", "media_type",
               "answer_snapshot_hash", "status", "chain", "deleted_reason", "kind", "policy_version",
               # written by the app, never typed: hashes, request numbers and kinds, outcomes, the AI provider's name
               "code_hash", "email_digest", "token_hash", "outcome", "note", "provider", "number", "type",
               "verification_method", "purpose",
               # written by the app: access-log entries, breach notices' obligations and delivery errors, digests
               "action", "resource", "viewer_role", "obligation", "error", "person_digest"}
    for lang in ("en", "zh"):
        missing = sorted(f for f in fields if f"field.{f}" not in catalogs()[lang])
        assert missing == [], lang
