"""Import: a filled data-entry workbook into a reporting period, validated row by row by the services' own checks.

One transaction (a savepoint inside the caller's): every problem is collected as (sheet, row, column, message key,
params); nothing is kept unless every row is valid, or the caller asked for the valid rows only. Rows are matched
to what is stored by natural keys (process code, precursor code, customer EORI, process + stream name, consumer +
source, shipment order reference), so importing the same file twice changes nothing the second time. Rows absent
from the workbook are kept (deleting is done on the entry pages). One audit event summarises an import that
changed something.
"""
from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict

from pydantic import ValidationError

from core import audit
from core.context import Context
from core.errors import DomainError
from core.exchange.workbook import layout as L
from core.exchange.workbook.reader import CellError, open_workbook
from core.exchange.workbook.run import ImportResult, Progress, parse_qualifying
from core.exchange.workbook.shipment_rows import ShipmentSheet
from core.reporting import customers as customer_service
from core.reporting import precursors as precursor_service
from core.reporting import processes as process_service
from core.reporting import source_streams as stream_service
from core.reporting.common import period_for_edit, pinned_reference
from core.reporting.customers import CustomerData
from core.reporting.precursors import ProcessInputData, PurchasedPrecursorData
from core.reporting.processes import ProcessData
from core.reporting.source_streams import SourceStreamData
from db.reporting_models import Customer, ProcessInput, ProductionProcess, PurchasedPrecursor, SourceStream


class _Import(ShipmentSheet):
    """The other sheets, in the order their rows are referred to."""

    def import_customers(self) -> None:
        sd = self.book["customers"]
        self.customers = {c.eori: c for c in self.stored(Customer)}
        seen: dict[str, int] = {}
        for n, v in self.rows(sd):
            try:
                data = CustomerData(name=v["customer_name"], eori=v["eori"], country=v["country"],
                                    contact_name=v["contact_name"], contact_email=v["contact_email"])
            except ValidationError as e:
                self.refused(sd, n, e)
                self.invalid["customers"].add(v["eori"].upper().replace(" ", ""))
                continue
            # the sheet's columns only: the registry-report details it does not carry stay as stored
            values = {k: v for k, v in data.values().items()
                      if k in ("name", "eori", "country", "contact_name", "contact_email")}
            if self.duplicate(sd, seen, values["eori"], n, "eori"):
                continue
            current = self.customers.get(values["eori"])
            row = self.upsert(sd, n, current, values,
                              lambda d=data, c=current: customer_service._validate(self.ctx, d, c.id if c else None),
                              lambda vals=values: Customer(**vals))
            if row is None:
                self.invalid["customers"].add(values["eori"])
            else:
                self.customers[row.eori] = row

    def import_precursors(self) -> None:
        sd = self.book["precursors"]
        stored = {p.code: p for p in self.stored(PurchasedPrecursor, PurchasedPrecursor.period_id == self.period.id)}
        self.precursors = dict(stored)
        seen: dict[str, int] = {}
        for n, v in self.rows(sd):
            code = v["precursor_code"]
            if self.duplicate(sd, seen, code, n, "precursor_code"):
                continue
            if v["see_direct"] is None:
                self.problem(sd, n, "see_direct", "validation.required")
                self.result.skipped[sd.sheet.key] += 1
                self.invalid["precursors"].add(code)
                continue
            try:
                data = PurchasedPrecursorData(
                    code=code, goods_category=v["goods_category"], cn_code=v["cn_code"], country=v["country"],
                    supplier_installation=v["supplier_installation"], see_direct=v["see_direct"],
                    see_indirect=v["see_indirect"] or 0.0, data_source=v["data_source"],
                    justification=v["justification"])
            except ValidationError as e:
                self.refused(sd, n, e)
                self.invalid["precursors"].add(code)
                continue
            current = stored.get(data.code.strip())
            row = self.upsert(sd, n, current, data.values(), lambda d=data, c=current: (
                precursor_service._validate_precursor(self.ctx, self.period.id, d, c.id if c else None)),
                lambda d=data: PurchasedPrecursor(period_id=self.period.id, **d.values()))
            if row is None:
                self.invalid["precursors"].add(code)
            else:
                self.precursors[row.code] = row

    def import_processes(self) -> None:
        sd = self.book["processes"]
        stored = {p.code: p for p in self.stored(ProductionProcess, ProductionProcess.period_id == self.period.id)}
        self.processes = dict(stored)
        seen: dict[str, int] = {}
        for n, v in self.rows(sd):
            code = v["process_code"]
            if self.duplicate(sd, seen, code, n, "process_code"):
                continue
            try:
                qualifying = parse_qualifying(v["qualifying_parameters"])
            except CellError as e:
                self.problem(sd, n, "qualifying_parameters", e.key, **e.params)
                self.result.skipped[sd.sheet.key] += 1
                self.invalid["processes"].add(code)
                continue
            # an empty amount is none; an empty emission factor stays empty (not zero: rules DQ07 / DQ09)
            energy = {k: v[k] if k in process_service.FACTOR_FIELDS else v[k] or 0.0
                      for k in process_service.ENERGY_FIELDS}
            try:
                data = ProcessData(
                    code=code, name=v["process_name"], goods_category=v["goods_category"], route=v["route"] or None,
                    cn_code=v["cn_code"] or None, cn_codes=v["other_cn_codes"].replace(",", " ").split(),
                    activity_level=v["activity_level"] or 0.0, direct_emissions=v["direct_emissions"],
                    qualifying_parameters=qualifying, heat_ef_source=v["heat_ef_source"],
                    electricity_ef_source=v["electricity_ef_source"], **energy)
            except ValidationError as e:
                self.refused(sd, n, e)
                self.invalid["processes"].add(code)
                continue
            current = stored.get(data.code.strip())
            row = self.upsert(sd, n, current, data.values(), lambda d=data, c=current: (
                process_service._validate(self.ctx, self.period.id, d, c)),
                lambda d=data: ProductionProcess(period_id=self.period.id, **d.values()))
            if row is None:
                self.invalid["processes"].add(code)
            else:
                self.processes[row.code] = row

    def import_streams(self) -> None:
        sd = self.book["source_streams"]
        ids = [p.id for p in self.processes.values()]
        stored: dict[tuple[uuid.UUID, str], SourceStream] = {}
        count: dict[uuid.UUID, int] = defaultdict(int)
        for s in self.stored(SourceStream, SourceStream.process_id.in_(ids)):
            stored.setdefault((s.process_id, s.name), s)
            count[s.process_id] += 1
        seen: dict[tuple[str, str], int] = {}
        for n, v in self.rows(sd):
            if self.duplicate(sd, seen, (v["process_code"], v["stream_name"]), n, "stream_name"):
                continue
            proc = self.process_of(sd, n, v["process_code"], "process_code")
            if proc is None:
                continue
            params = {k: v[k] for k in L.STREAM_PARAMS if v[k] not in (None, "")}
            try:
                data = SourceStreamData(name=v["stream_name"], method=v["method"], params=params)
            except ValidationError as e:
                self.refused(sd, n, e)
                continue
            values = data.values()
            current = stored.get((proc.id, values["name"]))

            def validate(d=data, p=proc) -> None:
                if p.direct_emissions is not None:
                    raise DomainError("reporting.error_direct_and_streams")
                stream_service._validate(d)

            def make(p=proc, vals=values) -> SourceStream:
                count[p.id] += 1
                return SourceStream(process_id=p.id, position=count[p.id] - 1, **vals)
            self.upsert(sd, n, current, values, validate, make)

    def import_inputs(self) -> None:
        sd = self.book["process_inputs"]
        ids = [p.id for p in self.processes.values()]
        stored = {(i.process_id, i.from_process_id or i.from_precursor_id): i
                  for i in self.stored(ProcessInput, ProcessInput.process_id.in_(ids))}
        seen: dict[tuple[str, str], int] = {}
        for n, v in self.rows(sd):
            if self.duplicate(sd, seen, (v["process_code"], v["source_code"]), n, "source_code"):
                continue
            proc = self.process_of(sd, n, v["process_code"], "process_code")
            if proc is None:
                continue
            src_code = v["source_code"]
            own, bought = self.processes.get(src_code), self.precursors.get(src_code)
            if own is None and bought is None:
                invalid = src_code in self.invalid["processes"] or src_code in self.invalid["precursors"]
                self.problem(sd, n, "source_code", "exchange.workbook.error.reference_invalid" if invalid
                             else "exchange.workbook.error.unknown_source", code=src_code)
                self.result.skipped[sd.sheet.key] += 1
                continue
            data = ProcessInputData(from_process_id=own.id if own else None,
                                    from_precursor_id=None if own else bought.id, mass=v["mass"] or 0.0)
            current = stored.get((proc.id, own.id if own else bought.id))
            self.upsert(sd, n, current, data.model_dump(), lambda d=data, p=proc, c=current: (
                precursor_service._validate_input(self.ctx, p, d, c.id if c else None)),
                lambda d=data, p=proc: ProcessInput(process_id=p.id, **d.model_dump()))


