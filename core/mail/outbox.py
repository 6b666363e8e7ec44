"""Mail caused by a change goes out only after that change commits, and a failed send never undoes it.

Services call `queue_mail(session, ...)` inside their transaction; the message waits in `session.info` and is
sent by the session's `after_commit` event (a rollback drops it). The returned `Delivery` tells the page, after
the transaction, whether the message went out, so it can warn the person (the invitation link to pass on)."""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlmodel import Session

from core.mail.smtp import build_message, mail_configured, send_message

log = logging.getLogger(__name__)
_KEY = "mail_outbox"

PENDING, SENT, FAILED, NOT_CONFIGURED = "pending", "sent", "failed", "not_configured"


@dataclass
class Delivery:
    to: str
    subject: str
    body: str
    status: str = PENDING
    error: str = field(default="", repr=False)

    @property
    def failed(self) -> bool:
        return self.status == FAILED


def queue_mail(session: Session, *, to: str, subject: str, body: str) -> Delivery:
    """Send after the session's transaction commits. Without an SMTP host: nothing is sent (not_configured)."""
    delivery = Delivery(to=to, subject=subject, body=body)
    if not mail_configured():
        delivery.status = NOT_CONFIGURED
        return delivery
    session.info.setdefault(_KEY, []).append(delivery)
    return delivery


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for delivery in session.info.pop(_KEY, []):
        try:
            send_message(build_message(to=delivery.to, subject=delivery.subject, body=delivery.body))
            delivery.status = SENT
        except (OSError, smtplib.SMTPException) as exc:
            # the change is committed: keep it, report the failure (no address or body in the log)
            delivery.status, delivery.error = FAILED, type(exc).__name__
            log.warning("mail not sent: %s", type(exc).__name__)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    for delivery in session.info.pop(_KEY, []):
        delivery.status = FAILED if delivery.status == PENDING else delivery.status
        delivery.error = delivery.error or "rolled back"
