"""The retention engine (privacy.md D6): applies the schedule (core.retention.schedule) for one day.

- an organization whose cancellation is 30 days old is deleted: its evidence objects through the storage adapter's
  one erase path (core.evidence.erase_object: the objects go once the transaction has committed), every tenant
  table's rows for it (dependents first), the accounts of the people who belonged to it alone (through the privacy
  erasure, core.privacy.erasure.erase: their consents, objections and mentions in the audit log go too), and the
  organization itself. Its closed rights requests are kept (proof they were answered, 5 years) without the link to
  the organization; its audit chain is kept (5 years, below). In two transactions: first the organization's data
  (and the owners' deletion certificate: what was deleted, how many rows, when, sent when that commits), then,
  once the certificate has gone out, the memberships, the accounts and the organization row; if the certificate
  could not be sent, the accounts stay and the next run sends it again before erasing them. Reminders go to the
  owners 7 days and 1 day before;
- AI interactions older than 1 year and security events older than 2 years are deleted;
- audit events older than 5 years are pseudonymised: every value of `before`/`after` is replaced by a marker that
  keeps only its keyed commitment, so every chain still verifies (hash version 3; `cbam audit verify`). Deleting
  them would break the chains (the first remaining event would point at a missing one). Events hashed before
  version 3 cannot be changed without breaking their chain: they are counted as `legacy` and left;
- rows under a legal hold or an open rights request (core.retention.holds) are skipped and counted as held.

Every batch (one organization, or `batch_size` rows of one table) is its own transaction: a failure rolls that batch
back entirely, is written to the run log and raises an alert (an audit event `retention.alert` and an error in the
log), and the run goes on with the next batch. A run with `dry_run` changes nothing and reports the same counts
the run would. Reruns are idempotent: what is gone is not counted again, a pseudonymised event is not touched again.
The engine runs on the operator session (the owner connection on PostgreSQL): it reaches every organization."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, null, update
from sqlmodel import Session, SQLModel, select

from core import audit
from core.access import Role
from core.audit.service import ERASED, PSEUDONYM, SEALED_HMAC_SHA256, commitment, is_erased
from core.clock import FixedClock
from core.context import Context
from core.mail.outbox import FAILED, SENT
from core.retention import cancellation
from core.retention.holds import Holds, active_holds
from core.retention.schedule import REMINDER_DAYS, RULES, aware_local_day, start_of
from db.assistant_models import AssistantInteraction
from db.evidence_models import EvidenceFile
from db.models import AuditEvent, Membership, Organization, User
from db.privacy_models import PrivacyRequest
from db.retention_models import OrganizationCancellation, RetentionRun, SecurityEvent

log = logging.getLogger(__name__)

BATCH_SIZE = 500
PSEUDONYM_TOKEN = "retention-expired"  # what a pseudonymised audit value says instead of the value
# tables with an org_id that an organization's deletion keeps: the audit log (kept 5 years), rights requests (proof
# they were answered; detached from the organization), the cancellation itself (the record of the deletion)
KEPT = ("audit_event", "privacy_request", "organization_cancellation")
LAST = ("membership",)  # deleted after the members' accounts have been erased (erasure finds them through it)


@dataclass
class TableCount:
    deleted: int = 0
    pseudonymised: int = 0
    held: int = 0
    legacy: int = 0  # audit events hashed before version 3: left as they are

    def as_dict(self) -> dict[str, int]:
        out = {"deleted": self.deleted, "pseudonymised": self.pseudonymised, "held": self.held}
        if self.legacy:
            out["legacy"] = self.legacy
        return out


@dataclass
class RunResult:
    as_of: date
    dry_run: bool
    run_id: uuid.UUID | None = None
    status: str = "ok"
    duration_ms: int = 0
    tables: dict[str, TableCount] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    organizations_deleted: int = 0
    organizations_held: int = 0
    accounts_erased: int = 0
    files_erased: int = 0
    reminders: int = 0
    certificates: int = 0

    def count(self, table: str) -> TableCount:
        return self.tables.setdefault(table, TableCount())

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": str(self.run_id) if self.run_id else None, "as_of": self.as_of.isoformat(),
                "dry_run": self.dry_run, "status": self.status, "duration_ms": self.duration_ms,
                "tables": {k: v.as_dict() for k, v in sorted(self.tables.items())},
                "organizations_deleted": self.organizations_deleted, "organizations_held": self.organizations_held,
                "accounts_erased": self.accounts_erased, "files_erased": self.files_erased,
                "reminders": self.reminders, "certificates": self.certificates, "errors": self.errors}


def org_tables() -> list:
    """Every table with an org_id that an organization's deletion empties, dependents before what they point at."""
    import db.models  # noqa: F401  (registers every table)

    return [t for t in reversed(SQLModel.metadata.sorted_tables)
            if "org_id" in t.c and t.name not in KEPT]


