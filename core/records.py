"""Shared write helpers: snapshots for the audit log and optimistic-locking updates."""
from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import delete as sql_delete
from sqlalchemy import text, update
from sqlmodel import SQLModel, select

from core import audit
from core.errors import ConcurrentChange, NotFound
from core.validation.text import check_changes, check_record
from db.models import User

T = TypeVar("T", bound=SQLModel)


def snapshot(obj: SQLModel, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in obj.model_dump().items() if k not in exclude}


def get_scoped(ctx, model: type[T], obj_id: uuid.UUID) -> T:
    """A tenant row of the acting organization, or NotFound (another tenant's id is simply not found)."""
    obj = ctx.session.exec(select(model).where(model.id == obj_id, model.org_id == ctx.tenant)).first()
    if obj is None:
        raise NotFound(model.__name__.lower(), obj_id)
    return obj


def who(session, user_id: uuid.UUID | None) -> str:
    if user_id is None:
        return "-"
    user = session.get(User, user_id)
    return (user.name or user.email or str(user_id)) if user else str(user_id)


# the fields that name a record to a person, most telling first (a process by its name, else its code, …)
_NAME_FIELDS = ("name", "code", "original_name", "name_en", "name_zh", "invited_email", "email", "order_reference",
                "field_path", "subject", "field_name")


def record_name(obj: SQLModel) -> str:
    """How a person knows this record: `Hot rolling`, `PP1`, `2026 v2`, `invoice.pdf`; "" when it has no name."""
    if hasattr(obj, "year") and hasattr(obj, "version_no"):  # a reporting period
        return f"{obj.year} v{obj.version_no}"
    for field in _NAME_FIELDS:
        value = getattr(obj, field, None)
        if value:
            return str(value)[:80]
    shipped = getattr(obj, "shipped_on", None)
    return shipped.isoformat() if shipped else ""


def changed_meanwhile(session, current: SQLModel) -> ConcurrentChange:
    """The refusal of a save that lost the race to `current`: which record, who saved it, when."""
    return ConcurrentChange(type(current).__name__.lower(), who(session, current.updated_by),
                            current.updated_at.strftime("%Y-%m-%d %H:%M UTC"), name=record_name(current))


def _refuse(ctx, obj: SQLModel) -> None:
    """The guarded write touched no row: the row is gone, or someone saved it since it was read (say who, when)."""
    model = type(obj)
    ctx.session.expire(obj)
    current = ctx.session.get(model, obj.id)
    if current is None:
        raise NotFound(model.__name__.lower(), obj.id)
    raise changed_meanwhile(ctx.session, current)


def versioned_update(ctx, obj: T, expected_version: int, changes: dict[str, Any], *, action: str) -> T:
    """Write `changes` only if nobody saved the row since `expected_version` was read; audit it.

    The UPDATE carries `version = expected` in its WHERE clause, so two concurrent saves cannot both pass.
    """
    model = type(obj)
    check_changes(model, changes)  # every text is refused or saved exactly as typed (core/validation/text.py)
    before = snapshot(obj)
    now = ctx.clock.now()
    values = dict(changes, version=expected_version + 1, updated_at=now, updated_by=ctx.user.id)
    conds = [model.id == obj.id, model.version == expected_version]
    if hasattr(model, "org_id") and "org_id" in model.model_fields:
        conds.append(model.org_id == ctx.tenant)
    result = ctx.session.exec(update(model).where(*conds).values(**values))
    if result.rowcount != 1:
        _refuse(ctx, obj)
    ctx.session.expire(obj)
    fresh = ctx.session.get(model, obj.id)
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.org_id, action=action, entity=model.__name__.lower(),
                 entity_id=obj.id, before=before, after=snapshot(fresh), at=now)
    return fresh


def insert(ctx, obj: T, *, action: str) -> T:
    """Add a new row stamped with the acting organization, person and clock; audit it."""
    fields = type(obj).model_fields
    check_record(obj)  # every text is refused or saved exactly as typed (core/validation/text.py)
    now = ctx.clock.now()
    if "org_id" in fields and obj.org_id is None:
        obj.org_id = ctx.tenant
    for name, value in (("created_by", ctx.user.id), ("updated_by", ctx.user.id), ("created_at", now),
                        ("updated_at", now)):
        if name in fields:
            setattr(obj, name, value)
    ctx.session.add(obj)
    ctx.session.flush()
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.org_id, action=action,
                 entity=type(obj).__name__.lower(), entity_id=obj.id, before=None, after=snapshot(obj),
                 at=now)
    return obj


def delete(ctx, obj: SQLModel, expected_version: int, *, action: str) -> None:
    """Delete a tenant row only if nobody saved it since `expected_version` was read; audit it."""
    model = type(obj)
    before = snapshot(obj)
    if ctx.session.get_bind().dialect.name == "postgresql":
        # the app role holds no DELETE privilege (with it, it could lock whole tables): cbam_delete() deletes one
        # row of the acting organization, by id and version (db/rls.py)
        deleted = ctx.session.execute(text("SELECT cbam_delete(:t, :id, :v)"), {
            "t": model.__tablename__, "id": obj.id, "v": expected_version}).scalar_one()
    else:
        deleted = ctx.session.exec(sql_delete(model).where(model.id == obj.id, model.version == expected_version,
                                                           model.org_id == ctx.tenant)).rowcount
    if deleted != 1:
        _refuse(ctx, obj)
    ctx.session.expunge(obj)
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.org_id, action=action, entity=model.__name__.lower(),
                 entity_id=obj.id, before=before, after=None, at=ctx.clock.now())
