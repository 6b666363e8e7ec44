"""The breach register's services: record a breach, name the organizations and people it affects, mark an
authority's or a controller's notice done with its evidence, record the Art 34(3) exemption, list the register.

Only a DPO (privacy.manage) acting in the operator's organization (CBAM_OPERATOR_ORG_ID) keeps the register; its rows
carry that organization's id, so the tenant policy hides them from everyone else on PostgreSQL. Every change is
audited in the operator organization's chain. People and organizations anywhere on the platform are looked up in
a `directory` session (the operator session in the app: the app role sees only its own organization's members)."""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from core import audit
from core.access import Permission
from core.context import Context
from core.errors import DomainError, NotFound, ValidationFailed
from core.privacy.breaches import clocks as c
from core.settings import get_settings
from db.breach_models import Breach, BreachNotice
from db.models import Membership, Organization, User

# What a breach's data categories are (Art 33(3)(a), PIPL Art 57(1)): the kinds of data the platform holds
DATA_CATEGORIES = ("identity", "contact", "account", "activity", "cbam_data", "customer_contacts", "evidence",
                   "ai_interactions")
TEXT_MAX = 4000
# GDPR Art 33(3): what a notice to the supervisory authority must contain; marking one done needs them all
ART33_FIELDS = ("description", "data_categories", "approx_people", "consequences", "measures", "contact")


@dataclass
class BreachData:
    aware_at: datetime
    description: str
    severity: str
    role: str
    detected_at: datetime | None = None
    data_categories: list[str] = field(default_factory=list)
    approx_people: int = 0
    approx_records: int = 0
    member_states: list[str] = field(default_factory=list)
    high_risk: bool = False
    consequences: str = ""
    measures: str = ""
    advice: str = ""
    contact: str = ""


def require_keeper(ctx: Context) -> uuid.UUID:
    """The register's keeper: a DPO acting in the operator's organization."""
    ctx.require(Permission.PRIVACY_MANAGE)
    operator = get_settings().operator_org_id.strip()
    if not operator or str(ctx.tenant) != operator:
        raise DomainError("breach.error.not_operator")
    return ctx.tenant


def _validate(data: BreachData, now: datetime) -> None:
    errors: dict[str, tuple[str, dict]] = {}
    if not (data.description or "").strip():
        errors["description"] = ("breach.error.description_required", {})
    if data.aware_at is None or c.aware(data.aware_at) > c.aware(now):
        errors["aware_at"] = ("breach.error.aware_in_future", {})
    if data.detected_at is not None and data.aware_at is not None and \
            c.aware(data.detected_at) > c.aware(data.aware_at):
        errors["detected_at"] = ("breach.error.detected_after_aware", {})
    if data.severity not in c.SEVERITIES:
        errors["severity"] = ("breach.error.severity_choice", {})
    if data.role not in c.ROLES:
        errors["role"] = ("breach.error.role_choice", {})
    if any(x not in DATA_CATEGORIES for x in data.data_categories):
        errors["data_categories"] = ("breach.error.category_choice", {})
    bad = [s for s in data.member_states if s not in c.EU_MEMBER_STATES]
    if bad:
        errors["member_states"] = ("breach.error.member_state", {"codes": ", ".join(bad)})
    if data.approx_people < 0 or data.approx_records < 0:
        errors["approx_people"] = ("breach.error.negative", {})
    for name in ("description", "consequences", "measures", "advice"):
        if len(getattr(data, name) or "") > TEXT_MAX:
            errors[name] = ("breach.error.too_long", {"max": TEXT_MAX})
    if errors:
        raise ValidationFailed(errors)


def _facts(b: Breach) -> dict:
    """What the audit keeps of a breach: the whole record (no personal data in it; people are in the notices)."""
    return {k: getattr(b, k) for k in (
        "number", "detected_at", "aware_at", "description", "data_categories", "approx_people", "approx_records",
        "affected_org_ids", "member_states", "role", "severity", "high_risk", "consequences", "measures", "advice",
        "contact", "exemption_ground", "exemption_justification", "exempted_at", "closed_at", "version")}


