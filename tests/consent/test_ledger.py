"""The consent ledger: each record names the notice shown; a withdrawal is a new row and the latest counts;
on PostgreSQL the database itself refuses the app role's UPDATE and DELETE."""
from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlmodel import select

from core.clock import FixedClock
from core.consent import ledger
from core.consent.notice import digest
from core.errors import DomainError
from core.identity.service import TRANSFER_ABROAD, has_transfer_consent, set_transfer_consent
from db.models import AuditEvent, ConsentRecord, User
from db.session import Scope, scoped_session
from tests.consent.helpers import T0
from tests.factories import make_user


def _person_session(engine, user):  # noqa: ANN001, ANN202
    return scoped_session(Scope(user_id=user.id, email=user.email, issuer=user.issuer, subject=user.subject), engine)


def test_withdrawal_is_a_new_row_and_the_latest_counts(engine):
    person = make_user(engine)
    with _person_session(engine, person) as s:
        user = s.get(User, person.id)
        set_transfer_consent(s, user, given=True, policy_version="1.0", clock=FixedClock(T0))
    with _person_session(engine, person) as s:
        user = s.get(User, person.id)
        assert ledger.states(s, user)[TRANSFER_ABROAD].granted
        ledger.withdraw(s, user, TRANSFER_ABROAD, clock=FixedClock(T0 + timedelta(minutes=1)))
    with _person_session(engine, person) as s:
        user = s.get(User, person.id)
        records = ledger.ledger(s, user)
        transfer = [r for r in records if ledger.purpose_of(r) == TRANSFER_ABROAD]
        assert [ledger.is_granted(r) for r in transfer] == [False, True]  # newest first; the given one is kept
        assert transfer[0].granted is False
        assert not ledger.states(s, user)[TRANSFER_ABROAD].granted
        assert not has_transfer_consent(s, user.id)
        with pytest.raises(DomainError) as refused:  # nothing left to withdraw
            ledger.withdraw(s, user, TRANSFER_ABROAD, clock=FixedClock(T0 + timedelta(minutes=2)))
        assert refused.value.key == "consent.error.not_given"
        with pytest.raises(DomainError):  # the policy acceptance is not withdrawn in one click
            ledger.withdraw(s, user, "privacy_policy", clock=FixedClock(T0))
        set_transfer_consent(s, user, given=True, policy_version="1.0", clock=FixedClock(T0 + timedelta(minutes=3)))
        assert ledger.states(s, user)[TRANSFER_ABROAD].granted and has_transfer_consent(s, user.id)
        assert s.exec(select(AuditEvent.action).where(AuditEvent.actor_id == user.id,
                                                      AuditEvent.action == "consent.transfer_withdrawn")).all()


def test_each_record_names_the_notice_shown(sqlite_engine):
    person = make_user(sqlite_engine)
    with _person_session(sqlite_engine, person) as s:
        user = s.get(User, person.id)
        set_transfer_consent(s, user, given=True, policy_version="1.0", clock=FixedClock(T0))
        records = {r.kind: r for r in ledger.ledger(s, user)}
    from core.i18n import t

    shown = digest(*(t(k, lang) for lang in ("zh", "en")
                     for k in ("assistant.transfer_consent", "assistant.transfer_consent_help")))
    assert records[TRANSFER_ABROAD].notice_version == f"transfer#{shown}"
    assert records["privacy_policy"].notice_version == "1.0"  # the factory's acceptance of the shipped file


@pytest.mark.parametrize("statement", [
    "UPDATE consent_record SET granted = false WHERE user_id = :u",
    "UPDATE consent_record SET accepted_at = accepted_at - interval '1 day' WHERE user_id = :u",
    "DELETE FROM consent_record WHERE user_id = :u",
    "TRUNCATE consent_record",
])
def test_the_app_role_cannot_change_or_delete_the_ledger_on_postgres(pg_engine, statement):
    person = make_user(pg_engine)
    with pytest.raises(ProgrammingError) as refused, _person_session(pg_engine, person) as s:
        assert s.exec(select(ConsentRecord).where(ConsentRecord.user_id == person.id)).all()  # reads its own
        s.execute(text(statement), {"u": person.id})
    assert isinstance(refused.value.orig, psycopg.errors.InsufficientPrivilege)
    with _person_session(pg_engine, person) as s:
        (row,) = s.exec(select(ConsentRecord).where(ConsentRecord.user_id == person.id)).all()
        assert row.granted is True
