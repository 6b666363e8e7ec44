"""What the DPO's retention view calls: the schedule, a dry-run preview and the upcoming deletions of their
organization, the run log, and the holds. Reading the security log and the rows due needs the operator session (the
owner connection on PostgreSQL: the app role never reads other people's sign-ins), which the page passes in; the
permission is checked on the DPO's own context first."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from core.access import Permission
from core.context import Context
from core.i18n import t
from core.privacy.requests import local_day
from core.retention import engine
from core.retention.cancellation import pending
from core.retention.schedule import SCHEDULE, Rule
from db.assistant_models import AssistantInteraction
from db.models import AuditEvent, Membership
from db.retention_models import RetentionRun, SecurityEvent

UPCOMING_DAYS = 30  # how far ahead the DPO's view looks


def period_text(rule: Rule, lang: str) -> str:
    if rule.years:
        return t("retention.period.years", lang, count=rule.years)
    return t("retention.period.days", lang, count=rule.days)


def schedule(lang: str) -> list[dict[str, str]]:
    return [{"rule": t(f"retention.rule.{r.key}", lang), "table": t(f"retention.table.{r.table}", lang),
             "trigger": t(f"retention.trigger.{r.key}", lang), "period": period_text(r, lang),
             "action": t(f"retention.action.{r.action}", lang)} for r in SCHEDULE]


@dataclass
class Overview:
    today: date
    preview: engine.RunResult
    upcoming: list[tuple[date, str, int]] = field(default_factory=list)  # (day, table, rows)
    deletion_on: date | None = None  # the organization's own deletion, when cancelled
    runs: list[RetentionRun] = field(default_factory=list)
    alerts: list[RetentionRun] = field(default_factory=list)


def overview(ctx: Context, session: Session) -> Overview:
    """The DPO's organization: what a run today would do (dry run, nothing written), what falls due in the next
    UPCOMING_DAYS days, the run log and its alerts."""
    ctx.require(Permission.PRIVACY_MANAGE)
    org_id = ctx.tenant
    today = local_day(ctx.clock.now())
    preview = engine.run(session, today=today, dry_run=True, record=False, only_org=org_id)
    c = pending(session, org_id)
    out = Overview(today=today, preview=preview, deletion_on=c.delete_on if c else None,
                   runs=engine.runs(session), alerts=engine.alerts(session, limit=5))
    out.upcoming = upcoming(session, org_id, today)
    return out


def upcoming(session: Session, org_id: uuid.UUID, today: date, days: int = UPCOMING_DAYS) -> list[tuple[date, str, int]]:
    """Rows of the organization that fall due after today and within `days`, per day and table."""
    end = today + timedelta(days=days)
    members = select(Membership.user_id).where(Membership.org_id == org_id, Membership.user_id.is_not(None))
    sources = (
        ("assistant_interaction", select(AssistantInteraction.created_at).where(AssistantInteraction.org_id == org_id)),
        ("security_event", select(SecurityEvent.at).where(SecurityEvent.user_id.in_(members))),
        ("audit_event", select(AuditEvent.at).where(AuditEvent.org_id == org_id)),
    )
    rules = {r.table: r for r in SCHEDULE}
    counts: dict[tuple[date, str], int] = {}
    for table, query in sources:
        rule = rules[table]
        # only rows created in the window that makes them due within [today+1, end]
        lo, hi = rule.cutoff(today), rule.cutoff(end)
        col = query.selected_columns[0]
        for (at,) in session.execute(query.where(col >= lo, col < hi)).all():
            day = rule.due_on(at)
            counts[(day, table)] = counts.get((day, table), 0) + 1
    c = pending(session, org_id)
    if c is not None and today < c.delete_on <= end:
        counts[(c.delete_on, "organization")] = 1
    return sorted((d, tbl, n) for (d, tbl), n in counts.items())



def hold_people(ctx: Context) -> dict[uuid.UUID, str]:
    """The organization's members a hold can name: user id → name and e-mail."""
    from db.models import User

    ctx.require(Permission.PRIVACY_MANAGE)
    rows = ctx.session.exec(select(User.id, User.name, User.email).join(Membership, Membership.user_id == User.id)
                            .where(Membership.org_id == ctx.tenant).order_by(User.name)).all()
    return {uid: " · ".join(x for x in (name, email) if x) or str(uid) for uid, name, email in rows}