def _error(result: RunResult, rule: str, exc: BaseException, **where: object) -> None:
    result.errors.append({"rule": rule, **{k: str(v) for k, v in where.items()},
                          "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"})
    log.error("retention: %s failed (%s): %s", rule, where, type(exc).__name__)


# --- organizations -------------------------------------------------------------------------------------------------

def org_counts(session: Session, org_id: uuid.UUID) -> dict[str, int]:
    """Rows an organization's deletion removes, per table (non-zero only)."""
    out = {}
    for table in org_tables():
        n = session.execute(select(func.count()).select_from(table).where(table.c.org_id == org_id)).scalar_one()
        if n:
            out[table.name] = n
    out["organization"] = 1
    return out


def sole_members(session: Session, org_id: uuid.UUID) -> list[uuid.UUID]:
    """People whose accounts go with the organization: members of it and of no other organization."""
    members = set(session.exec(select(Membership.user_id).where(Membership.org_id == org_id,
                                                                Membership.user_id.is_not(None))).all())
    elsewhere = set(session.exec(select(Membership.user_id).where(Membership.org_id != org_id,
                                                                  Membership.user_id.in_(members))).all())
    return sorted(members - elsewhere)


def erasable_accounts(session: Session, org_id: uuid.UUID) -> list[uuid.UUID]:
    """The sole members whose accounts the deletion erases (found by their e-mail, as the privacy erasure does)."""
    emails = dict(session.exec(select(User.id, User.email).where(User.id.in_(sole_members(session, org_id)))).all())
    return [uid for uid, email in sorted(emails.items()) if email]


def _live_files(session: Session, org_id: uuid.UUID) -> list[EvidenceFile]:
    return list(session.exec(select(EvidenceFile).where(EvidenceFile.org_id == org_id,
                                                        EvidenceFile.deleted_at.is_(None))).all())


def _detached_requests(session: Session, org_id: uuid.UUID) -> int:
    return session.execute(select(func.count()).select_from(PrivacyRequest)
                           .where(PrivacyRequest.org_id == org_id)).scalar_one()


def _mail_certificate(session: Session, org_id: uuid.UUID, cert: dict) -> list:
    return cancellation.mail_owners(
        session, org_id, "certificate", delete_on=cert["delete_on"], deleted_at=cert["deleted_on"],
        cancelled_on=cert["cancelled_on"], files=cert["files_erased"], accounts=cert["accounts_erased"],
        tables=lambda lang: certificate_lines(cert["deleted"], lang))