def _record(ctx: Context, action: str, entity: str, entity_id: object, before: dict | None, after: dict | None) -> None:
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant, action=f"privacy.breach.{action}",
                 entity=entity, entity_id=entity_id, before=before, after=after, at=ctx.clock.now())


def _apply(b: Breach, data: BreachData) -> None:
    b.aware_at, b.detected_at = data.aware_at, data.detected_at
    b.description = data.description.strip()
    b.severity, b.role, b.high_risk = data.severity, data.role, bool(data.high_risk)
    b.data_categories = sorted(set(data.data_categories))
    b.member_states = sorted(set(data.member_states))
    b.approx_people, b.approx_records = int(data.approx_people), int(data.approx_records)
    b.consequences, b.measures = data.consequences.strip(), data.measures.strip()
    b.advice, b.contact = data.advice.strip(), data.contact.strip()[:500]


def record_breach(ctx: Context, data: BreachData) -> Breach:
    """Document a breach (GDPR Art 33(5): every one, notified or not); its clocks start at `aware_at`."""
    org = require_keeper(ctx)
    now = ctx.clock.now()
    _validate(data, now)
    b = Breach(org_id=org, number=f"BR-{c.aware(now):%Y%m%d}-{secrets.token_hex(2).upper()}", aware_at=data.aware_at,
               description="", role=data.role, severity=data.severity, created_by=ctx.user.id,
               updated_by=ctx.user.id, created_at=now, updated_at=now)
    _apply(b, data)
    ctx.session.add(b)
    ctx.session.flush()
    _record(ctx, "recorded", "breach", b.id, None, _facts(b))
    return b


def get_breach(ctx: Context, breach_id: uuid.UUID) -> Breach:
    org = require_keeper(ctx)
    b = ctx.session.exec(select(Breach).where(Breach.id == breach_id, Breach.org_id == org)).first()
    if b is None:
        raise NotFound("breach", breach_id)
    return b


def _change(ctx: Context, b: Breach, action: str, expected_version: int | None, change) -> Breach:  # noqa: ANN001
    if expected_version is not None and b.version != expected_version:
        raise DomainError("breach.error.changed_meanwhile")
    before = _facts(b)
    change(b)
    b.version += 1
    b.updated_by, b.updated_at = ctx.user.id, ctx.clock.now()
    ctx.session.add(b)
    ctx.session.flush()
    _record(ctx, action, "breach", b.id, before, _facts(b))
    return b


def update_breach(ctx: Context, breach_id: uuid.UUID, data: BreachData, *, expected_version: int) -> Breach:
    """New facts as the investigation goes on (GDPR Art 33(4): information in phases); the clocks follow."""
    b = get_breach(ctx, breach_id)
    _validate(data, ctx.clock.now())
    return _change(ctx, b, "updated", expected_version, lambda x: _apply(x, data))


def record_exemption(ctx: Context, breach_id: uuid.UUID, *, ground: str, justification: str) -> Breach:
    """GDPR Art 34(3): no notice to the people, for a written reason the register keeps (and the audit log)."""
    why = (justification or "").strip()
    errors: dict[str, tuple[str, dict]] = {}
    if ground not in c.EXEMPTION_GROUNDS:
        errors["ground"] = ("breach.error.ground_choice", {})
    if not why:
        errors["justification"] = ("breach.error.justification_required", {})
    if errors:
        raise ValidationFailed(errors)
    b = get_breach(ctx, breach_id)
    now = ctx.clock.now()

    def change(x: Breach) -> None:
        x.exemption_ground, x.exemption_justification, x.exempted_at = ground, why[:TEXT_MAX], now
    return _change(ctx, b, "exempted", None, change)


