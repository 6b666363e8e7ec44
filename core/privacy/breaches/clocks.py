"""The clocks a personal-data breach starts: which notices are owed, to whom, and by when, earliest first.

Pure functions over a breach and its notice rows (no session, no clock of their own: `now` is passed in), so the
deadlines are tested with a frozen clock and shown the same way on the page, in the CLI and in the register.

Which clocks apply (privacy.md §2.2-§2.4, D7):
- PIPL Art 57: on a leak, tampering or loss (actual or possible) the handler takes remedial measures and notifies
  the personal-information protection authority "immediately" (立即): due the moment we become aware. It binds the
  handler (our role as controller); as an entrusted party (processor) we tell the controller instead (Art 59);
- 国家网络安全事件报告管理办法 (CAC, in force 1 Nov 2025) Art 4: an incident rated 较大 (relatively major) or worse is
  reported to the provincial cyberspace administration within 4 hours (we are an "other network operator");
- GDPR Art 33(1): a controller notifies the supervisory authority within 72 hours of becoming aware. A controller
  outside the EU has no lead authority (Art 56 one-stop shop needs a main establishment in the EU), so one notice is
  owed to the authority of every member state where affected people live;
- platform privacy policy §4.3: affected users are notified within 72 hours; the GDPR Art 34(3) exemption (with a
  written justification, recorded on the breach) waives it;
- GDPR Art 33(2) / PIPL Art 59: for data we process for an organization (its CBAM file, its customers' contacts),
  that organization (the controller) is told "without undue delay": due from the moment we become aware.
A breach recorded as `both` runs the controller's and the processor's clocks together.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# The Chinese incident grades (国家网络安全事件分级): 一般, 较大, 重大, 特别重大.
SEVERITIES = ("general", "relatively_major", "major", "especially_major")
# 国家网络安全事件报告管理办法 Art 4: 较大 and above are reported to the provincial CAC within 4 hours
CN_REPORTABLE = ("relatively_major", "major", "especially_major")
CN_REPORT_HOURS = 4
SA_HOURS = 72           # GDPR Art 33(1): "where feasible, not later than 72 hours after having become aware"
USER_NOTICE_HOURS = 72  # platform privacy policy §4.3: "we will notify affected users within 72 hours"
CONTROLLER, PROCESSOR, BOTH = "controller", "processor", "both"
ROLES = (CONTROLLER, PROCESSOR, BOTH)
# GDPR Art 34(3): (a) the data were unintelligible (encrypted), (b) later measures make the high risk unlikely,
# (c) individual notices would need disproportionate effort (then a public communication instead)
EXEMPTION_GROUNDS = ("a", "b", "c")
# The member states (ISO 3166-1 alpha-2 as the EU writes them: Greece is EL), one supervisory authority each for
# Art 33 purposes (Germany's Länder authorities aside; the notice goes to the authority the DPO names there).
EU_MEMBER_STATES = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
                    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")

AUTHORITY, USER, CONTROLLER_KIND = "authority", "user", "controller"
OPEN, DONE, OVERDUE, EXEMPT = "open", "done", "overdue", "exempt"
PIPL, CN_PROVINCIAL, USERS = "pipl", "cn_provincial", "users"
SA_PREFIX, CONTROLLER_PREFIX = "eu_sa:", "controller:"
# notice delivery
PENDING, SENT, FAILED = "pending", "sent", "failed"
COMPLETED = "done"  # an authority's or a controller's notice the DPO recorded, with evidence
RED_HOURS, AMBER_HOURS = 1, 24  # the next deadline in red when overdue or within an hour, amber within a day


@dataclass(frozen=True)
class Obligation:
    key: str            # pipl | cn_provincial | eu_sa:DE | users | controller:<org id>
    kind: str           # authority | user | controller
    rule: str           # message key of the rule (translated on the page)
    due_at: datetime
    status: str         # open | done | overdue | exempt
    target: str = ""    # the member state, or the organization's id
    done_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.status in (OPEN, OVERDUE)

    @property
    def late(self) -> bool:
        return self.done_at is not None and aware(self.done_at) > self.due_at


def aware(at: datetime) -> datetime:
    """SQLite hands timezone-aware values back naive; they were stored as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _roles(role: str) -> set[str]:
    return {CONTROLLER, PROCESSOR} if role == BOTH else {role}


