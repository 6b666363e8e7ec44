"""Rights requests: every request a person makes (access, portability, rectification, erasure, restriction,
objection, withdrawal of consent, an explanation, a message to the DPO) is tracked with a number, a receipt and a
due date, and every transition the DPO makes is in the audit log.

The clock: the privacy policy promises an answer within 30 days (§7), counted from the day after receipt (the
day of receipt is day 0, in China Standard Time where the platform operates), so a request received on 1 March is
due on 31 March. A pause while waiting for the requester stops the clock (the days paused are added when it
resumes); an extension (GDPR Art 12(3): two further months, counted here as 60 days) needs a recorded reason,
which the requester sees on their request. A refusal needs a reason and names the complaint route."""
from __future__ import annotations

import csv
import io
import secrets
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from core import audit
from core.access import Permission
from core.context import Context
from core.errors import DomainError, NotFound
from core.i18n import t
from core.validation.text import EMAIL
from db.models import User
from db.privacy_models import PrivacyRequest

TYPES = ("access", "portability", "rectification", "erasure", "restriction", "objection", "withdraw_consent",
         "explain", "contact_dpo")
RECEIVED, IN_PROGRESS, PAUSED, COMPLETED, REFUSED = "received", "in_progress", "paused", "completed", "refused"
STATUSES = (RECEIVED, IN_PROGRESS, PAUSED, COMPLETED, REFUSED)
OPEN = (RECEIVED, IN_PROGRESS, PAUSED)
DEADLINE_DAYS = 30    # privacy policy §7: "We will respond within 30 days"
EXTENSION_DAYS = 60   # GDPR Art 12(3): extendable by two further months, with reasons given within the first month
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_EMAIL = EMAIL  # core.validation.text: one shape for every stored address
EXPORT_TTL_SECONDS = 15 * 60  # a self-service export can be downloaded for this long; a new one is one click away
AMBER_BELOW, RED_BELOW = 10, 5  # days left: green from 10, amber below 10, red below 5 (and overdue)


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL_TZ).date()


def due_on(req: PrivacyRequest) -> date:
    return req.received_on + timedelta(days=DEADLINE_DAYS + req.paused_days + req.extended_days)


def days_left(req: PrivacyRequest, today: date) -> int:
    """Days until the due date; a paused request's clock stands still at the day it was paused."""
    if req.status == PAUSED and req.paused_on is not None:
        today = req.paused_on
    return (due_on(req) - today).days


def colour(left: int) -> str:
    if left < RED_BELOW:
        return "red"
    return "orange" if left < AMBER_BELOW else "green"


def _record(session: Session, *, actor: User, org_id: uuid.UUID | None, action: str, req: PrivacyRequest,
            before: dict | None, at: datetime) -> None:
    audit.record(session, actor_id=actor.id, org_id=org_id, action=f"privacy.request.{action}",
                 entity="privacyrequest", entity_id=req.id, before=before, after=_facts(req), at=at)


def _facts(req: PrivacyRequest) -> dict:
    """What a transition's audit event keeps: the request's state, no texts (those are personal)."""
    return {"number": req.number, "type": req.type, "status": req.status, "received_on": req.received_on,
            "paused_days": req.paused_days, "extended_days": req.extended_days,
            "assigned_to": req.assigned_to, "version": req.version}


def create_request(session: Session, *, user: User, org_id: uuid.UUID | None, type: str, details: str,
                   at: datetime, correction: dict | None = None) -> PrivacyRequest:
    """A person's request, free of charge: the receipt is its number, received day and due date. A guided
    rectification carries the correction (core.privacy.rectification builds it from the person's own values)."""
    if type not in TYPES:
        raise DomainError("privacy.error.bad_transition", status="-", action=type)
    _clean_details(details)
    req = PrivacyRequest(number=_number(at), org_id=org_id,
                         requester_user_id=user.id, requester_email=user.email or "", type=type,
                         details=details or "", received_at=at, received_on=local_day(at), notes=[],
                         correction=correction, channel="app",
                         verification_method="sign_in", verified_at=at)  # made while signed in: identity known
    session.add(req)
    session.flush()
    _record(session, actor=user, org_id=None, action="created", req=req, before=None, at=at)
    return req