def close_breach(ctx: Context, breach_id: uuid.UUID) -> Breach:
    """Closed: the investigation is over. Refused while an obligation is still owed."""
    b = get_breach(ctx, breach_id)
    owed = [o for o in obligations_of(ctx, b) if o.pending]
    if owed:
        raise DomainError("breach.error.obligations_open", count=len(owed))
    now = ctx.clock.now()
    return _change(ctx, b, "closed", None, lambda x: setattr(x, "closed_at", now))


def notices_of(ctx: Context, breach_id: uuid.UUID) -> list[BreachNotice]:
    org = require_keeper(ctx)
    return list(ctx.session.exec(select(BreachNotice).where(BreachNotice.breach_id == breach_id,
                                                            BreachNotice.org_id == org)
                                 .order_by(BreachNotice.created_at, BreachNotice.recipient)))


def obligations_of(ctx: Context, b: Breach) -> list[c.Obligation]:
    return c.obligations(b, notices_of(ctx, b.id), ctx.clock.now())


def list_breaches(ctx: Context) -> list[tuple[Breach, list[c.Obligation]]]:
    """The register with each breach's obligations: open breaches by their next deadline, then closed ones."""
    org = require_keeper(ctx)
    rows = list(ctx.session.exec(select(Breach).where(Breach.org_id == org)))
    notices: dict[uuid.UUID, list[BreachNotice]] = {}
    for n in ctx.session.exec(select(BreachNotice).where(BreachNotice.org_id == org)):
        notices.setdefault(n.breach_id, []).append(n)
    now = ctx.clock.now()
    out = [(b, c.obligations(b, notices.get(b.id, []), now)) for b in rows]

    def order(item: tuple[Breach, list[c.Obligation]]) -> tuple:
        nxt = c.next_deadline(item[1])
        return (nxt is None, nxt.due_at if nxt else c.aware(item[0].aware_at))
    return sorted(out, key=order)


def missing_art33(b: Breach) -> list[str]:
    return [f for f in ART33_FIELDS if not getattr(b, f)]


def complete_obligation(ctx: Context, breach_id: uuid.UUID, key: str, evidence: str) -> BreachNotice:
    """An authority's or a controller's notice is given: recorded with its evidence (a filing reference, the mail
    sent). A supervisory authority's needs the Art 33(3) contents on the breach first."""
    proof = (evidence or "").strip()
    if not proof:
        raise ValidationFailed({"evidence": ("breach.error.evidence_required", {})})
    b = get_breach(ctx, breach_id)
    items = {o.key: o for o in obligations_of(ctx, b)}
    o = items.get(key)
    if o is None or o.kind == c.USER:
        raise DomainError("breach.error.no_obligation", obligation=key)
    if o.status == c.DONE:
        raise DomainError("breach.error.already_done", obligation=key)
    if key.startswith(c.SA_PREFIX) and (missing := missing_art33(b)):
        raise DomainError("breach.error.art33_missing", fields=", ".join(missing))
    now = ctx.clock.now()
    n = BreachNotice(org_id=b.org_id, breach_id=b.id, kind=o.kind, obligation=key, recipient=o.target,
                     recipient_org_id=uuid.UUID(o.target) if o.kind == c.CONTROLLER_KIND else None,
                     due_at=o.due_at, status=c.COMPLETED, sent_at=now, attempts=1, evidence=proof[:2000],
                     created_by=ctx.user.id, updated_by=ctx.user.id, created_at=now, updated_at=now)
    ctx.session.add(n)
    ctx.session.flush()
    _record(ctx, "notice_done", "breach_notice", n.id, None,
            {"breach": b.number, "obligation": key, "due_at": o.due_at, "done_at": now, "late": now > o.due_at,
             "evidence": n.evidence})
    return n


def organizations(ctx: Context, directory: Session) -> list[Organization]:
    """Every organization on the platform (the operator session sees them all), for the keeper to pick from."""
    require_keeper(ctx)
    return list(directory.exec(select(Organization).order_by(Organization.name_en)))


