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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import select

from core import audit
from core.context import Context
from core.errors import ConcurrentChange, DomainError, NotFound, ValidationFailed
from core.exchange.workbook import layout as L
from core.exchange.workbook.reader import CONVERT, CellError, Problem, SheetData, open_workbook
from core.records import who
from core.reporting import customers as customer_service
from core.reporting import precursors as precursor_service
from core.reporting import processes as process_service
from core.reporting import shipments as shipment_service
from core.reporting import source_streams as stream_service
from core.reporting.common import period_for_edit, pinned_reference
from core.reporting.customers import CustomerData
from core.reporting.precursors import ProcessInputData, PurchasedPrecursorData
from core.reporting.processes import ProcessData
from core.reporting.shipments import ShipmentData
from core.reporting.source_streams import SourceStreamData
from db.reporting_models import (
    Customer,
    ProcessInput,
    ProductionProcess,
    PurchasedPrecursor,
    ReportingPeriod,
    Shipment,
    SourceStream,
)

Progress = Callable[[int, int], None]
CHUNK = 5000
# service field → workbook column, where the names differ
_RENAMES = {
    "customers": {"name": "customer_name"},
    "precursors": {"code": "precursor_code"},
    "processes": {"code": "process_code", "name": "process_name", "cn_codes": "other_cn_codes"},
    "source_streams": {"name": "stream_name", "params": "method"},
    "process_inputs": {"from": "source_code", "from_process_id": "source_code", "from_precursor_id": "source_code"},
    "shipments": {"customer_id": "customer_eori", "process_id": "process_code"},
}


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    written: bool = False  # the changes were kept

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def counts(self) -> dict[str, dict[str, int]]:
        return {s.key: {"created": self.created.get(s.key, 0), "updated": self.updated.get(s.key, 0),
                        "unchanged": self.unchanged.get(s.key, 0), "skipped": self.skipped.get(s.key, 0)}
                for s in L.SHEETS}


def column_of(sheet: str, field_name: str) -> str | None:
    base = field_name.split("[")[0]
    if base.startswith("params."):
        base = base[len("params."):]
    base = base.split(".")[0] if base.startswith("qualifying_parameters") else base
    base = _RENAMES.get(sheet, {}).get(base, base)
    return base if base in {c.key for c in L.BY_KEY[sheet].columns} else None


def parse_qualifying(text: str) -> dict[str, Any]:
    """"name=value; name=value" → {name: value}, numbers as numbers."""
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise CellError("exchange.workbook.error.qualifying_format", value=part[:40])
        value = value.strip()
        try:
            out[name.strip()] = float(value)
        except ValueError:
            out[name.strip()] = value
    return out


