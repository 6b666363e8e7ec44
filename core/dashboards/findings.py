"""A period's data-quality findings for the dashboards: exactly what the reporting page shows
(`core.reporting.quality`), for a period the dashboard has already scoped and checked."""
from __future__ import annotations

import uuid

from core.context import Context
from core.quality import Finding
from core.records import get_scoped
from core.reporting.quality import findings_of_period
from db.reporting_models import ReportingPeriod


def findings_of(ctx: Context, period_id: uuid.UUID) -> list[Finding]:
    period = get_scoped(ctx, ReportingPeriod, period_id)  # a refusal (not an assert, gone under -O)
    return findings_of_period(ctx, period)
