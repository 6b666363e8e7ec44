"""The review workflow of a reporting period:

    draft ──submit (editor)──► submitted ──start_review (consultant)──► in_review
      ▲                            │  └────────────approve (owner)────────┐   │
      └──── changes_requested ◄────┴──request_changes (consultant)────────┼───┘
                                                                          ▼
                                  approved: frozen as a hashed snapshot; reopen → version n+1 (draft, with a reason)
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import func, select

from core.access import Permission
from core.approval import check_four_eyes, refuse_blocking_findings
from core.cbam import evaluate_data
from core.context import Context
from core.errors import DomainError, PermissionDenied, ValidationFailed
from core.notifications import notify_period
from core.records import changed_meanwhile, get_scoped, insert, versioned_update
from core.reporting.common import (
    APPROVED,
    CHANGES_REQUESTED,
    DRAFT,
    EDITABLE,
    IN_REVIEW,
    SUBMITTED,
    lock_period,
)
from core.reporting.export_details import SECTION as DETAILS_SECTION
from core.reporting.export_details import export_details
from core.reporting.scenario import canonical_json, content_hash, scenario_of, snapshot_of
from core.review import may_resolve
from db.reporting_models import (
    PeriodSnapshot,
    ProcessInput,
    ProductionProcess,
    PurchasedPrecursor,
    ReportingPeriod,
    ReviewComment,
    Shipment,
    SourceStream,
)


def _move(ctx: Context, period_id: uuid.UUID, expected_version: int, allowed: tuple[str, ...], to: str, *,
          action: str, extra: dict | None = None) -> ReportingPeriod:
    period = lock_period(ctx, period_id)
    if period.status not in allowed:
        raise DomainError("reporting.error_transition", status=period.status, to=to)
    changes = {"status": to, "status_changed_by": ctx.user.id, "status_changed_at": ctx.clock.now(), **(extra or {})}
    return versioned_update(ctx, period, expected_version, changes, action=action)


def submit_period(ctx: Context, *, period_id: uuid.UUID, expected_version: int) -> ReportingPeriod:
    """Hand the period in for review. Refused while its data has a blocking data-quality finding."""
    ctx.require(Permission.PERIOD_SUBMIT)
    period = lock_period(ctx, period_id)
    if period.status not in EDITABLE:
        raise DomainError("reporting.error_transition", status=period.status, to=SUBMITTED)
    refuse_blocking_findings(ctx, period, action="submit")
    moved = _move(ctx, period_id, expected_version, EDITABLE, SUBMITTED, action="period.submitted",
                  extra={"submitted_by": ctx.user.id})
    notify_period(ctx, moved, "submitted")  # sent after commit; a mail failure never undoes the submission
    return moved


def start_review(ctx: Context, *, period_id: uuid.UUID, expected_version: int) -> ReportingPeriod:
    ctx.require(Permission.PERIOD_REVIEW)
    return _move(ctx, period_id, expected_version, (SUBMITTED,), IN_REVIEW, action="period.review_started")


def request_changes(ctx: Context, *, period_id: uuid.UUID, expected_version: int) -> ReportingPeriod:
    """Send the period back for editing; the open comments say what to change."""
    ctx.require(Permission.PERIOD_REVIEW)
    moved = _move(ctx, period_id, expected_version, (SUBMITTED, IN_REVIEW), CHANGES_REQUESTED,
                  action="period.changes_requested")
    notify_period(ctx, moved, "changes_requested")  # sent after commit
    return moved


def add_comment(ctx: Context, *, period_id: uuid.UUID, field_path: str, text: str) -> ReviewComment:
    """A reviewer's comment on one field (`processes.P1.activity_level`), while the period is not approved."""
    ctx.require(Permission.REVIEW_COMMENT)
    period = lock_period(ctx, period_id)
    if period.status == APPROVED:
        raise DomainError("reporting.error_period_frozen", year=period.year, version=period.version_no)
    errors = {}
    if not field_path.strip():
        errors["field_path"] = ("validation.required", {})
    if not text.strip():
        errors["text"] = ("validation.required", {})
    if errors:
        raise ValidationFailed(errors)
    return insert(ctx, ReviewComment(period_id=period.id, field_path=field_path.strip()[:300],
                                     text=text.strip(), author_id=ctx.user.id), action="comment.added")


