"""The personal-data map: one structure, derived from the column tags in `db/personal_data.py`, that says for
every column holding personal data why it is processed, on what legal basis, how long it is kept, what an access
export does with it and what an erasure does with it.

Export, erasure, the processing facts in an export and the DPO's register all read this map, and a coverage gate
(tests/privacy/test_data_map_coverage.py) reads the live schema and fails on any personal-data column that has no
entry here, so a new column cannot silently escape a person's rights.

Erasure actions:
- `delete`: the row is deleted (it is the person's own: the account, memberships, consent records);
- `pseudonymise`: the row is kept because the organization or the law needs it, and the link to the person is
  removed (an author reference set to NULL, a name blanked, the person's values in text or the audit log replaced
  by a pseudonym); `reason` says why the row is kept;
- `exempt`: nothing is changed, `reason` documents why (a time stamp alone, once its row no longer points to the
  person, identifies nobody).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import SQLModel

from db.personal_data import INFO_KEY, PersonalData

DELETE, PSEUDONYMISE, EXEMPT = "delete", "pseudonymise", "exempt"
INCLUDE = "include"
ERASURE_ACTIONS = (DELETE, PSEUDONYMISE, EXEMPT)

# Retention periods are the platform privacy policy's own promises (policy §9, "Data Retention"); where it
# promises more than the law, the policy is the bar.
RET_ACCOUNT = "retention.account"      # subscription + 30 days after cancellation (policy §9)
RET_AUDIT = "retention.audit"          # 5 years (policy §9)
RET_ORG_RECORD = "retention.org_record"  # the organization's CBAM file, as long as the organization keeps it
RET_ASSISTANT = "retention.assistant"  # AI helper questions and answers: one year (policy §9; RETENTION_DAYS)
RET_SECURITY = "retention.security"    # security logs (sign-ins): 2 years (policy §9; core.retention.schedule)

BASIS_CONTRACT = "basis.contract"      # GDPR Art 6(1)(b); PIPL Art 13(2)
BASIS_CONSENT = "basis.consent"        # GDPR Art 6(1)(a), 7(1) (proof of consent); PIPL Art 13(1)
BASIS_LEGAL = "basis.legal_obligation"  # GDPR Art 6(1)(c), 17(3)(b) and (e); PIPL Art 13(3), 47
BASIS_LEGIT = "basis.legitimate_interest"  # GDPR Art 6(1)(f)

REASON_AUTHOR = "reason.author_reference"
REASON_AUDIT = "reason.audit_log"
REASON_ORG_RECORD = "reason.org_record"
REASON_THIRD_PARTY = "reason.third_party_contact"
REASON_TIMESTAMP = "reason.timestamp_unlinked"
REASON_EVIDENCE = "reason.evidence_record"
REASON_REQUEST = "reason.request_record"
REASON_LEDGER = "reason.erasure_ledger"
REASON_SECURITY = "reason.security_log"
REASON_HOLD = "reason.legal_hold"
REASON_BREACH = "reason.breach_record"
REASON_TRANSFER = "reason.transfer_count"
REASON_ACCESS_LOG = "reason.access_log"
REASON_MINOR = "reason.minor_report"


@dataclass(frozen=True)
class Rule:
    purpose: str
    legal_basis: str
    retention: str
    export: str | None
    erasure: str | None
    reason: str = ""


@dataclass(frozen=True)
class Entry:
    table: str
    column: str
    category: str
    purpose: str
    legal_basis: str
    retention: str
    export: str | None
    erasure: str | None
    reason: str = ""

    @property
    def complete(self) -> bool:
        """An export and an erasure action, and a documented reason wherever the value is not simply deleted."""
        return (self.export == INCLUDE and self.erasure in ERASURE_ACTIONS
                and (self.erasure == DELETE or bool(self.reason)))

    def as_dict(self) -> dict:
        return asdict(self)


_ACCOUNT = Rule("purpose.account", BASIS_CONTRACT, RET_ACCOUNT, INCLUDE, DELETE)
_CONSENT = Rule("purpose.consent_proof", BASIS_CONSENT, RET_ACCOUNT, INCLUDE, DELETE)
_MEMBER = Rule("purpose.membership", BASIS_CONTRACT, RET_ACCOUNT, INCLUDE, DELETE)
_AUTHOR = Rule("purpose.accountability", BASIS_CONTRACT, RET_ORG_RECORD, INCLUDE, PSEUDONYMISE, REASON_AUTHOR)
_AUDIT = Rule("purpose.audit", BASIS_LEGAL, RET_AUDIT, INCLUDE, PSEUDONYMISE, REASON_AUDIT)
_AUDIT_AT = Rule("purpose.audit", BASIS_LEGAL, RET_AUDIT, INCLUDE, EXEMPT, REASON_TIMESTAMP)
_CONTACT = Rule("purpose.customer_exchange", BASIS_LEGIT, RET_ORG_RECORD, INCLUDE, PSEUDONYMISE, REASON_THIRD_PARTY)
_ORG_TEXT = Rule("purpose.cbam_reporting", BASIS_CONTRACT, RET_ORG_RECORD, INCLUDE, PSEUDONYMISE, REASON_ORG_RECORD)
_EVIDENCE = Rule("purpose.cbam_reporting", BASIS_CONTRACT, RET_ORG_RECORD, INCLUDE, PSEUDONYMISE, REASON_EVIDENCE)
_REQUEST = Rule("purpose.rights_requests", BASIS_LEGAL, RET_AUDIT, INCLUDE, PSEUDONYMISE, REASON_REQUEST)
_OBJECTION = Rule("purpose.objections", BASIS_LEGAL, RET_ACCOUNT, INCLUDE, DELETE)
_LEDGER = Rule("purpose.erasure_ledger", BASIS_LEGAL, RET_AUDIT, INCLUDE, EXEMPT, REASON_LEDGER)
# the person's questions to the AI helper, its answers and the reporting data it used: theirs, deleted on erasure
_ASSISTANT = Rule("purpose.assistant", BASIS_CONTRACT, RET_ASSISTANT, INCLUDE, DELETE)
# sign-ins: the security log (policy §9, 2 years; Cybersecurity Law Art 21(3)); erasure removes the link to the person
_SECURITY = Rule("purpose.security", BASIS_LEGIT, RET_SECURITY, INCLUDE, PSEUDONYMISE, REASON_SECURITY)
_SECURITY_AT = Rule("purpose.security", BASIS_LEGIT, RET_SECURITY, INCLUDE, EXEMPT, REASON_TIMESTAMP)
# legal holds name the person held, who set and who released them (GDPR Art 17(3)(e); PIPL Art 47(2))
_HOLD = Rule("purpose.legal_hold", BASIS_LEGAL, RET_ORG_RECORD, INCLUDE, PSEUDONYMISE, REASON_HOLD)
# a breach notice to a person (its address and whom it named): kept as proof the notice was given (GDPR Art 33(5)
# documents every breach; 5 years like the audit log), the link to the person removed on erasure
_BREACH = Rule("purpose.breach_notification", BASIS_LEGAL, RET_AUDIT, INCLUDE, PSEUDONYMISE, REASON_BREACH)
# a transfer abroad (core/privacy/registers/transfers.py): kept to count the people transferred in the calendar year against
# the PIPL thresholds (CAC Provisions on Promoting and Regulating Cross-Border Data Flows, 2024, Art 7-8); erasure
# removes the link to the person (user_id), the keyed digest keeps them counted once
_TRANSFER = Rule("purpose.transfer_register", BASIS_LEGAL, RET_AUDIT, INCLUDE, PSEUDONYMISE, REASON_TRANSFER)
_TRANSFER_DIGEST = Rule("purpose.transfer_register", BASIS_LEGAL, RET_AUDIT, INCLUDE, EXEMPT, REASON_TRANSFER)
# who viewed or exported whose data (issue 15): an audit log of reads, kept like the audit log (policy §9)
_ACCESS = Rule("purpose.access_log", BASIS_LEGAL, RET_AUDIT, INCLUDE, PSEUDONYMISE, REASON_ACCESS_LOG)
_ACCESS_AT = Rule("purpose.access_log", BASIS_LEGAL, RET_AUDIT, INCLUDE, EXEMPT, REASON_TIMESTAMP)
# a report that a member may be under 18 (policy §10; PIPL Art 31): kept as proof of what was done
_MINOR = Rule("purpose.minor_protection", BASIS_LEGAL, RET_AUDIT, INCLUDE, PSEUDONYMISE, REASON_MINOR)
_MINOR_AT = Rule("purpose.minor_protection", BASIS_LEGAL, RET_AUDIT, INCLUDE, EXEMPT, REASON_TIMESTAMP)
_EVIDENCE_AT = Rule("purpose.cbam_reporting", BASIS_CONTRACT, RET_ORG_RECORD, INCLUDE, EXEMPT, REASON_TIMESTAMP)

# Explicit rules per (table, column). Author references (a nullable foreign key to app_user) follow `_AUTHOR`
# unless named here; any other personal-data column without a rule leaves its entry incomplete and fails the gate.
RULES: dict[tuple[str, str], Rule] = {
    **{("app_user", c): _ACCOUNT for c in ("issuer", "subject", "email", "name", "phone", "language",
                                           "created_at", "updated_at")},
    ("app_user", "adult_confirmed_at"): _CONSENT,
    ("app_user", "suspended_at"): _ACCOUNT,
    **{("consent_record", c): _CONSENT for c in ("user_id", "kind", "policy_version", "age_confirmed",
                                                 "accepted_at", "granted", "notice_version")},
    **{("membership", c): _MEMBER for c in ("user_id", "invited_email", "status")},
    ("audit_event", "actor_id"): _AUDIT,
    ("audit_event", "before"): _AUDIT,
    ("audit_event", "after"): _AUDIT,
    ("audit_event", "at"): _AUDIT_AT,
    ("organization", "signatory_name"): _ORG_TEXT,
    # the operator's contact for the registry report and the communication template (migration 0029)
    ("organization", "contact_phone"): _CONTACT,
    ("organization", "contact_email"): _CONTACT,
    ("customer", "contact_name"): _CONTACT,
    ("customer", "contact_email"): _CONTACT,
    ("customer_request", "requested_by"): _CONTACT,
    ("customer_request", "requested_by_email"): _CONTACT,
    ("customer_request", "subject"): _ORG_TEXT,
    ("review_comment", "text"): _ORG_TEXT,
    ("evidence_file", "original_name"): _EVIDENCE,
    ("evidence_file", "uploaded_at"): _EVIDENCE_AT,
    **{("privacy_request", c): _REQUEST for c in ("requester_user_id", "requester_email", "details", "received_at",
                                                  "assigned_to", "notes", "correction")},
    **{("privacy_objection", c): _OBJECTION for c in ("user_id", "purpose", "objected", "updated_at")},
    **{("privacy_erasure", c): _LEDGER for c in ("user_id", "email_digest")},
    **{("assistant_interaction", c): _ASSISTANT for c in ("user_id", "question", "answer", "tools")},
    # the invitation links sent to the person's address: theirs, like the membership they open
    **{("invitation_token", c): _MEMBER for c in ("email", "used_at")},
    ("security_event", "user_id"): _SECURITY,
    ("security_event", "at"): _SECURITY_AT,
    **{("retention_hold", c): _HOLD for c in ("user_id", "set_by", "released_by")},
    ("organization_cancellation", "requested_by"): _AUTHOR,
    **{("breach_notice", c): _BREACH for c in ("recipient", "recipient_user_id")},
    ("data_transfer", "user_id"): _TRANSFER,
    ("data_transfer", "person_digest"): _TRANSFER_DIGEST,
    ("personal_data_access", "viewer"): _ACCESS,
    ("personal_data_access", "subjects"): _ACCESS,
    ("personal_data_access", "at"): _ACCESS_AT,
    ("minor_report", "user_id"): _MINOR,
    ("minor_report", "reason"): _MINOR,
    ("minor_report", "reported_at"): _MINOR_AT,
}


def _is_author_reference(col) -> bool:  # noqa: ANN001
    return col.nullable and any(fk.column.table.name == "app_user" for fk in col.foreign_keys)


def data_map(metadata=None) -> list[Entry]:
    """Every column tagged as personal data, with what is done with it. Derived from the tags: a column tagged
    `none` is not here; a tagged column with no rule gets an entry whose actions are None (the gate fails)."""
    metadata = metadata or _metadata()
    out: list[Entry] = []
    for table in metadata.sorted_tables:
        for col in table.columns:
            category = col.info.get(INFO_KEY)
            if category == PersonalData.NONE.value:
                continue
            rule = RULES.get((table.name, col.name))
            if rule is None and category == PersonalData.IDENTIFIER.value and _is_author_reference(col):
                rule = _AUTHOR
            if rule is None:
                out.append(Entry(table.name, col.name, str(category), "", "", "", None, None))
            else:
                out.append(Entry(table.name, col.name, str(category), rule.purpose, rule.legal_basis,
                                 rule.retention, rule.export, rule.erasure, rule.reason))
    return out


def entries_by_table(metadata=None) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for e in data_map(metadata):
        out.setdefault(e.table, []).append(e)
    return out


def author_columns(table: str) -> list[str]:
    return [e.column for e in entries_by_table().get(table, []) if e.reason == REASON_AUTHOR]


def _metadata():
    import db.models  # noqa: F401  (registers every table)

    return SQLModel.metadata


def processing_facts(lang: str = "en") -> list[dict]:
    """What the export tells a person about the processing: per table, the categories, purposes, legal bases,
    retention, recipients and transfers, in their language, generated from the map."""
    from core.i18n import t

    facts = []
    for table, entries in entries_by_table().items():
        facts.append({
            "table": table,
            "columns": [e.column for e in entries],
            "categories": sorted({e.category for e in entries}),
            "purposes": sorted({t(f"privacy.{e.purpose}", lang) for e in entries if e.purpose}),
            "legal_bases": sorted({t(f"privacy.{e.legal_basis}", lang) for e in entries if e.legal_basis}),
            "retention": sorted({t(f"privacy.{e.retention}", lang) for e in entries if e.retention}),
            "erasure": sorted({e.erasure or "-" for e in entries}),
            "recipients": t("privacy.recipients", lang),
            "transfers": t("privacy.transfers", lang),
        })
    return facts
