"""`cbam results warm`: compute and keep every period's results (`core.dashboards.stored`) so that the first look
at the dashboards and the portfolio after a start, on any machine, reads them instead of computing them.

It runs on the owner connection, one organization at a time in a session scoped to it (so the tenant policy applies
as for the app), and asks for exactly what the pages ask for unfiltered: each period's per-tonne results and
data-quality counts (emissions, costs, portfolio), the costs page's forecast and the portfolio's summary of the
organization for each role that may see it (as of today: the overdue count depends on the day). Results already kept under the
current key are read, not computed. Afterwards the organization's rows that this run did not use and that were
written before it began are deleted: results of changed periods, earlier versions and old filters, so the table
holds about one row per period and kind. An approved period is covered by the next run (approval changes the
period's version, hence its key; the first look computes and keeps it in the meantime)."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from core.access import ROLES, Permission, Role, can
from core.clock import SystemClock
from core.context import Context
from core.dashboards.stored import TOUCHED
from db.models import Organization, User
from db.result_models import PeriodResult
from db.session import Scope, scoped_session

log = logging.getLogger(__name__)


@dataclass
class WarmResult:
    organizations: int = 0
    periods: int = 0
    computed: int = 0  # results the engine computed (not found under the current key)
    kept: int = 0  # results found already kept under the current key
    deleted: int = 0  # rows no longer used
    failed: list[str] = field(default_factory=list)  # organizations whose results could not be computed

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def _org_session(engine: Engine, org_id: uuid.UUID) -> Iterator:
    with scoped_session(Scope(org_id=org_id), engine) as s:
        s.info[TOUCHED] = {}
        yield s


def warm(engine: Engine, *, org_id: uuid.UUID | None = None,
         progress: Callable[[int, int, Organization, int], None] | None = None) -> WarmResult:
    """Computes and keeps the results of every organization's periods (or of `org_id`'s). `engine`: the owner
    connection. `progress(done, total, organization, periods)` after each organization."""
    from core.dashboards.costs import costs_dashboard
    from core.dashboards.emissions import completeness_table
    from core.dashboards.evaluations import CACHE
    from core.dashboards.portfolio import _summary
    from core.dashboards.results import select_results

    CACHE.clear()  # this process's cache would hide what is (or is not) kept in the database
    result = WarmResult()
    with scoped_session(Scope(), engine) as s:
        q = select(Organization).order_by(Organization.name_en, Organization.id)
        if org_id is not None:
            q = q.where(Organization.id == org_id)
        orgs = list(s.execute(q).scalars())
    actor = User(issuer="cbam:system", subject="results-warm", name="system")  # not stored: it only reads
    clock = SystemClock()
    for done, org in enumerate(orgs, start=1):
        began = datetime.now(UTC)
        periods = 0
        try:
            with _org_session(engine, org.id) as s:
                ctx = Context(session=s, user=actor, org_id=org.id, role=Role.VIEWER, clock=clock)
                sel = select_results(ctx, by_customer=False)
                completeness_table(ctx, sel)
                costs_dashboard(ctx)
                today = clock.now().date()
                for role in ROLES:  # the portfolio's summary, one per role that may see it (it names the role)
                    if can(role, Permission.DATA_VIEW):
                        _summary(Context(session=s, user=actor, org_id=org.id, role=role, clock=clock), org, today)
                periods = len(sel.periods)
                touched: dict[str, bool] = s.info[TOUCHED]
            result.computed += sum(1 for found in touched.values() if not found)
            result.kept += sum(1 for found in touched.values() if found)
            # a transaction of its own: on SQLite the reading one's snapshot predates the results just stored
            with _org_session(engine, org.id) as s:
                gone = s.execute(delete(PeriodResult).where(
                    PeriodResult.org_id == org.id, PeriodResult.key_digest.not_in(list(touched) or [""]),
                    PeriodResult.updated_at < began))
                result.deleted += gone.rowcount or 0
            result.organizations += 1
            result.periods += periods
        except Exception:  # noqa: BLE001 (one organization's failure does not stop the others; the count says it)
            log.exception("results warm: organization %s failed", org.id)
            result.failed.append(str(org.id))
        CACHE.clear()
        if progress:
            progress(done, len(orgs), org, periods)
    return result
