"""The retention schedule: what is deleted (or pseudonymised) when, each period the privacy policy's own promise
(platform privacy policy §9, "Data Retention"). A row is due on the day its period has passed, counted in calendar
days (or calendar years) in China Standard Time, where the platform operates: an AI interaction asked on 1 March
2026 is kept through 28 February 2027 and deleted from 1 March 2027 (365 days), a security event of 1 March 2026
from 1 March 2028, an organization cancelled on 1 March from 31 March."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.privacy.requests import LOCAL_TZ, local_day
from db.personal_data import RETENTION_DAYS

DELETE, PSEUDONYMISE = "delete", "pseudonymise"

# Privacy policy §9: "Data after cancellation: retained 30 days for export, then deleted"; PIPL Art 47(1)(2)
# (the handler stops providing the service: delete proactively).
CANCELLATION_DAYS = 30
# Privacy policy §9: "AI interaction records: retained for 1 year" (db.personal_data.RETENTION_DAYS, 365 days).
AI_INTERACTION_DAYS = RETENTION_DAYS["assistant_interaction"]
# Privacy policy §9: "Security logs: retained for 2 years" (above the 6-month floor of the Cybersecurity Law Art 21(3)).
SECURITY_LOG_YEARS = 2
# Privacy policy §9: "Audit logs: retained for 5 years". After that the events' values are pseudonymised (replaced by
# their keyed commitments), not deleted, so that every chain still verifies (core.audit, hash version 3).
AUDIT_LOG_YEARS = 5
# Reminders to the owners before an organization's deletion: 7 days and 1 day before (besides the notice at
# cancellation), so the 30 days "for export" (policy §9) are not missed.
REMINDER_DAYS = (7, 1)


@dataclass(frozen=True)
class Rule:
    key: str          # "organization" | "assistant_interaction" | "security_event" | "audit_event"
    table: str
    trigger: str      # the column (or event) the period runs from
    action: str
    days: int = 0
    years: int = 0

    def cut_day(self, today: date) -> date:
        """The last day a row may have been created on and be due `today`."""
        if self.years:
            return minus_years(today, self.years)
        return today - timedelta(days=self.days)

    def cutoff(self, today: date) -> datetime:
        """Rows whose trigger time is before this instant (UTC) are due `today`."""
        return start_of(self.cut_day(today) + timedelta(days=1))

    def due_on(self, created: datetime) -> date:
        """The day a row created at `created` becomes due."""
        day = local_day(_aware(created))
        return plus_years(day, self.years) if self.years else day + timedelta(days=self.days)


SCHEDULE: tuple[Rule, ...] = (
    Rule("organization", "organization", "organization_cancellation.requested_at", DELETE, days=CANCELLATION_DAYS),
    Rule("assistant_interaction", "assistant_interaction", "created_at", DELETE, days=AI_INTERACTION_DAYS),
    Rule("security_event", "security_event", "at", DELETE, years=SECURITY_LOG_YEARS),
    Rule("audit_event", "audit_event", "at", PSEUDONYMISE, years=AUDIT_LOG_YEARS),
)
RULES = {r.key: r for r in SCHEDULE}


def start_of(day: date) -> datetime:
    """Midnight of `day` in China Standard Time, as UTC."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands back naive UTC times


def aware_local_day(at: datetime) -> date:
    """The day (China Standard Time) of a time read from the database (SQLite hands it back naive, in UTC)."""
    return local_day(_aware(at))


def minus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one: the 28th
        return day.replace(year=day.year - years, day=28)


def plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: due on 1 March (consistent with `minus_years` and `Rule.cutoff`)
        return day.replace(year=day.year + years, month=3, day=1)