CHANNELS = ("email", "post", "phone", "in_person")  # how a request the DPO records came in


def record_request(ctx: Context, *, requester_email: str, type: str, details: str, channel: str,
                   received_at: datetime | None = None) -> PrivacyRequest:
    """A request received by another channel (an e-mail, a letter), recorded by the DPO for a person who may have
    no account: the clock starts on the day it was received, and the person is not verified until they read
    back the code e-mailed to them (send_verification_code)."""
    from core.validation.text import require_clean

    ctx.require(Permission.PRIVACY_MANAGE)
    email = (requester_email or "").strip()
    if type not in TYPES:
        raise DomainError("privacy.error.bad_transition", status="-", action=type)
    if channel not in CHANNELS:
        raise DomainError("privacy.error.bad_channel", channel=channel)
    require_clean(requester_email=email)
    _clean_details(details)
    if not _EMAIL.fullmatch(email):
        from core.errors import ValidationFailed

        raise ValidationFailed({"requester_email": ("validation.email_format", {})})
    at = ctx.clock.now()
    received_at = received_at or at
    if received_at > at:
        raise DomainError("privacy.error.received_in_future")
    req = PrivacyRequest(number=_number(received_at), org_id=ctx.tenant, requester_user_id=None,
                         requester_email=email, type=type, details=details or "", received_at=received_at,
                         received_on=local_day(received_at), notes=[], channel=channel, verification_method="",
                         verified_at=None)
    ctx.session.add(req)
    ctx.session.flush()
    _record(ctx.session, actor=ctx.user, org_id=ctx.tenant, action="recorded", req=req, before=None, at=at)
    return req


DETAILS_MAX = 4000  # the column's length (db/privacy_models.py)


def received_at_of(day: date, now: datetime) -> datetime:
    """When a request received on `day` (the platform's local day) came in: now, if that is today; else the start
    of that day, so the clock counts from the day after it, as for a request made in the app."""
    if day == local_day(now):
        return now
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ)


def _clean_details(details: str | None) -> None:
    """A request's text is refused, never cut or stripped, when it is too long or holds a control character
    (line breaks are text here)."""
    from core.errors import ValidationFailed
    from core.validation.text import text_problem

    err = text_problem(details or "", field="details", max_length=DETAILS_MAX, multiline=True)
    if err:
        raise ValidationFailed({"details": err})


def _number(at: datetime) -> str:
    return f"PR-{local_day(at):%Y%m%d}-{secrets.token_hex(3).upper()}"


