"""Source streams of a production process. Each method's fields are the engine's (core/cbam/source_streams.py):
the engine itself checks a stream when it is saved, so what is stored always evaluates."""
from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import func, select

from core.access import Permission
from core.cbam import CbamError, stream_emissions
from core.cbam.source_streams import METHODS
from core.context import Context
from core.errors import DomainError, ValidationFailed
from core.numbers import FACTOR, SIGNED_AMOUNT, number_error
from core.records import delete, get_scoped, insert, versioned_update
from core.reporting.common import period_for_edit, reference
from db.reporting_models import ProductionProcess, SourceStream

# The fields of each method with their units, for forms (template v2.1.1, B_EmInst). Unit fields list their choices.
METHOD_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "combustion": (("activity_data", "t | 1000Nm3"), ("activity_unit", "t | 1000Nm3"), ("ncv", "GJ/t | GJ/1000Nm3"),
                   ("ncv_unit", "GJ/t | GJ/1000Nm3"), ("ef", "tCO2/TJ | tCO2/t | tCO2/1000Nm3"),
                   ("ef_unit", "tCO2/TJ | tCO2/t | tCO2/1000Nm3"), ("oxidation_factor", "0–1"),
                   ("biomass_fraction", "0–1")),
    "process": (("activity_data", "t | 1000Nm3"), ("activity_unit", "t | 1000Nm3"), ("ef", "tCO2/t | tCO2/1000Nm3"),
                ("ef_unit", "tCO2/t | tCO2/1000Nm3"), ("conversion_factor", "0–1"), ("biomass_fraction", "0–1")),
    "mass_balance": (("activity_data", "t | 1000Nm3 (negative for outputs)"), ("activity_unit", "t | 1000Nm3"),
                     ("carbon_content", "tC/t | tC/1000Nm3"), ("carbon_content_unit", "tC/t | tC/1000Nm3"),
                     ("biomass_fraction", "0–1")),
    "pfc_slope": (("activity_data", "t Al"), ("anode_effect_frequency", "1/cell-day"),
                  ("anode_effect_duration", "min"), ("sef_cf4", "(kg CF4/t Al)/(AE-min/cell-day)"),
                  ("f_c2f6", "t C2F6/t CF4"), ("collection_efficiency", "0–1")),
    "pfc_overvoltage": (("activity_data", "t Al"), ("anode_effect_overvoltage", "mV/cell"),
                        ("current_efficiency", "0–1"), ("overvoltage_coefficient", "(kg CF4/t Al)/(mV/cell)"),
                        ("f_c2f6", "t C2F6/t CF4"), ("collection_efficiency", "0–1")),
    "measurement": (("gas", "CO2 | N2O"), ("concentration_g_per_Nm3", "g/Nm3"), ("hours", "h"),
                    ("flue_gas_flow_1000Nm3_per_h", "1000Nm3/h"), ("biomass_fraction", "0–1")),
}
assert set(METHOD_FIELDS) == set(METHODS), "a source-stream method registered in the engine has no form fields"
_CHOICE_FIELDS = ("activity_unit", "ncv_unit", "ef_unit", "carbon_content_unit", "gas")  # text, not numbers


class SourceStreamData(BaseModel):
    name: str = Field(default="", max_length=200)
    method: str = ""
    params: dict[str, float | str | None] = Field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        known = {f for f, _ in METHOD_FIELDS.get(self.method, ())}
        return {"name": self.name.strip(), "method": self.method,
                "params": {k: v for k, v in self.params.items() if k in known and v not in (None, "")}}


def _validate(data: SourceStreamData) -> None:
    if data.method not in METHOD_FIELDS:
        raise ValidationFailed({"method": ("validation.choice", {})})
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    for k, v in list(data.params.items()):  # numbers as typed, parsed strictly: refused, never altered
        if k in _CHOICE_FIELDS or k not in {f for f, _ in METHOD_FIELDS[data.method]}:
            continue
        number, err = number_error(v, SIGNED_AMOUNT if k == "activity_data" else FACTOR)
        if err is not None:
            errors[f"params.{k}"] = err
        data.params[k] = number
    if errors:
        raise ValidationFailed(errors)
    values = data.values()
    try:
        stream_emissions({"method": data.method, **values["params"]}, "params", reference().constants)
    except CbamError as e:
        field = str(getattr(e, "path", "params"))
        raise ValidationFailed({field: (e.key, {k: v for k, v in e.params.items() if k != "path"})}) from e


def _process_for_edit(ctx: Context, process_id: uuid.UUID) -> ProductionProcess:
    ctx.require(Permission.DATA_EDIT)
    proc = get_scoped(ctx, ProductionProcess, process_id)
    period_for_edit(ctx, proc.period_id)
    return proc


def list_source_streams(ctx: Context, *, process_id: uuid.UUID) -> list[SourceStream]:
    ctx.require(Permission.DATA_VIEW)
    return list(ctx.session.exec(select(SourceStream).where(
        SourceStream.org_id == ctx.tenant, SourceStream.process_id == process_id)
        .order_by(SourceStream.position, SourceStream.created_at)))


def add_source_stream(ctx: Context, *, process_id: uuid.UUID, data: SourceStreamData) -> SourceStream:
    proc = _process_for_edit(ctx, process_id)
    if proc.direct_emissions is not None:
        # the engine takes DirEm* either as one figure or as the sum of the streams, never both
        raise DomainError("reporting.error_direct_and_streams")
    _validate(data)
    position = ctx.session.exec(select(func.count()).select_from(SourceStream).where(
        SourceStream.org_id == ctx.tenant, SourceStream.process_id == proc.id)).one()
    return insert(ctx, SourceStream(process_id=proc.id, position=position, **data.values()),
                  action="source_stream.created")


def update_source_stream(ctx: Context, *, stream_id: uuid.UUID, data: SourceStreamData,
                         expected_version: int) -> SourceStream:
    ctx.require(Permission.DATA_EDIT)
    stream = get_scoped(ctx, SourceStream, stream_id)
    _process_for_edit(ctx, stream.process_id)
    _validate(data)
    return versioned_update(ctx, stream, expected_version, data.values(), action="source_stream.updated")


def delete_source_stream(ctx: Context, *, stream_id: uuid.UUID, expected_version: int) -> None:
    ctx.require(Permission.DATA_EDIT)
    stream = get_scoped(ctx, SourceStream, stream_id)
    _process_for_edit(ctx, stream.process_id)
    delete(ctx, stream, expected_version, action="source_stream.deleted")
