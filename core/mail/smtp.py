"""The SMTP adapter: one message, UTF-8 (Chinese subjects and bodies), plain text."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from core.settings import Settings, get_settings

TIMEOUT_SECONDS = 20  # a stuck server must not hold a page run for long


class MailNotConfigured(RuntimeError):
    """No CBAM_SMTP_HOST: the app works without mail."""


def mail_configured(settings: Settings | None = None) -> bool:
    return bool((settings or get_settings()).smtp_host)


def build_message(*, to: str, subject: str, body: str, settings: Settings | None = None) -> EmailMessage:
    settings = settings or get_settings()
    msg = EmailMessage()  # the default policy encodes non-ASCII headers (RFC 2047) and the body as UTF-8
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=(settings.mail_from.rpartition("@")[2].strip("> ") or None))
    msg.set_content(body, charset="utf-8")
    return msg


def send_message(msg: EmailMessage, settings: Settings | None = None) -> None:
    """Send through the configured server; raises (OSError, smtplib.SMTPException) when it fails."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        raise MailNotConfigured
    host, port = settings.smtp_host, settings.effective_smtp_port
    if settings.smtp_security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    with client:
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password)
        client.send_message(msg)
