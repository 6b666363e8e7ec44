"""The golden subject: export finds every planted value and nothing of the look-alike's; erasure leaves none of
the subject's values outside the retained tables (where only pseudonyms remain), removes the stored file, keeps
the audit chain verifiable, leaves the look-alike's rows byte-identical, refuses a last owner, is idempotent, and
is replayed from the ledger after a restore."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import audit
from core.errors import DomainError
from core.privacy.erasure import replay_erasures
from core.privacy.service import erase_for, export_for, person_by_email
from core.settings import get_settings
from db.models import User
from db.session import Scope, scoped_session
from tests.factories import add_member, make_org, make_user
from tests.privacy.golden import (
    LOOKALIKE,
    RETAINED,
    SUBJECT,
    dump,
    owner_engine,
    plant,
    rows_mentioning,
    unplanted_columns,
)

AT = datetime(2026, 11, 30, 10, tzinfo=UTC)


@pytest.fixture
def world(engine):
    subject = plant(engine, SUBJECT, org_name="Golden Steel")
    lookalike = plant(engine, LOOKALIKE, org_name="Other Steel")
    dpo = make_user(engine, email="dpo@golden.example", name="Data Officer")
    add_member(engine, subject.owner, subject.org_id, dpo, "dpo")
    return engine, subject, lookalike, dpo


def _op(engine):
    return scoped_session(Scope(), owner_engine(engine))


def _lookalike_dump(engine, lookalike) -> dict:
    d = dump(engine)
    return {t: [r for r in rows if any(v.casefold() in r.casefold() for v in lookalike.values())
                or lookalike.org_id.hex in r or str(lookalike.org_id) in r] for t, rows in d.items()}


def test_the_subject_is_planted_in_every_personal_data_column(world):
    engine, subject, lookalike, _ = world
    assert unplanted_columns(engine, subject) == []
    assert unplanted_columns(engine, lookalike) == []


def test_export_holds_every_planted_value_and_none_of_the_lookalikes(world):
    engine, subject, lookalike, dpo = world
    with _op(engine) as s:
        result = export_for(s, subject_email=subject.email, actor=person_by_email(s, subject.email), at=AT)
    z = zipfile.ZipFile(io.BytesIO(result.data))
    names = z.namelist()
    manifest = json.loads(z.read("manifest.json"))
    assert {f["path"] for f in manifest["files"]} == set(names) - {"manifest.json"}
    for f in manifest["files"]:
        assert hashlib.sha256(z.read(f["path"])).hexdigest() == f["sha256"]
    data = json.loads(z.read("data.json"))
    assert data["schema_version"] == 1
    assert {n for n in names if n.startswith("csv/")} == {f"csv/{t}.csv" for t in data["tables"]}
    blob = "\n".join(z.read(n).decode("utf-8", "replace") for n in names if not n.startswith("files/"))
    for v in subject.values()[:5]:  # the id as text (the hex form is only how SQLite stores it)
        assert v.casefold() in blob.casefold(), v
    for v in lookalike.values():
        assert v.casefold() not in blob.casefold(), v
    (evidence,) = [n for n in names if n.startswith("files/")]
    assert z.read(evidence) == subject.file_bytes and subject.name in evidence
    dictionary = json.loads(z.read("dictionary.json"))
    assert dictionary["app_user.email"]["zh"] and dictionary["app_user.email"]["en"]
    processing = json.loads(z.read("processing.json"))
    assert {f["table"] for f in processing["en"]} >= {"app_user", "audit_event"}
    with _op(engine) as s:  # the export is in the log, and the log still verifies
        assert audit.verify(s).ok
        assert s.execute(select(audit.service.AuditEvent.id).where(
            audit.service.AuditEvent.action == "privacy.export")).first() is not None


def test_erasure_leaves_only_pseudonyms_and_the_chain_verifies(world):
    engine, subject, lookalike, dpo = world
    before_lookalike = _lookalike_dump(engine, lookalike)
    store = get_settings().data_dir / "evidence" / subject.storage_key
    assert store.is_file()
    with _op(engine) as s:
        dry = erase_for(s, subject_email=subject.email, actor=person_by_email(s, dpo.email), at=AT, dry_run=True)
    assert dry.dry_run and dry.deleted["app_user"] == 1 and store.is_file()
    assert rows_mentioning(dump(engine), [subject.email]) != {}
    with _op(engine) as s:
        receipt = erase_for(s, subject_email=subject.email, actor=person_by_email(s, dpo.email), at=AT)
    r = receipt.as_dict()
    assert r["deleted"] == dry.deleted and r["retained"].keys() == dry.retained.keys()
    # the real run also seals the event that records the file's deletion, which the dry run does not write
    assert r["retained"]["audit_event"]["rows"] == dry.retained["audit_event"]["rows"] + 1
    assert r["deleted"]["app_user"] == 1 and r["deleted"]["membership"] == 1 and r["deleted"]["consent_record"] >= 1
    assert r["retained"]["audit_event"]["reason"] == "privacy.reason.audit_log"
    assert r["files_removed"] == 1 and not store.exists()
    after = dump(engine)
    assert rows_mentioning(after, subject.values(), skip=RETAINED) == {}
    assert rows_mentioning(after, subject.personal_values()) == {}
    assert any(receipt.subject in row for row in after["audit_event"])
    with _op(engine) as s:
        assert audit.verify(s).ok
    assert _lookalike_dump(engine, lookalike) == before_lookalike
    # twice: nothing changes
    with _op(engine) as s:
        again = erase_for(s, subject_email=subject.email, actor=person_by_email(s, dpo.email), at=AT)
    assert again.already_erased and again.deleted == {} and dump(engine) == after


def test_a_restored_backup_is_erased_again_from_the_ledger(world):
    engine, subject, _lookalike, dpo = world
    with _op(engine) as s:
        row = s.get(User, subject.user.id)
        saved = {k: getattr(row, k) for k in User.model_fields}
        erase_for(s, subject_email=subject.email, actor=person_by_email(s, dpo.email), at=AT)
    with _op(engine) as s:  # the account comes back with a restore
        s.add(User(**saved))
    with _op(engine) as s:
        receipts = replay_erasures(s, actor=person_by_email(s, dpo.email), at=AT)
    assert [r.deleted.get("app_user") for r in receipts] == [1]
    with _op(engine) as s:
        assert s.get(User, subject.user.id) is None
        assert audit.verify(s).ok


def test_a_last_owner_is_refused_until_ownership_is_transferred(engine):
    owner = make_user(engine, email="sole.owner@example.com", name="Sole Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, email="dpo2@example.com", name="Officer Two")
    add_member(engine, owner, org, dpo, "dpo")
    with _op(engine) as s, pytest.raises(DomainError) as err:
        erase_for(s, subject_email=owner.email, actor=person_by_email(s, dpo.email), at=AT)
    assert err.value.key == "privacy.error.last_owner"
    heir = make_user(engine, name="Heir")
    add_member(engine, owner, org, heir, "owner")
    with _op(engine) as s:
        assert erase_for(s, subject_email=owner.email, actor=person_by_email(s, dpo.email), at=AT).deleted


def test_only_a_dpo_of_the_persons_organization_may_erase(world):
    engine, subject, lookalike, _dpo = world
    with _op(engine) as s, pytest.raises(DomainError) as err:
        erase_for(s, subject_email=subject.email, actor=person_by_email(s, lookalike.email), at=AT)
    assert err.value.key == "privacy.error.not_dpo"


def test_after_erasure_editing_a_value_that_was_not_erased_still_breaks_the_chain(world):
    """Sealing values as commitments keeps the log tamper-evident: only erasure's own markers verify."""
    from sqlalchemy import update

    from db.models import AuditEvent

    engine, subject, _lookalike, dpo = world
    with _op(engine) as s:
        erase_for(s, subject_email=subject.email, actor=person_by_email(s, dpo.email), at=AT)
    with _op(engine) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.org_id == subject.org_id,
                                                AuditEvent.action == "installation.create")).scalars().first() \
            or s.execute(select(AuditEvent).where(AuditEvent.org_id == subject.org_id,
                                                  AuditEvent.after.is_not(None))).scalars().first()
        after = dict(ev.after)
        key = next(k for k, v in after.items() if isinstance(v, str) and not v.startswith("erased-"))
        after[key] = after[key] + " (edited)"
        s.execute(update(AuditEvent).where(AuditEvent.id == ev.id).values(after=after))
    with _op(engine) as s:
        result = audit.verify(s)
    assert not result.ok and result.reason == "hash_mismatch"


