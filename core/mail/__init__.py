"""E-mail through SMTP (stdlib `smtplib`), sent after the transaction that caused it commits."""
from core.mail.outbox import Delivery, queue_mail
from core.mail.smtp import MailNotConfigured, build_message, mail_configured, send_message

__all__ = ["Delivery", "MailNotConfigured", "build_message", "mail_configured", "queue_mail", "send_message"]