def import_workbook(ctx: Context, period_id: uuid.UUID, data: bytes, *, valid_rows_only: bool = False,
                    check_only: bool = False, progress: Progress | None = None) -> ImportResult:
    """Import a filled data-entry workbook into a period (DATA_EDIT, the period a draft or sent back).

    Returns every problem; `written` says whether the changes were kept: only when there are no problems, or when
    `valid_rows_only` is set. `check_only` validates everything and keeps nothing. A malformed file raises one
    ExchangeError before anything is read into the period.
    """
    period = period_for_edit(ctx, period_id)
    book = open_workbook(data)
    result = ImportResult()
    savepoint = ctx.session.begin_nested()
    try:
        with pinned_reference():
            run = _Import(ctx, period, book, result, progress, write_bulk=not check_only)
            run.all_or_nothing = not valid_rows_only
            run.import_customers()
            run.import_precursors()
            run.import_processes()
            run.import_streams()
            run.import_inputs()
            # the last sheet: nothing depends on its rows, so when nothing will be kept it is only validated
            run.write_bulk = not check_only and (valid_rows_only or not result.problems)
            run.import_shipments()
        accepted = not check_only and (valid_rows_only or not result.problems)
        if accepted and result.changes:
            audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.org_id, action="workbook.imported",
                         entity="reportingperiod", entity_id=period.id, before=None, after={
                             "file_sha256": hashlib.sha256(data).hexdigest(), "valid_rows_only": valid_rows_only,
                             "problems": len(result.problems), **result.counts()}, at=ctx.clock.now())
        if accepted:
            savepoint.commit()
            result.written = True
        else:
            savepoint.rollback()
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    if progress:
        progress(run.total, run.total)
    return result
