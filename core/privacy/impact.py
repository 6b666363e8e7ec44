"""Personal-information protection impact assessments (PIPL Art 55-56; GDPR Art 35): the DPO's register.

An assessment records the purpose and method of the processing, its impact and risks, and the measures taken
(PIPL Art 56(1)-(3)). Every change is a new version (`version` + 1) whose before and after the audit log keeps, so
the history of an assessment can be read back. The report is kept at least three years (PIPL Art 56, last
paragraph): it cannot be deleted before three years have passed since its assessment date or its last change,
whichever is later (each version is kept for its own three years).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlmodel import select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.records import delete, get_scoped, insert, versioned_update
from db.access_models import ImpactAssessment
from db.models import AuditEvent

# PIPL Art 56, last paragraph: the impact assessment report and the record of processing are kept >= 3 years.
KEEP_YEARS = 3
# PIPL Art 55 (1)-(5): sensitive PI; automated decision-making; entrusting processing, providing PI to other
# handlers, or publishing it; providing PI abroad; other processing with a major impact on individuals.
TRIGGERS = ("sensitive", "automated_decision", "entrusting", "providing", "publishing", "cross_border", "other")
RISK_LEVELS = ("low", "medium", "high")
ENTITY = "impactassessment"


class ImpactData(BaseModel):
    title: str = Field(default="", max_length=200)
    trigger: str = "other"
    purpose: str = Field(default="", max_length=4000)
    risks: str = Field(default="", max_length=4000)
    measures: str = Field(default="", max_length=4000)
    risk_level: str = "medium"
    assessed_on: date | None = None

    def validate_fields(self) -> None:
        errors = {}
        if not self.title.strip():
            errors["title"] = ("validation.required", {})
        if self.trigger not in TRIGGERS:
            errors["trigger"] = ("validation.choice", {})
        if self.risk_level not in RISK_LEVELS:
            errors["risk_level"] = ("validation.choice", {})
        if errors:
            raise ValidationFailed(errors)

    def values(self, today: date) -> dict:
        return {"title": self.title.strip(), "trigger": self.trigger, "purpose": self.purpose.strip(),
                "risks": self.risks.strip(), "measures": self.measures.strip(), "risk_level": self.risk_level,
                "assessed_on": self.assessed_on or today}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none: the day after 28 February
        return day.replace(year=day.year + years, month=3, day=1)


def keep_until(pia: ImpactAssessment) -> date:
    """The first day it may be deleted: three years after its assessment date or last change, the later."""
    changed = pia.updated_at.date() if pia.updated_at else pia.assessed_on
    return add_years(max(pia.assessed_on, changed), KEEP_YEARS)


def list_assessments(ctx: Context) -> list[ImpactAssessment]:
    ctx.require(Permission.PRIVACY_MANAGE)
    return list(ctx.session.exec(select(ImpactAssessment).where(ImpactAssessment.org_id == ctx.tenant)
                                 .order_by(ImpactAssessment.assessed_on.desc(), ImpactAssessment.title)))


def get_assessment(ctx: Context, pia_id: uuid.UUID) -> ImpactAssessment:
    ctx.require(Permission.PRIVACY_MANAGE)
    return get_scoped(ctx, ImpactAssessment, pia_id)


def create_assessment(ctx: Context, data: ImpactData) -> ImpactAssessment:
    ctx.require(Permission.PRIVACY_MANAGE)
    data.validate_fields()
    return insert(ctx, ImpactAssessment(**data.values(ctx.clock.now().date())), action="privacy.pia.created")


def update_assessment(ctx: Context, pia_id: uuid.UUID, data: ImpactData, *, expected_version: int) -> ImpactAssessment:
    ctx.require(Permission.PRIVACY_MANAGE)
    data.validate_fields()
    pia = get_scoped(ctx, ImpactAssessment, pia_id)
    values = data.values(pia.assessed_on)
    return versioned_update(ctx, pia, expected_version, values, action="privacy.pia.updated")


def delete_assessment(ctx: Context, pia_id: uuid.UUID, *, expected_version: int) -> None:
    """Refused before the three years are over (PIPL Art 56)."""
    ctx.require(Permission.PRIVACY_MANAGE)
    pia = get_scoped(ctx, ImpactAssessment, pia_id)
    until = keep_until(pia)
    if ctx.clock.now().date() < until:
        raise DomainError("privacy.pia.error_kept", until=until.isoformat())
    delete(ctx, pia, expected_version, action="privacy.pia.deleted")


@dataclass
class Version:
    version: int
    at: object
    actor_id: uuid.UUID | None
    action: str
    values: dict


def history(ctx: Context, pia_id: uuid.UUID) -> list[Version]:
    """Every version of the assessment, oldest first, from the audit log (deleted ones too)."""
    ctx.require(Permission.PRIVACY_MANAGE)
    events = ctx.session.exec(select(AuditEvent).where(
        AuditEvent.org_id == ctx.tenant, AuditEvent.entity == ENTITY, AuditEvent.entity_id == str(pia_id))
        .order_by(AuditEvent.seq)).all()
    out = []
    for e in events:
        values = e.after or e.before or {}
        out.append(Version(int(values.get("version", 0)), e.at, e.actor_id, e.action, values))
    return out