def required(breach) -> list[tuple[str, str, str, datetime, str]]:  # noqa: ANN001
    """(key, kind, rule, due, target) of every notice the breach calls for, in the order the law lists them."""
    t0 = aware(breach.aware_at)
    roles = _roles(breach.role)
    out: list[tuple[str, str, str, datetime, str]] = []
    if CONTROLLER in roles:
        out.append((PIPL, AUTHORITY, "breach.rule.pipl", t0, ""))
    if breach.severity in CN_REPORTABLE:
        out.append((CN_PROVINCIAL, AUTHORITY, "breach.rule.cn_provincial", t0 + timedelta(hours=CN_REPORT_HOURS), ""))
    if CONTROLLER in roles:
        for state in sorted(set(breach.member_states or [])):
            out.append((f"{SA_PREFIX}{state}", AUTHORITY, "breach.rule.eu_sa", t0 + timedelta(hours=SA_HOURS), state))
        out.append((USERS, USER, "breach.rule.users", t0 + timedelta(hours=USER_NOTICE_HOURS), ""))
    if PROCESSOR in roles:
        for org in sorted(str(o) for o in (breach.affected_org_ids or [])):
            out.append((f"{CONTROLLER_PREFIX}{org}", CONTROLLER_KIND, "breach.rule.controller", t0, org))
    return out


def obligations(breach, notices: Iterable, now: datetime) -> list[Obligation]:  # noqa: ANN001
    """Every obligation with its status at `now`, earliest due first. Due means due: at the due instant an
    obligation is still open; one second later it is overdue."""
    notices = list(notices)
    done: dict[str, datetime] = {}
    for n in notices:
        if n.kind != USER and n.status == COMPLETED:
            done[n.obligation] = aware(n.sent_at)
    users = [n for n in notices if n.kind == USER]
    if users and all(n.status == SENT for n in users):
        done[USERS] = max(aware(n.sent_at) for n in users)
    now = aware(now)
    out = []
    for order, (key, kind, rule, due, target) in enumerate(required(breach)):
        if key == USERS and breach.exemption_justification:
            status, at = EXEMPT, aware(breach.exempted_at) if breach.exempted_at else None
        elif key in done:
            status, at = DONE, done[key]
        else:
            status, at = (OVERDUE if now > due else OPEN), None
        out.append((due, order, Obligation(key, kind, rule, due, status, target, at)))
    return [o for _, _, o in sorted(out, key=lambda x: (x[0], x[1]))]


def next_deadline(items: list[Obligation]) -> Obligation | None:
    return next((o for o in items if o.pending), None)


def colour(o: Obligation | None, now: datetime) -> str:
    """red: overdue or due within the hour; orange: within a day; green otherwise (grey when nothing is owed)."""
    if o is None:
        return "gray"
    left = o.due_at - aware(now)
    if left < timedelta(hours=RED_HOURS):
        return "red"
    return "orange" if left < timedelta(hours=AMBER_HOURS) else "green"


def left(o: Obligation, now: datetime) -> tuple[str, int, int]:
    """(sign, hours, minutes) until the due instant: ("-", 0, 1) one minute overdue."""
    seconds = int((o.due_at - aware(now)).total_seconds())
    minutes = abs(seconds) // 60
    return ("-" if seconds < 0 else "", minutes // 60, minutes % 60)


def time_left(o: Obligation, now: datetime) -> str:
    """'3h 59m' or '-0h 01m' (overdue), for the CLI."""
    sign, hours, minutes = left(o, now)
    return f"{sign}{hours}h {minutes:02d}m"