class _Run:
    def __init__(self, ctx: Context, period: ReportingPeriod, book: dict[str, SheetData], result: ImportResult,
                 progress: Progress | None, write_bulk: bool) -> None:
        self.ctx, self.period, self.book, self.result = ctx, period, book, result
        self.progress, self.write_bulk = progress, write_bulk
        self.all_or_nothing = True
        self.inserted = 0
        self.total = sum(max(0, s.last_row - L.FIRST_ROW + 1) for s in book.values())
        self.done = 0
        self.invalid: dict[str, set[str]] = defaultdict(set)  # sheet → keys of rows that had problems
        self.customers: dict[str, Customer] = {}
        self.processes: dict[str, ProductionProcess] = {}
        self.precursors: dict[str, PurchasedPrecursor] = {}

    # --- helpers ---------------------------------------------------------------------------------------------
    def problem(self, sd: SheetData, row: int | None, column: str | None, key: str, **params: Any) -> None:
        cell = f"{sd.letter(column)}{row}" if column and row else ""
        self.result.problems.append(Problem(sd.sheet.key, row, column, key, params, cell))

    def refused(self, sd: SheetData, row: int, error: Exception) -> None:
        if isinstance(error, ValidationFailed):
            for name, (key, params) in error.errors.items():
                self.problem(sd, row, column_of(sd.sheet.key, name), key, **params)
        elif isinstance(error, ValidationError):
            for e in error.errors():
                name = ".".join(str(x) for x in e["loc"])
                limit = (e.get("ctx") or {}).get("max_length")
                if limit is not None:
                    self.problem(sd, row, column_of(sd.sheet.key, name), "exchange.workbook.error.too_long",
                                 limit=limit)
                else:
                    self.problem(sd, row, column_of(sd.sheet.key, name), "exchange.workbook.error.invalid_value")
        elif isinstance(error, DomainError):
            self.problem(sd, row, None, error.key, **error.params)
        self.result.skipped[sd.sheet.key] += 1

    def rows(self, sd: SheetData) -> Iterator[tuple[int, dict[str, Any]]]:
        """Typed rows; cells of the wrong type become problems and their row is skipped."""
        for n, cells in sd.rows():
            values, bad = {}, False
            for col in sd.sheet.columns:
                try:
                    values[col.key] = CONVERT[col.kind](cells[col.key])
                except CellError as e:
                    self.problem(sd, n, col.key, e.key, **e.params)
                    bad = True
            self.done += 1
            if self.progress and self.done % 1000 == 0:
                self.progress(self.done, self.total)
            if bad:
                self.result.skipped[sd.sheet.key] += 1
                continue
            yield n, values

    def duplicate(self, sd: SheetData, seen: dict[Any, int], key: Any, row: int, column: str) -> bool:
        if key in seen:
            self.problem(sd, row, column, "exchange.workbook.error.duplicate_key", first=seen[key])
            self.result.skipped[sd.sheet.key] += 1
            return True
        seen[key] = row
        return False

    def stamp(self) -> dict[str, Any]:
        now = self.ctx.clock.now()
        return {"org_id": self.ctx.tenant, "created_by": self.ctx.user.id, "updated_by": self.ctx.user.id,
                "created_at": now, "updated_at": now}

    def add(self, obj):
        for k, v in self.stamp().items():
            setattr(obj, k, v)
        self.ctx.session.add(obj)
        self.ctx.session.flush()
        return obj

    def change(self, obj, values: dict[str, Any]):
        """Update a stored row with the version it was read at (a concurrent save in between is refused)."""
        model = type(obj)
        result = self.ctx.session.exec(update(model).where(
            model.id == obj.id, model.version == obj.version, model.org_id == self.ctx.tenant).values(
            **values, version=obj.version + 1, updated_at=self.ctx.clock.now(), updated_by=self.ctx.user.id))
        if result.rowcount != 1:
            self.ctx.session.expire(obj)
            current = self.ctx.session.get(model, obj.id)
            if current is None:
                raise NotFound(model.__name__.lower(), obj.id)
            raise ConcurrentChange(model.__name__.lower(), who(self.ctx.session, current.updated_by),
                                   current.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC"))
        self.ctx.session.expire(obj)
        return self.ctx.session.get(model, obj.id)

    def stored(self, model, *conds) -> list:
        return list(self.ctx.session.exec(select(model).where(model.org_id == self.ctx.tenant, *conds)))

    def upsert(self, sd: SheetData, row: int, current, values: dict[str, Any], validate: Callable[[], None],
               make: Callable[[], Any]):
        """Unchanged, updated or created; None when the row was refused."""
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            self.result.unchanged[sd.sheet.key] += 1
            return current
        try:
            validate()
        except (ValidationFailed, DomainError) as e:
            self.refused(sd, row, e)
            return None
        if current is not None:
            self.result.updated[sd.sheet.key] += 1
            return self.change(current, values)
        self.result.created[sd.sheet.key] += 1
        return self.add(make())

    # --- sheets ----------------------------------------------------------------------------------------------
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
            values = data.values()
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
            energy = {k: v[k] or 0.0 for k in process_service.ENERGY_FIELDS}
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

    def process_of(self, sd: SheetData, n: int, code: str, column: str) -> ProductionProcess | None:
        proc = self.processes.get(code)
        if proc is None:
            key = ("exchange.workbook.error.reference_invalid" if code in self.invalid["processes"]
                   else "exchange.workbook.error.unknown_process")
            self.problem(sd, n, column, key, code=code)
            self.result.skipped[sd.sheet.key] += 1
        return proc

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

    def import_shipments(self) -> None:
        sd = self.book["shipments"]
        cols = (Shipment.id, Shipment.version, Shipment.customer_id, Shipment.process_id, Shipment.cn_code,
                Shipment.quantity, Shipment.shipped_on, Shipment.order_reference, Shipment.basis)
        pool: dict[tuple, list[uuid.UUID]] = defaultdict(list)  # content → stored shipments with that content
        by_ref: dict[str, list[tuple]] = defaultdict(list)
        for r in self.ctx.session.exec(select(*cols).where(Shipment.org_id == self.ctx.tenant,
                                                           Shipment.period_id == self.period.id)
                                       .order_by(Shipment.shipped_on, Shipment.created_at, Shipment.id)):
            pool[tuple(r[2:])].append(r[0])
            by_ref[r[7]].append(r)
        matched: set[uuid.UUID] = set()
        pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        inserts: list[dict[str, Any]] = []
        seen: dict[tuple[str, int], int] = {}
        for n, v in self.rows(sd):
            if v["line"] is not None and self.duplicate(sd, seen, (v["order_reference"], v["line"]), n, "line"):
                continue
            eori = v["customer_eori"].upper().replace(" ", "")
            customer = self.customers.get(eori)
            if customer is None:
                key = ("exchange.workbook.error.reference_invalid" if eori in self.invalid["customers"]
                       else "exchange.workbook.error.unknown_customer")
                self.problem(sd, n, "customer_eori", key, code=eori)
                self.result.skipped[sd.sheet.key] += 1
                continue
            proc = None
            if v["process_code"]:
                proc = self.process_of(sd, n, v["process_code"], "process_code")
                if proc is None:
                    continue
            try:
                data = ShipmentData(customer_id=customer.id, process_id=proc.id if proc else None,
                                    cn_code=v["cn_code"], quantity=v["quantity"] or 0.0, shipped_on=v["shipped_on"],
                                    order_reference=v["order_reference"], basis=v["basis"])
            except ValidationError as e:
                self.refused(sd, n, e)
                continue
            values = data.values()
            content = (values["customer_id"], values["process_id"], values["cn_code"], values["quantity"],
                       values["shipped_on"], values["order_reference"], values["basis"])
            if pool.get(content):
                matched.add(pool[content].pop())
                self.result.unchanged[sd.sheet.key] += 1
                continue
            try:
                shipment_service._validate(self.ctx, self.period, data)
            except ValidationFailed as e:
                self.refused(sd, n, e)
                continue
            if values["order_reference"] in by_ref:
                pending[values["order_reference"]].append(values)  # may update a stored line of that order
            else:
                self.result.created[sd.sheet.key] += 1
                inserts.append(values)
                if len(inserts) >= CHUNK:
                    self.insert_shipments(inserts)
                    inserts = []
        for ref, rows in pending.items():
            free = [r for r in by_ref.get(ref, ()) if r[0] not in matched]
            for values, old in zip(rows, free, strict=False):
                self.result.updated[sd.sheet.key] += 1
                if self.write_bulk:
                    self.change_shipment(old, values)
            for values in rows[len(free):]:
                self.result.created[sd.sheet.key] += 1
                inserts.append(values)
        self.insert_shipments(inserts)

    def insert_shipments(self, rows: list[dict[str, Any]]) -> None:
        """One executemany on the table (no ORM unit of work: 200,000 rows in seconds)."""
        if not self.write_bulk or not rows or (self.result.problems and self.all_or_nothing):
            return  # nothing will be kept
        stamp = dict(self.stamp(), period_id=self.period.id, version=1)
        # created_at a microsecond apart keeps the sheet's order for everything that lists by creation time
        first, self.inserted = stamp.pop("created_at"), self.inserted + len(rows)
        base = self.inserted - len(rows)
        self.ctx.session.connection().execute(Shipment.__table__.insert(), [
            dict(v, id=uuid.uuid4(), created_at=first + timedelta(microseconds=base + k), **stamp)
            for k, v in enumerate(rows)])

    def change_shipment(self, old: tuple, values: dict[str, Any]) -> None:
        result = self.ctx.session.execute(update(Shipment).where(
            Shipment.id == old[0], Shipment.version == old[1], Shipment.org_id == self.ctx.tenant).values(
            **values, version=old[1] + 1, updated_at=self.ctx.clock.now(), updated_by=self.ctx.user.id))
        if result.rowcount != 1:
            raise ConcurrentChange("shipment", "-", "-")


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
            run = _Run(ctx, period, book, result, progress, write_bulk=not check_only)
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
