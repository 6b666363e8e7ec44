"""Installations: the sites where CBAM goods are produced (Regulation (EU) 2023/956 Art. 3(31))."""
from __future__ import annotations

import uuid

from pydantic import BaseModel, Field
from sqlmodel import func, select

from core.access import Permission
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.records import get_scoped, insert, versioned_update
from core.validation import validate_coordinates, validate_country, validate_unlocode
from core.validation.text import check_changes
from db.models import Installation


class InstallationData(BaseModel):
    name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=500)
    city: str = Field(default="", max_length=35)  # as the registry report names it
    country: str = "CN"
    unlocode: str = Field(default="", max_length=6)
    latitude: float | None = None
    longitude: float | None = None
    economic_activity: str = Field(default="", max_length=300)

    def values(self) -> dict:
        return {"name": self.name.strip(), "address": self.address.strip(), "city": self.city.strip(),
                "country": self.country.upper(),
                "unlocode": self.unlocode.replace(" ", "").upper() or None, "latitude": self.latitude,
                "longitude": self.longitude, "economic_activity": self.economic_activity.strip()}


def _validate(ctx: Context, data: InstallationData, current_id: uuid.UUID | None) -> None:
    check_changes(Installation, dict(data))  # as typed, before any query (PostgreSQL refuses a NUL)
    errors = {}
    name = data.name.strip()
    if not name:
        errors["name"] = ("validation.required", {})
    else:
        clash = select(func.count()).select_from(Installation).where(
            Installation.org_id == ctx.tenant, func.lower(Installation.name) == name.lower())
        if current_id is not None:
            clash = clash.where(Installation.id != current_id)
        if ctx.session.exec(clash).one():
            errors["name"] = ("installations.error_duplicate_name", {"name": name})
    if not data.address.strip():
        errors["address"] = ("validation.required", {})
    if err := validate_country(data.country):
        errors["country"] = err
    if err := validate_unlocode(data.unlocode, data.country):
        errors["unlocode"] = err
    errors.update(validate_coordinates(data.latitude, data.longitude))
    if errors:
        raise ValidationFailed(errors)


def list_installations(ctx: Context, *, include_archived: bool = False) -> list[Installation]:
    ctx.require(Permission.INSTALLATION_VIEW)
    q = select(Installation).where(Installation.org_id == ctx.tenant)
    if not include_archived:
        q = q.where(Installation.archived_at.is_(None))
    return list(ctx.session.exec(q.order_by(Installation.name)))


def add_installation(ctx: Context, data: InstallationData) -> Installation:
    ctx.require(Permission.INSTALLATION_EDIT)
    _validate(ctx, data, None)
    return insert(ctx, Installation(**data.values()),
                  action="installation.created")


def update_installation(ctx: Context, installation_id: uuid.UUID, data: InstallationData, *,
                        expected_version: int) -> Installation:
    ctx.require(Permission.INSTALLATION_EDIT)
    inst = get_scoped(ctx, Installation, installation_id)
    if inst.archived_at is not None:
        raise DomainError("installations.error_archived")
    _validate(ctx, data, inst.id)
    return versioned_update(ctx, inst, expected_version, data.values(), action="installation.updated")


def archive_installation(ctx: Context, installation_id: uuid.UUID, *, expected_version: int) -> Installation:
    ctx.require(Permission.INSTALLATION_EDIT)
    inst = get_scoped(ctx, Installation, installation_id)
    return versioned_update(ctx, inst, expected_version, {"archived_at": ctx.clock.now()},
                            action="installation.archived")


def restore_installation(ctx: Context, installation_id: uuid.UUID, *, expected_version: int) -> Installation:
    ctx.require(Permission.INSTALLATION_EDIT)
    inst = get_scoped(ctx, Installation, installation_id)
    return versioned_update(ctx, inst, expected_version, {"archived_at": None}, action="installation.restored")
