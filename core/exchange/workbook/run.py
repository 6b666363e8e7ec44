"""The machinery every sheet's import shares: typed rows, problems, matching stored rows and writing them without
one audit event per row (the import records one summary event)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import select

from core.context import Context
from core.errors import DomainError, NotFound, ValidationFailed
from core.exchange.workbook import layout as L
from core.exchange.workbook.reader import CONVERT, CellError, Problem, SheetData, basis_code
from core.records import changed_meanwhile
from core.validation.text import check_changes, check_record
from db.reporting_models import Customer, ProductionProcess, PurchasedPrecursor, ReportingPeriod

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


class Run:
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
        converters = [(c.key, sd.positions[c.key], CONVERT[c.kind], c.choices == "data_sources")
                      for c in sd.sheet.columns]
        for n, cells in sd.rows():
            values, bad, width = {}, False, len(cells)
            for key, i, convert, is_basis in converters:
                try:
                    value = convert(cells[i] if i < width else "")
                    values[key] = basis_code(value) if is_basis else value
                except CellError as e:
                    self.problem(sd, n, key, e.key, **e.params)
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
            raise changed_meanwhile(self.ctx.session, current)
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
            # the same text rule as every form (core/validation/text.py), before anything is written
            if current is not None:
                check_changes(type(current), values)
            else:
                obj = make()
                check_record(obj)
        except (ValidationFailed, DomainError) as e:
            self.refused(sd, row, e)
            return None
        if current is not None:
            self.result.updated[sd.sheet.key] += 1
            return self.change(current, values)
        self.result.created[sd.sheet.key] += 1
        return self.add(obj)

    # --- sheets ----------------------------------------------------------------------------------------------
    def process_of(self, sd: SheetData, n: int, code: str, column: str) -> ProductionProcess | None:
        proc = self.processes.get(code)
        if proc is None:
            key = ("exchange.workbook.error.reference_invalid" if code in self.invalid["processes"]
                   else "exchange.workbook.error.unknown_process")
            self.problem(sd, n, column, key, code=code)
            self.result.skipped[sd.sheet.key] += 1
        return proc