def delete_organization(session: Session, c: OrganizationCancellation, *, actor: User,
                        at: datetime) -> tuple[dict, list]:
    """Phase 1 of an organization's deletion, in the caller's transaction: the stored evidence objects and every
    tenant table's rows but the memberships; the certificate is stored and queued to the owners (sent when this
    commits). The memberships, the accounts and the organization row go in phase 2 (`finish_organization`), once
    the certificate has gone out: the owners' addresses are still there to send it to."""
    from core.evidence import erase_object

    org_id = c.org_id
    org = session.get(Organization, org_id)
    counts = org_counts(session, org_id)
    files = _live_files(session, org_id)
    people = erasable_accounts(session, org_id)
    cert = {"organization_id": str(org_id), "name_zh": org.name_zh if org else "",
            "name_en": org.name_en if org else "", "cancelled_on": aware_local_day(c.requested_at).isoformat(),
            "delete_on": c.delete_on.isoformat(), "deleted_on": aware_local_day(at).isoformat(),
            "deleted_at": at.isoformat(), "deleted": counts, "files_erased": len(files),
            "accounts_erased": len(people), "requests_kept": _detached_requests(session, org_id)}
    deliveries = _mail_certificate(session, org_id, cert)
    # 1. stored evidence objects, through the one erase path (the objects go when this commits)
    for f in files:
        ctx = Context(session=session, user=actor, org_id=org_id, role=Role.DPO, clock=FixedClock(at))
        erase_object(ctx, f, reason="retention")
    session.flush()
    # 2. every tenant table but the memberships, dependents first
    for table in org_tables():
        if table.name not in LAST:
            session.execute(delete(table).where(table.c.org_id == org_id))
    session.execute(update(OrganizationCancellation).where(OrganizationCancellation.id == c.id).values(
        deleted_at=at, certificate=cert, version=OrganizationCancellation.version + 1))
    audit.record(session, actor_id=actor.id, org_id=None, action="organization.deleted", entity="organization",
                 entity_id=org_id, before=None, after=cert, at=at)
    session.flush()
    return cert, deliveries


def finish_organization(session: Session, cancellation_id: uuid.UUID, org_id: uuid.UUID, *, actor: User,
                        at: datetime) -> dict[str, int]:
    """Phase 2, in the caller's transaction: the accounts of those who belonged to this organization alone (through
    the privacy erasure, with its ledger: their consents, objections and mentions in the audit log go too), the
    memberships, the link from the kept rights requests, and the organization row."""
    from core.privacy.erasure import erase

    people = sole_members(session, org_id)
    members = session.execute(select(func.count()).select_from(Membership)
                              .where(Membership.org_id == org_id)).scalar_one()
    detached = _detached_requests(session, org_id)
    session.execute(update(Membership).where(Membership.org_id == org_id).values(status="removed"))
    erased = 0
    for user_id in people:
        user = session.get(User, user_id)
        if user is not None and user.email:
            erase(session, user.email, actor=session.get(User, actor.id), at=at)
            erased += 1
    session.execute(delete(Membership).where(Membership.org_id == org_id))
    session.execute(update(PrivacyRequest).where(PrivacyRequest.org_id == org_id).values(org_id=None))
    session.execute(delete(Organization).where(Organization.id == org_id))
    cert = session.execute(select(OrganizationCancellation.certificate)
                           .where(OrganizationCancellation.id == cancellation_id)).scalar_one()
    session.execute(update(OrganizationCancellation).where(OrganizationCancellation.id == cancellation_id).values(
        certificate={**(cert or {}), "accounts_erased": erased, "completed_at": at.isoformat()},
        version=OrganizationCancellation.version + 1))
    session.flush()
    return {"membership": members, "accounts": erased, "requests": detached}


PHASE_2 = ("membership", "organization")  # counted when phase 2 commits


def certificate_lines(counts: dict[str, int], lang: str) -> str:
    from core.i18n import t

    return "\n".join(t("retention.mail.line", lang, name=t(f"retention.table.{name}", lang), rows=n)
                     for name, n in sorted(counts.items()))


