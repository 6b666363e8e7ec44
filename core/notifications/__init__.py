"""What waits for a person (issue 11): in-app notifications built from the workflow state, and e-mails on the
review workflow's transitions (sent after commit, when SMTP is configured)."""
from core.notifications.mail import notify_period
from core.notifications.service import Notification, invitation_notifications, notifications_for

__all__ = ["Notification", "invitation_notifications", "notifications_for", "notify_period"]