def resolve_comment(ctx: Context, *, comment_id: uuid.UUID, expected_version: int) -> ReviewComment:
    """The comment's author or a reviewer (a role that may review or approve) marks it resolved; anyone else is
    refused, even an editor who fixed the field."""
    ctx.require(Permission.DATA_VIEW)
    comment = get_scoped(ctx, ReviewComment, comment_id)
    if not may_resolve(ctx, comment):
        raise PermissionDenied("comment.resolve", str(ctx.role) if ctx.role else None)
    period = lock_period(ctx, comment.period_id)
    if period.status == APPROVED:
        raise DomainError("reporting.error_period_frozen", year=period.year, version=period.version_no)
    return versioned_update(ctx, comment, expected_version,
                            {"resolved": True, "resolved_by": ctx.user.id, "resolved_at": ctx.clock.now()},
                            action="comment.resolved")


def list_comments(ctx: Context, *, period_id: uuid.UUID, open_only: bool = False) -> list[ReviewComment]:
    ctx.require(Permission.DATA_VIEW)
    q = select(ReviewComment).where(ReviewComment.org_id == ctx.tenant, ReviewComment.period_id == period_id)
    if open_only:
        q = q.where(ReviewComment.resolved.is_(False))
    return list(ctx.session.exec(q.order_by(ReviewComment.created_at)))


def approve_period(ctx: Context, *, period_id: uuid.UUID, expected_version: int) -> ReportingPeriod:
    """Approve and freeze: the scenario's canonical JSON and its SHA-256 are stored as the period's snapshot.

    Refused to the person who submitted it under four-eyes approval, while review comments are open, while the
    data has a blocking data-quality finding (checked again: data can change after submission), or while the
    engine cannot evaluate the data."""
    ctx.require(Permission.PERIOD_APPROVE)
    period = lock_period(ctx, period_id)
    if period.status not in (SUBMITTED, IN_REVIEW):
        raise DomainError("reporting.error_transition", status=period.status, to=APPROVED)
    check_four_eyes(ctx, period)
    open_comments = ctx.session.exec(select(func.count()).select_from(ReviewComment).where(
        ReviewComment.org_id == ctx.tenant, ReviewComment.period_id == period.id,
        ReviewComment.resolved.is_(False))).one()
    if open_comments:
        raise DomainError("reporting.error_open_comments", count=open_comments)
    refuse_blocking_findings(ctx, period, action="approve")
    scenario = scenario_of(ctx, period, pin_reference=True)
    evaluate_data(scenario)  # a CbamError here: the data is not complete enough to freeze
    scenario[DETAILS_SECTION] = export_details(ctx, period)  # what exports show, frozen with the numbers
    content = canonical_json(scenario)
    digest = content_hash(content)
    now = ctx.clock.now()
    insert(ctx, PeriodSnapshot(period_id=period.id, version_no=period.version_no, hash=digest,
                               content=content), action="snapshot.frozen")
    moved = _move(ctx, period.id, expected_version, (SUBMITTED, IN_REVIEW), APPROVED, action="period.approved",
                  extra={"snapshot_hash": digest, "frozen_at": now})
    notify_period(ctx, moved, "approved")  # sent after commit
    return moved


def verify_snapshot(ctx: Context, *, period_id: uuid.UUID) -> bool:
    """True when the stored snapshot still hashes to the hash recorded at approval."""
    ctx.require(Permission.DATA_VIEW)
    period = get_scoped(ctx, ReportingPeriod, period_id)
    snap = snapshot_of(ctx, period)
    return content_hash(snap.content) == snap.hash == period.snapshot_hash


