"""Guided rectification (issue 14): a person sees the names and contact details the platform keeps about them and
where each can be corrected.

- their account (name, phone, language) they correct themselves on Profile, at once;
- their e-mail comes from the sign-in provider, where it is changed;
- a value in an organization's record (an importer's contact person, a signatory, a customer request's sender) is
  the organization's to change: the person picks the value and types what it should read, and that becomes a
  rectification request to the organization's DPO, who applies it with one click (requests.apply_correction).

The values offered are found on the operator session from the person's identity (core.privacy.subject), and a
request names only a value found that way: a person cannot ask to change a record that is not about them."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from core.errors import DomainError, ValidationFailed
from core.privacy import requests
from core.privacy.controller import _EMAIL, correctable, model_of
from core.privacy.subject import find_subject, rows_of, table_of
from core.validation.text import check_changes
from db.models import Organization, User
from db.privacy_models import PrivacyRequest

ACCOUNT_FIELDS = ("name", "phone", "language")  # corrected by the person on Profile
PROVIDER_FIELDS = ("email",)                    # corrected at the sign-in provider


@dataclass(frozen=True)
class Held:
    """One value an organization keeps about the person, that they may ask it to correct."""
    org_id: uuid.UUID
    org_name: str
    table: str
    row_id: str
    column: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.table}:{self.row_id}:{self.column}"


def held_values(session: Session, user_id: uuid.UUID, lang: str = "en") -> list[Held]:
    """The names and contact details in organizations' records that are the person's (their e-mail, or their
    name within an organization they belong to)."""
    user = session.get(User, user_id)
    if user is None:
        return []
    try:
        subject = find_subject(session, user.email or "")
    except DomainError:
        return []
    out: list[Held] = []
    names: dict[uuid.UUID, str] = {}
    for table, rows in rows_of(session, subject).items():
        for row in rows:
            org_id = row.get("org_id")
            if org_id is None:
                continue
            for column, value in row.items():
                if not isinstance(value, str) or not value or not correctable(table, column):
                    continue
                if not (subject.mentions(value) or value.strip().lower() == subject.email):
                    continue
                if org_id not in names:
                    org = session.get(Organization, org_id)
                    names[org_id] = (org.name_zh or org.name_en) if lang == "zh" else (org.name_en or org.name_zh)
                pk = list(table_of(table).primary_key.columns)[0].name
                out.append(Held(org_id, names[org_id] or "", table, str(row[pk]), column, value))
    return sorted(out, key=lambda h: (h.org_name, h.table, h.column, h.row_id))


def request_correction(session: Session, *, user_id: uuid.UUID, key: str, requested: str, details: str,
                       at: datetime) -> PrivacyRequest:
    """A rectification request for one of the person's held values (found again here, never taken from the
    caller), to the DPO of the organization that keeps it. The requested value is refused, never altered, when
    it breaks the text rule."""
    user = session.get(User, user_id)
    held = {h.key: h for h in held_values(session, user_id)}.get(key) if user is not None else None
    if held is None:
        raise DomainError("privacy.error.no_correction")
    check_changes(model_of(held.table), {held.column: requested})
    if held.column.endswith("email") and requested and not _EMAIL.fullmatch(requested):
        raise ValidationFailed({held.column: ("validation.email_format", {})})
    if requested == held.value:
        raise DomainError("privacy.error.correction_unchanged")
    correction = {"table": held.table, "row_id": held.row_id, "column": held.column, "current": held.value,
                  "requested": requested}
    return requests.create_request(session, user=user, org_id=held.org_id, type="rectification", details=details,
                                   at=at, correction=correction)