def apply_correction(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    """The DPO applies the correction a rectification request asks for (to the organization's record, exactly as
    the person typed it) and completes the request; refused when the record changed since the person asked."""
    from core.privacy import controller

    req = _get(ctx, request_id)
    fix = req.correction or {}
    if req.type != "rectification" or not fix:
        raise DomainError("privacy.error.no_correction")
    if req.status not in (RECEIVED, IN_PROGRESS):
        raise DomainError("privacy.error.bad_transition", status=req.status, action="corrected")
    if req.verified_at is None:
        raise DomainError("privacy.error.not_verified")
    controller.correct(ctx, table=fix["table"], row_id=fix["row_id"], column=fix["column"],
                       current=fix["current"], value=fix["requested"])
    return complete(ctx, request_id)


def my_requests(session: Session, user: User) -> list[PrivacyRequest]:
    return list(session.exec(select(PrivacyRequest).where(PrivacyRequest.requester_user_id == user.id)
                             .order_by(PrivacyRequest.received_at.desc())))


def list_requests(ctx: Context, *, status: str | None = None, type: str | None = None,
                  overdue: bool = False) -> list[PrivacyRequest]:
    """The DPO queue: the organization's requests, the soonest due first."""
    ctx.require(Permission.PRIVACY_MANAGE)
    q = select(PrivacyRequest).where(PrivacyRequest.org_id == ctx.tenant)
    if status:
        q = q.where(PrivacyRequest.status == status)
    if type:
        q = q.where(PrivacyRequest.type == type)
    rows = list(ctx.session.exec(q))
    from core.privacy.access_log import record_access

    record_access(ctx, "privacy_requests", [r.requester_user_id for r in rows])  # the access log (issue 15)
    today = local_day(ctx.clock.now())
    if overdue:
        rows = [r for r in rows if r.status in OPEN and days_left(r, today) < 0]
    return sorted(rows, key=lambda r: (r.status not in OPEN, days_left(r, today)))


def get_request(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    """One request of the organization's queue (the DPO's)."""
    return _get(ctx, request_id)


def _get(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    ctx.require(Permission.PRIVACY_MANAGE)
    req = ctx.session.exec(select(PrivacyRequest).where(PrivacyRequest.id == request_id,
                                                        PrivacyRequest.org_id == ctx.tenant)).first()
    if req is None:
        raise NotFound("privacyrequest", request_id)
    return req


def _transition(ctx: Context, request_id: uuid.UUID, action: str, allowed: tuple[str, ...], change) -> PrivacyRequest:  # noqa: ANN001
    req = _get(ctx, request_id)
    if req.status not in allowed:
        raise DomainError("privacy.error.bad_transition", status=req.status, action=action)
    before = _facts(req)
    change(req)
    req.version += 1
    ctx.session.add(req)
    ctx.session.flush()
    _record(ctx.session, actor=ctx.user, org_id=ctx.tenant, action=action, req=req, before=before,
            at=ctx.clock.now())
    return req


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("privacy.error.reason_required")
    return reason[:2000]


def assign(ctx: Context, request_id: uuid.UUID, user_id: uuid.UUID) -> PrivacyRequest:
    return _transition(ctx, request_id, "assigned", OPEN, lambda r: setattr(r, "assigned_to", user_id))


def start(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    return _transition(ctx, request_id, "started", (RECEIVED,), lambda r: setattr(r, "status", IN_PROGRESS))


def pause(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    today = local_day(ctx.clock.now())

    def change(r: PrivacyRequest) -> None:
        r.status, r.paused_on = PAUSED, today
    return _transition(ctx, request_id, "paused", (RECEIVED, IN_PROGRESS), change)


def resume(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    today = local_day(ctx.clock.now())

    def change(r: PrivacyRequest) -> None:
        r.paused_days += max(0, (today - r.paused_on).days) if r.paused_on else 0
        r.status, r.paused_on = IN_PROGRESS, None
    return _transition(ctx, request_id, "resumed", (PAUSED,), change)


def extend(ctx: Context, request_id: uuid.UUID, reason: str) -> PrivacyRequest:
    """Once, with a reason the requester sees (the notice) on their request."""
    why = _reason(reason)
    req = _get(ctx, request_id)
    if req.extended_days:
        raise DomainError("privacy.error.bad_transition", status=req.status, action="extended")

    def change(r: PrivacyRequest) -> None:
        r.extended_days, r.extension_reason = EXTENSION_DAYS, why
    req = _transition(ctx, request_id, "extended", (RECEIVED, IN_PROGRESS), change)
    _mail_extension(ctx, req)
    return req


def _mail_extension(ctx: Context, req: PrivacyRequest) -> None:
    """The extension notice (privacy.md §4): the requester learns the new due date and the reason by e-mail, sent
    after the commit, in their language; both languages (Chinese first) when we do not know it."""
    from core.mail import mail_configured, queue_mail

    if not req.requester_email or not mail_configured():
        return
    person = ctx.session.get(User, req.requester_user_id) if req.requester_user_id else None
    langs = (person.language,) if person is not None and person.language in ("zh", "en") else ("zh", "en")
    due = due_on(req).isoformat()
    body = "\n\n----------\n\n".join(
        t("privacy.extension.mail_body", lang, id=req.number, due=due, reason=req.extension_reason)
        for lang in langs)
    queue_mail(ctx.session, to=req.requester_email, subject=t("privacy.extension.mail_subject", langs[0],
                                                              id=req.number), body=body)


def refuse(ctx: Context, request_id: uuid.UUID, reason: str) -> PrivacyRequest:
    why = _reason(reason)
    now = ctx.clock.now()

    def change(r: PrivacyRequest) -> None:
        r.status, r.refusal_reason, r.closed_at = REFUSED, why, now
    return _transition(ctx, request_id, "refused", OPEN, change)


def complete(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    now = ctx.clock.now()

    def change(r: PrivacyRequest) -> None:
        r.status, r.closed_at = COMPLETED, now
    return _transition(ctx, request_id, "completed", (RECEIVED, IN_PROGRESS), change)


def add_note(ctx: Context, request_id: uuid.UUID, text: str) -> PrivacyRequest:
    note = _reason(text)
    at = ctx.clock.now()

    def change(r: PrivacyRequest) -> None:
        r.notes = [*(r.notes or []), {"at": at.isoformat(), "by": str(ctx.user.id), "text": note}]
    return _transition(ctx, request_id, "noted", STATUSES, change)


REGISTER_COLUMNS = ("number", "type", "status", "requester", "received", "due", "days_left", "extension_reason",
                    "refusal_reason", "closed")


def register_csv(ctx: Context, lang: str = "en") -> bytes:
    """The register of requests (GDPR Art 5(2) accountability), one row per request."""
    today = local_day(ctx.clock.now())
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(REGISTER_COLUMNS)
    for r in list_requests(ctx):
        w.writerow([r.number, t(f"privacy.type.{r.type}", lang), t(f"privacy.status.{r.status}", lang),
                    r.requester_email, r.received_on.isoformat(), due_on(r).isoformat(),
                    days_left(r, today) if r.status in OPEN else "", r.extension_reason, r.refusal_reason,
                    r.closed_at.isoformat() if r.closed_at else ""])
    return out.getvalue().encode("utf-8-sig")


def templated_answer(req: PrivacyRequest, lang: str) -> str:
    """The answer to send the requester for the request's state, in `lang` (the page shows both languages)."""
    kind = {REFUSED: "refused", PAUSED: "paused"}.get(req.status) or ("extended" if req.extended_days and
                                                                        req.status in OPEN else "done")
    return t(f"privacy.answer.{kind}", lang, number=req.number, type=t(f"privacy.type.{req.type}", lang),
             reason=req.refusal_reason or req.extension_reason, due=due_on(req).isoformat())


def send_verification_code(ctx: Context, request_id: uuid.UUID) -> PrivacyRequest:
    """From the DPO queue, for a request received by another channel: e-mail the requester a 6-digit code
    (core/privacy/verification) after the commit, in their language, both languages (Chinese first) when unknown.
    The code is in the mail only, never in the audit log."""
    from core.mail import queue_mail
    from core.privacy import verification

    req = _get(ctx, request_id)
    person = ctx.session.get(User, req.requester_user_id) if req.requester_user_id else None
    langs = (person.language,) if person is not None and person.language in ("zh", "en") else ("zh", "en")

    def send(email: str, code: str) -> None:
        body = "\n\n----------\n\n".join(t("privacy.code.mail_body", lang, id=req.number, code=code, minutes=10)
                                        for lang in langs)
        queue_mail(ctx.session, to=email, subject=t("privacy.code.mail_subject", langs[0], id=req.number),
                   body=body)

    verification.issue_code(ctx.session, req, at=ctx.clock.now(), send=send, actor_id=ctx.user.id)
    return req


def check_verification_code(ctx: Context, request_id: uuid.UUID, code: str) -> str:
    """The DPO enters the code the person reads back: verification.OK, WRONG, EXPIRED or LOCKED (audited there)."""
    from core.privacy import verification

    return verification.check_code(ctx.session, _get(ctx, request_id), code, at=ctx.clock.now(),
                                   actor_id=ctx.user.id)