def _organizations(session: Session, result: RunResult, holds: Holds, today: date, at: datetime,
                   actor: User | None, only_org: uuid.UUID | None = None) -> set[uuid.UUID]:
    """Deletions due today, and reminders before them; deletions whose phase 2 is still to do (the certificate
    could not be sent, or phase 2 failed). Returns the organizations whose deletion was attempted."""
    attempted: set[uuid.UUID] = set()
    query = select(OrganizationCancellation).where(
        OrganizationCancellation.withdrawn_at.is_(None), OrganizationCancellation.deleted_at.is_(None))
    if only_org is not None:
        query = query.where(OrganizationCancellation.org_id == only_org)
    pending = session.exec(query.order_by(OrganizationCancellation.delete_on)).all()
    for c in pending:
        org_id, delete_on = c.org_id, c.delete_on
        if delete_on > today:
            _remind(session, result, c, today)
            continue
        if org_id in holds.deletion_held:
            result.organizations_held += 1
            for name, n in org_counts(session, org_id).items():
                result.count(name).held += n
            continue
        attempted.add(org_id)
        if result.dry_run:
            result.organizations_deleted += 1
            for name, n in org_counts(session, org_id).items():
                result.count(name).deleted += n
            result.files_erased += len(_live_files(session, org_id))
            result.accounts_erased += len(erasable_accounts(session, org_id))
            result.count("privacy_request").pseudonymised += _detached_requests(session, org_id)
            continue
        try:
            cert, deliveries = delete_organization(session, c, actor=actor, at=at)
            session.commit()
        except Exception as exc:  # noqa: BLE001  (any failure: this organization's batch is rolled back)
            session.rollback()
            _error(result, "organization", exc, org_id=org_id)
            continue
        result.files_erased += cert["files_erased"]
        for name, n in cert["deleted"].items():
            if name not in PHASE_2:
                result.count(name).deleted += n
        if _sent(result, org_id, deliveries):
            _phase_2(session, result, c.id, org_id, actor, at)
    # deletions whose phase 2 is still to do: the certificate again, then phase 2
    if not result.dry_run:
        unfinished = select(OrganizationCancellation).where(
            OrganizationCancellation.deleted_at.is_not(None), OrganizationCancellation.withdrawn_at.is_(None),
            OrganizationCancellation.org_id.in_(select(Organization.id)),
            OrganizationCancellation.org_id.not_in(attempted) if attempted else True)
        if only_org is not None:
            unfinished = unfinished.where(OrganizationCancellation.org_id == only_org)
        for c in session.exec(unfinished).all():
            cid, org_id, cert = c.id, c.org_id, dict(c.certificate or {})
            attempted.add(org_id)
            deliveries = _mail_certificate(session, org_id, cert)  # again: it may not have gone out
            session.commit()
            if _sent(result, org_id, deliveries):
                _phase_2(session, result, cid, org_id, actor, at)
    return attempted


def _sent(result: RunResult, org_id: uuid.UUID, deliveries: list) -> bool:
    """Did the certificate go out (or is there no mail server to send it with)? A failure is an error of the run;
    the accounts stay until the certificate has gone out (the next run sends it again)."""
    failed = [d for d in deliveries if d.status == FAILED]
    result.certificates += sum(1 for d in deliveries if d.status == SENT)
    for d in failed:
        result.errors.append({"rule": "organization", "org_id": str(org_id),
                              "error": f"certificate not sent: {d.error}"})
    return not failed


def _phase_2(session: Session, result: RunResult, cid: uuid.UUID, org_id: uuid.UUID, actor: User,
             at: datetime) -> None:
    try:
        done = finish_organization(session, cid, org_id, actor=actor, at=at)
        session.commit()
    except Exception as exc:  # noqa: BLE001
        session.rollback()
        _error(result, "organization", exc, org_id=org_id)
        return
    result.organizations_deleted += 1
    result.accounts_erased += done["accounts"]
    result.count("membership").deleted += done["membership"]
    result.count("organization").deleted += 1
    if done["requests"]:
        result.count("privacy_request").pseudonymised += done["requests"]


def _remind(session: Session, result: RunResult, c: OrganizationCancellation, today: date) -> None:
    days_left = (c.delete_on - today).days
    due = [r for r in REMINDER_DAYS if days_left <= r and r not in (c.reminders or [])]
    if not due:
        return
    result.reminders += 1
    if result.dry_run:
        return
    try:
        deliveries = cancellation.mail_owners(session, c.org_id, "reminder", delete_on=c.delete_on, days=days_left)
        session.execute(update(OrganizationCancellation).where(OrganizationCancellation.id == c.id).values(
            reminders=sorted({*(c.reminders or []), *due}, reverse=True)))
        session.commit()
    except Exception as exc:  # noqa: BLE001
        session.rollback()
        _error(result, "reminder", exc, org_id=c.org_id)
        return
    for d in deliveries:
        if d.status == FAILED:
            result.errors.append({"rule": "reminder", "org_id": str(c.org_id), "error": f"not sent: {d.error}"})