def add_affected(ctx: Context, breach_id: uuid.UUID, *, emails: list[str] | None = None,
                 org_ids: list[uuid.UUID] | None = None, all_members: bool = False,
                 directory: Session | None = None) -> list[BreachNotice]:
    """Name the people (accounts, by e-mail) and organizations a breach affects; with `all_members`, every active
    member of the named organizations. Each person gets one pending notice (in their language, due at the
    policy's 72 hours); a person's organizations join the affected ones. Unknown e-mails refuse the whole change.
    People are only added: the register keeps whom a breach was found to affect."""
    directory = directory or ctx.session
    b = get_breach(ctx, breach_id)
    wanted = sorted({e.strip().lower() for e in (emails or []) if e and e.strip()})
    people: dict[uuid.UUID, User] = {}
    if wanted:
        found = list(directory.exec(select(User).where(func.lower(User.email).in_(wanted))))
        unknown = sorted(set(wanted) - {(u.email or "").lower() for u in found})
        if unknown:
            raise ValidationFailed({"emails": ("breach.error.unknown_people", {"emails": ", ".join(unknown)})})
        people.update({u.id: u for u in found})
    orgs = {uuid.UUID(str(o)) for o in (org_ids or [])}
    if orgs:
        known = set(directory.exec(select(Organization.id).where(Organization.id.in_(orgs))))
        if orgs - known:
            raise DomainError("breach.error.unknown_organization")
    if all_members and orgs:
        members = directory.exec(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.org_id.in_(orgs), Membership.status == "active"))
        people.update({u.id: u for u in members})
    if people:
        orgs |= set(directory.exec(select(Membership.org_id).where(Membership.user_id.in_(list(people)),
                                                                    Membership.status == "active")))
    before = {"affected_org_ids": list(b.affected_org_ids or [])}
    merged = sorted({*[str(o) for o in b.affected_org_ids or []], *[str(o) for o in orgs]})
    already = {n.recipient_user_id for n in notices_of(ctx, b.id) if n.kind == c.USER}
    due = c.aware(b.aware_at) + timedelta(hours=c.USER_NOTICE_HOURS)
    now = ctx.clock.now()
    added = []
    for user in sorted(people.values(), key=lambda u: (u.email or "")):
        if user.id in already or not user.email:
            continue
        n = BreachNotice(org_id=b.org_id, breach_id=b.id, kind=c.USER, obligation=c.USERS, recipient=user.email,
                         recipient_user_id=user.id, language=user.language if user.language in ("zh", "en") else "",
                         due_at=due, status=c.PENDING, created_by=ctx.user.id, updated_by=ctx.user.id,
                         created_at=now, updated_at=now)
        ctx.session.add(n)
        added.append(n)
    ctx.session.flush()
    if merged != sorted(before["affected_org_ids"]):
        _change(ctx, b, "orgs_affected", None, lambda x: setattr(x, "affected_org_ids", merged))
    _record(ctx, "people_affected", "breach", b.id, None,
            {"breach": b.number, "notices": [str(n.id) for n in added], "people": [str(n.recipient_user_id)
                                                                                  for n in added]})
    return added


def open_obligations(session: Session, *, now: datetime) -> list[dict]:
    """Every obligation still owed across the register, earliest due first, for `cbam privacy breaches` (run by
    the operator on the owner connection, like `cbam audit verify`: no organization scope, no DPO context).
    Only the operator organization's register is read when CBAM_OPERATOR_ORG_ID is set."""
    operator = get_settings().operator_org_id.strip()
    q = select(Breach)
    if operator:
        q = q.where(Breach.org_id == uuid.UUID(operator))
    out = []
    for b in session.exec(q):
        notices = session.exec(select(BreachNotice).where(BreachNotice.breach_id == b.id)).all()
        for o in c.obligations(b, notices, now):
            if o.pending:
                out.append({"breach": b.number, "obligation": o.key, "kind": o.kind, "target": o.target,
                            "due_at": o.due_at.isoformat(), "status": o.status, "left": c.time_left(o, now)})
    return sorted(out, key=lambda r: (r["due_at"], r["breach"]))
