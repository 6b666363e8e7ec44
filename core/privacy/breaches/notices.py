"""The notice to the people a breach affects (GDPR Art 34(2), PIPL Art 57: what happened, which data, the likely
consequences, what we did, what they can do, whom to contact), in each person's language (both, Chinese first, when
we do not know it), sent through the SMTP adapter (core/mail) to exactly the people named on the breach.

The notice is the action itself, so it is sent now, one message per person, and each delivery is recorded on that
person's notice row in the same transaction: `sent` with the time, or `failed` with the error's class (the server
refused the address, or could not be reached). A failed notice stays owed and is sent again by the next run."""
from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass, field

from core.context import Context
from core.errors import DomainError
from core.i18n import t
from core.mail import build_message, mail_configured, send_message
from core.privacy.breaches import clocks as c
from core.privacy.breaches.service import _record, get_breach, notices_of
from db.breach_models import Breach, BreachNotice

SEPARATOR = "\n\n----------\n\n"


@dataclass
class SendResult:
    sent: list[uuid.UUID] = field(default_factory=list)    # notice ids
    failed: list[uuid.UUID] = field(default_factory=list)


def unsent(ctx: Context, breach_id: uuid.UUID) -> list[BreachNotice]:
    """The people still owed the notice: what the page asks the DPO to confirm before sending (a person erased
    meanwhile has no address left and is not written to)."""
    return [n for n in notices_of(ctx, breach_id) if n.kind == c.USER and n.status != c.SENT and n.recipient]


def message(b: Breach, lang: str) -> tuple[str, str]:
    """(subject, body) of the notice in `lang`."""
    categories = "、".join if lang == "zh" else ", ".join
    body = t("breach.notice.body", lang, number=b.number, aware=c.aware(b.aware_at).strftime("%Y-%m-%d %H:%M UTC"),
             description=b.description,
             categories=categories(t(f"breach.category.{x}", lang) for x in b.data_categories) or "-",
             consequences=b.consequences or "-", measures=b.measures or "-", advice=b.advice or "-",
             contact=b.contact or "-")
    return t("breach.notice.subject", lang, number=b.number), body


def send_user_notices(ctx: Context, breach_id: uuid.UUID, *, expected: int) -> SendResult:
    """Send the notice to every person still owed it. `expected` is the count the DPO confirmed: if the list
    changed meanwhile, nothing is sent."""
    b = get_breach(ctx, breach_id)
    owed = unsent(ctx, b.id)
    if not owed:
        raise DomainError("breach.error.nobody_to_notify")
    if len(owed) != expected:
        raise DomainError("breach.error.count_changed", count=len(owed))
    if not mail_configured():
        raise DomainError("breach.error.mail_not_configured")
    now = ctx.clock.now()
    result = SendResult()
    for n in owed:
        langs = (n.language,) if n.language in ("zh", "en") else ("zh", "en")
        parts = [message(b, lang) for lang in langs]
        n.attempts += 1
        n.updated_by, n.updated_at, n.version = ctx.user.id, now, n.version + 1
        try:
            send_message(build_message(to=n.recipient, subject=parts[0][0], body=SEPARATOR.join(p[1] for p in parts)))
        except (OSError, smtplib.SMTPException) as exc:
            n.status, n.error = c.FAILED, type(exc).__name__  # no address or server text: the class is enough
            result.failed.append(n.id)
        else:
            n.status, n.sent_at, n.error = c.SENT, now, ""
            result.sent.append(n.id)
        ctx.session.add(n)
    ctx.session.flush()
    _record(ctx, "users_notified", "breach", b.id, None,
            {"breach": b.number, "sent": [str(i) for i in result.sent], "failed": [str(i) for i in result.failed],
             "at": now})
    return result