def test_a_third_partys_contact_details_are_exported_and_erased_by_the_controllers_dpo(world):
    """Organization as controller: an importer's contact person without an account, found by e-mail across the
    tagged columns of the DPO's organization, exported and erased with a receipt."""
    from sqlalchemy import update

    from db.reporting_models import Customer

    engine, subject, lookalike, dpo = world
    contact = ("anna.kontakt@importer.example", "Anna Kontakt")
    with _op(engine) as s:
        s.execute(update(Customer).where(Customer.org_id == subject.org_id).values(
            contact_name=contact[1], contact_email=contact[0]))
        s.execute(update(Customer).where(Customer.org_id == lookalike.org_id).values(contact_name=contact[1]))
    with _op(engine) as s:
        result = export_for(s, subject_email=contact[0], actor=person_by_email(s, dpo.email), at=AT)
    data = zipfile.ZipFile(io.BytesIO(result.data)).read("data.json").decode()
    assert contact[0] in data and contact[1] in data and str(lookalike.org_id) not in data
    with _op(engine) as s:
        receipt = erase_for(s, subject_email=contact[0], actor=person_by_email(s, dpo.email), at=AT)
    assert receipt.retained["customer"]["reason"] == "privacy.reason.third_party_contact"
    after = dump(engine)
    assert rows_mentioning(after, [contact[0]]) == {}
    assert [t for t, rows in rows_mentioning(after, [contact[1]]).items()] == ["customer"]  # only org B's namesake
    with _op(engine) as s:
        assert audit.verify(s).ok


def test_events_hashed_before_sealing_are_left_as_they_are_and_reported(engine, monkeypatch):
    """Events written before hash version 3 hash the values themselves: rewriting them would break their chain,
    so erasure leaves them and lists them in the receipt (`audit_event_legacy`); the log still verifies."""
    import core.audit.service as svc

    monkeypatch.setattr(svc, "HASH_VERSION", svc.HMAC_SHA256)  # as the code before this change wrote events
    person = make_user(engine, email="old.timer@example.com", name="Old Timer")
    owner = make_user(engine, name="Owner Old")
    org = make_org(engine, owner)
    add_member(engine, owner, org, person, "editor")
    monkeypatch.setattr(svc, "HASH_VERSION", svc.SEALED_HMAC_SHA256)
    dpo = make_user(engine, email="dpo3@example.com", name="Officer Three")
    add_member(engine, owner, org, dpo, "dpo")
    with _op(engine) as s:
        receipt = erase_for(s, subject_email=person.email, actor=person_by_email(s, dpo.email), at=AT)
    assert receipt.retained["audit_event_legacy"]["rows"] >= 1
    with _op(engine) as s:
        assert audit.verify(s).ok