# --- rows past their period ----------------------------------------------------------------------------------------

def _delete_rows(session: Session, result: RunResult, holds: Holds, today: date, *, key: str, model,  # noqa: ANN001
                 trigger, org_col, user_col, skip_orgs: set[uuid.UUID], batch_size: int, where=None) -> None:  # noqa: ANN001
    rule = RULES[key]
    count = result.count(rule.table)
    query = select(model.id, org_col if org_col is not None else null(), user_col).where(trigger < rule.cutoff(today))
    if where is not None:
        query = query.where(where)
    rows = session.execute(query.order_by(model.id)).all()
    due = []
    for row_id, org_id, user_id in rows:
        if org_id is not None and org_id in skip_orgs:
            continue  # the organization's deletion counts (or held) them
        if holds.row(org_id, user_id):
            count.held += 1
        else:
            due.append(row_id)
    if result.dry_run:
        count.deleted += len(due)
        return
    for start in range(0, len(due), batch_size):
        batch = due[start:start + batch_size]
        try:
            n = session.execute(delete(model).where(model.id.in_(batch))).rowcount
            session.commit()
        except Exception as exc:  # noqa: BLE001
            session.rollback()
            _error(result, key, exc, batch=start // batch_size + 1)
            continue
        count.deleted += n


def _live(value: Any) -> bool:
    """Does an audit value still hold anything (a leaf that is neither empty nor already a commitment)?"""
    if is_erased(value):
        return False
    if isinstance(value, dict):
        return any(_live(v) for v in value.values())
    if isinstance(value, list):
        return any(_live(v) for v in value)
    return value is not None


def _expire(value: Any, chain: str, seq: int) -> Any:
    if value is None or is_erased(value):
        return value
    if isinstance(value, dict):
        return {k: _expire(v, chain, seq) for k, v in value.items()}
    if isinstance(value, list):
        return [_expire(v, chain, seq) for v in value]
    return {ERASED: commitment(chain, seq, value), PSEUDONYM: PSEUDONYM_TOKEN}


def _audit_events(session: Session, result: RunResult, holds: Holds, today: date, batch_size: int,
                  only_org: uuid.UUID | None = None) -> None:
    rule = RULES["audit_event"]
    count = result.count(rule.table)
    cutoff, last_id, batch_no = rule.cutoff(today), 0, 0
    while True:
        query = select(AuditEvent).where(AuditEvent.at < cutoff, AuditEvent.id > last_id)
        if only_org is not None:
            query = query.where(AuditEvent.org_id == only_org)
        events = session.exec(query.order_by(AuditEvent.id).limit(batch_size)).all()
        if not events:
            break
        batch_no += 1
        last_id = events[-1].id
        changes = []
        for ev in events:
            if not (_live(ev.before) or _live(ev.after)):
                continue  # nothing left to pseudonymise (an earlier run did it)
            if holds.row(ev.org_id, ev.actor_id):
                count.held += 1
            elif ev.hash_version != SEALED_HMAC_SHA256:
                count.legacy += 1
            else:
                changes.append((ev.id, _expire(ev.before, ev.chain, ev.seq), _expire(ev.after, ev.chain, ev.seq)))
        session.expunge_all()
        if result.dry_run or not changes:
            count.pseudonymised += len(changes) if result.dry_run else 0
            continue
        try:
            for ev_id, before, after in changes:
                session.execute(update(AuditEvent).where(AuditEvent.id == ev_id).values(before=before, after=after))
            session.commit()
        except Exception as exc:  # noqa: BLE001
            session.rollback()
            _error(result, "audit_event", exc, batch=batch_no)
            continue
        count.pseudonymised += len(changes)


# --- the run -------------------------------------------------------------------------------------------------------

def run(session: Session, *, today: date, at: datetime | None = None, dry_run: bool = False,
        batch_size: int = BATCH_SIZE, record: bool = True, only_org: uuid.UUID | None = None) -> RunResult:
    """Apply the schedule for `today` (China Standard Time). `record`: write the run to the run log (a preview for
    the DPO's page does not). `only_org`: a preview of one organization's rows (its members' sign-ins for the
    security log). Commits batch by batch; see the module."""
    from core.privacy.erasure import system_actor

    if not dry_run and (not record or only_org is not None):
        raise ValueError("a run that changes data covers every organization and is always recorded")
    started = time.monotonic()
    at = at or start_of(today)
    result = RunResult(as_of=today, dry_run=dry_run)
    actor = None
    run_row = None
    if record:
        actor = system_actor(session, at)
        run_row = RetentionRun(as_of=today, dry_run=dry_run, started_at=at, counts={}, errors=[])
        session.add(run_row)
        session.commit()
        result.run_id = run_row.id
    holds = active_holds(session, today)
    try:
        attempted = _organizations(session, result, holds, today, at, actor, only_org)
    except Exception as exc:  # noqa: BLE001
        session.rollback()
        _error(result, "organization", exc)
        attempted = set()
    members = select(Membership.user_id).where(Membership.org_id == only_org, Membership.user_id.is_not(None))
    steps = (("assistant_interaction", AssistantInteraction, AssistantInteraction.created_at,
              AssistantInteraction.org_id, AssistantInteraction.user_id,
              AssistantInteraction.org_id == only_org if only_org else None),
             ("security_event", SecurityEvent, SecurityEvent.at, None, SecurityEvent.user_id,
              SecurityEvent.user_id.in_(members) if only_org else None))
    for key, model, trigger, org_col, user_col, where in steps:
        try:
            _delete_rows(session, result, holds, today, key=key, model=model, trigger=trigger, org_col=org_col,
                         user_col=user_col, skip_orgs=attempted, batch_size=batch_size, where=where)
        except Exception as exc:  # noqa: BLE001
            session.rollback()
            _error(result, key, exc)
    try:
        _audit_events(session, result, holds, today, batch_size, only_org)
    except Exception as exc:  # noqa: BLE001
        session.rollback()
        _error(result, "audit_event", exc)
    for rule in RULES.values():
        result.count(rule.table)
    result.status = "failed" if result.errors else "ok"
    result.duration_ms = max(1, round((time.monotonic() - started) * 1000))
    if record:
        _finish(session, result, run_row.id, actor.id, at)
    return result


def _finish(session: Session, result: RunResult, run_id: uuid.UUID, actor_id: uuid.UUID, at: datetime) -> None:
    """The run log entry, the run's audit event and, on failure, the alert."""
    summary = result.as_dict()
    session.execute(update(RetentionRun).where(RetentionRun.id == run_id).values(
        status=result.status, finished_at=at, duration_ms=result.duration_ms,
        counts={k: summary[k] for k in ("tables", "organizations_deleted", "organizations_held", "accounts_erased",
                                        "files_erased", "reminders", "certificates")},
        errors=result.errors))
    if not result.dry_run:
        audit.record(session, actor_id=actor_id, org_id=None, action="retention.run", entity="retentionrun",
                     entity_id=run_id, before=None, after={"as_of": result.as_of, "tables": summary["tables"],
                                                           "organizations_deleted": result.organizations_deleted,
                                                           "errors": len(result.errors)}, at=at)
    if result.errors:
        audit.record(session, actor_id=actor_id, org_id=None, action="retention.alert", entity="retentionrun",
                     entity_id=run_id, before=None,
                     after={"as_of": result.as_of, "dry_run": result.dry_run, "errors": len(result.errors),
                            "rules": sorted({e["rule"] for e in result.errors})}, at=at)
        log.error("retention run %s for %s failed: %d error(s)", run_id, result.as_of, len(result.errors))
    session.commit()


def runs(session: Session, *, limit: int = 20) -> list[RetentionRun]:
    return list(session.exec(select(RetentionRun).order_by(RetentionRun.started_at.desc()).limit(limit)))


def alerts(session: Session, *, limit: int = 20) -> list[RetentionRun]:
    """Failed runs, newest first: the alert the DPO's page shows on top."""
    return list(session.exec(select(RetentionRun).where(RetentionRun.status == "failed")
                             .order_by(RetentionRun.started_at.desc()).limit(limit)))