def reopen_period(ctx: Context, *, period_id: uuid.UUID, reason: str, expected_version: int) -> ReportingPeriod:
    """Open version n+1 of an approved period as a draft copy of its data; version n stays frozen. Only an owner
    reopens (PERIOD_REOPEN): an approved version is what the organization signed off."""
    ctx.require(Permission.PERIOD_REOPEN)
    old = lock_period(ctx, period_id)
    if old.status != APPROVED:
        raise DomainError("reporting.error_transition", status=old.status, to=DRAFT)
    if old.version != expected_version:
        raise changed_meanwhile(ctx.session, old)
    if not reason.strip():
        raise ValidationFailed({"reason": ("reporting.error_reason_required", {})})
    latest = ctx.session.exec(select(func.max(ReportingPeriod.version_no)).where(
        ReportingPeriod.org_id == ctx.tenant, ReportingPeriod.installation_id == old.installation_id,
        ReportingPeriod.year == old.year)).one()
    if latest != old.version_no:
        raise DomainError("reporting.error_not_latest_version", version=latest)
    now = ctx.clock.now()
    new = insert(ctx, ReportingPeriod(
        installation_id=old.installation_id, year=old.year, version_no=old.version_no + 1,
        status=DRAFT, reason=reason.strip()[:1000], previous_id=old.id, parameters=dict(old.parameters or {}),
        status_changed_by=ctx.user.id, status_changed_at=now), action="period.reopened")
    _copy_data(ctx, old, new, now)
    return new


def _copy_data(ctx: Context, old: ReportingPeriod, new: ReportingPeriod, now: datetime) -> None:
    stamp = {"org_id": ctx.tenant, "created_by": ctx.user.id, "updated_by": ctx.user.id, "created_at": now,
             "updated_at": now, "version": 1}
    skip = ("id", "org_id", "created_by", "updated_by", "created_at", "updated_at", "version")

    def fields(row) -> dict:
        return {k: v for k, v in row.model_dump().items() if k not in skip}

    def rows(model, *conds) -> list:
        return list(ctx.session.exec(select(model).where(model.org_id == ctx.tenant, *conds)))

    new_id: dict[uuid.UUID, uuid.UUID] = {}
    for p in rows(ProductionProcess, ProductionProcess.period_id == old.id):
        copy = insert(ctx, ProductionProcess(**(fields(p) | stamp | {"period_id": new.id})), action="process.created")
        new_id[p.id] = copy.id
    for pp in rows(PurchasedPrecursor, PurchasedPrecursor.period_id == old.id):
        copy = insert(ctx, PurchasedPrecursor(**(fields(pp) | stamp | {"period_id": new.id})),
                      action="precursor.created")
        new_id[pp.id] = copy.id
    old_procs = list(new_id)
    for s in rows(SourceStream, SourceStream.process_id.in_(old_procs)):
        copy = insert(ctx, SourceStream(**(fields(s) | stamp | {"process_id": new_id[s.process_id]})),
                      action="source_stream.created")
        new_id[s.id] = copy.id
    for i in rows(ProcessInput, ProcessInput.process_id.in_(old_procs)):
        insert(ctx, ProcessInput(**(fields(i) | stamp | {
            "process_id": new_id[i.process_id],
            "from_process_id": new_id.get(i.from_process_id) if i.from_process_id else None,
            "from_precursor_id": new_id.get(i.from_precursor_id) if i.from_precursor_id else None})),
            action="process_input.created")
    for s in rows(Shipment, Shipment.period_id == old.id):
        copy = insert(ctx, Shipment(**(fields(s) | stamp | {
            "period_id": new.id, "process_id": new_id.get(s.process_id) if s.process_id else None})),
            action="shipment.created")
        new_id[s.id] = copy.id
    from core.reporting.carbon_price import copy_carbon_prices  # issue 13

    copy_carbon_prices(ctx, old, new, new_id, stamp)
    # the evidence behind version n's figures supports the same figures of version n+1
    from core.evidence.links import carry_links  # evidence builds on reporting, not the other way round

    carry_links(ctx, old_period_id=old.id, new_period_id=new.id, new_ids=new_id)
