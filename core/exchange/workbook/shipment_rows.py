"""The shipments sheet: 200,000 rows are matched to what is stored by content within their order reference, checked
by the shipment service's own validation, and written in chunks (an executemany; on PostgreSQL one INSERT … unnest per chunk)."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import select

from core.errors import NotFound, ValidationFailed
from core.exchange.workbook.run import CHUNK, Run
from core.records import changed_meanwhile
from core.reporting.shipments import ShipmentData, check_shipment
from core.validation.text import check_changes
from db.reporting_models import Shipment

_PG_TYPES = {"id": "uuid", "org_id": "uuid", "period_id": "uuid", "customer_id": "uuid", "process_id": "uuid",
             "cn_code": "text", "quantity": "float8", "shipped_on": "date", "order_reference": "text", "basis": "text",
             "version": "int4", "created_by": "uuid", "created_at": "timestamptz", "updated_by": "uuid",
             "updated_at": "timestamptz"}
assert set(_PG_TYPES) == set(Shipment.__table__.columns.keys()), "the shipment table changed: update _PG_TYPES"
_UNNEST = (f"INSERT INTO shipment ({', '.join(_PG_TYPES)}) SELECT * FROM unnest("
           + ", ".join(f"CAST(%({c})b AS {t}[])" for c, t in _PG_TYPES.items()) + ")")


SQLITE_CACHE_KIB = 65536  # the page cache while 200,000 rows go into a table with seven indexes (default: 2 MiB)


class ShipmentSheet(Run):
    pipeline: Any = False  # PostgreSQL: None until the first chunk opens it, then the open pipeline; False: none
    def import_shipments(self) -> None:
        connection = self.ctx.session.connection()
        if connection.dialect.name == "postgresql":
            # the chunks' INSERTs go out in pipeline mode: the server writes one chunk (indexes, foreign keys) while
            # the next is read and checked; the pipeline ends (and reports any error) before anything else is sent
            self.pipeline = None
            try:
                self._import_shipments()
            finally:
                self.end_pipeline()
            return
        if connection.dialect.name != "sqlite":
            self._import_shipments()
            return
        # SQLite: a larger page cache for this connection while the rows go in (a third faster), then as before
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            self._import_shipments()
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")

    def _import_shipments(self) -> None:
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
        cn_errors: dict[str, Any] = {}
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
            try:  # the service's rules on the customer and process read above: no query per row
                check_changes(Shipment, data.__dict__)  # its fields (what dict(data) gives), not copied
                check_shipment(self.ctx.tenant, self.period, data, customer, proc, cn_errors=cn_errors)
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
        self.end_pipeline()
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
        """Insert on the table (no ORM unit of work: 200,000 rows in seconds)."""
        if not self.write_bulk or not rows or (self.result.problems and self.all_or_nothing):
            return  # nothing will be kept
        stamp = dict(self.stamp(), period_id=self.period.id, version=1)
        # created_at a microsecond apart keeps the sheet's order for everything that lists by creation time
        first, self.inserted = stamp.pop("created_at"), self.inserted + len(rows)
        base, n = self.inserted - len(rows), len(rows)
        # column by column: the sheet's values, fresh ids and creation times; the stamp is one value for all rows
        columns: dict[str, list[Any]] = {
            "id": [uuid.uuid4() for _ in range(n)],
            "created_at": [first + timedelta(microseconds=base + k) for k in range(n)],
            **{c: [v[c] for v in rows] for c in rows[0]}, **{c: [value] for c, value in stamp.items()}}
        assert set(columns) == set(_PG_TYPES), "the shipment table changed: update the import's columns"
        connection = self.ctx.session.connection()
        if connection.dialect.name == "postgresql":
            # one INSERT … SELECT FROM unnest(arrays) per chunk: the server parses and plans it once, where an
            # executemany sends (and, without prepared statements behind the pooler, plans) one INSERT per row
            # (arrays sent in binary: psycopg's text format escapes every element with a regex)
            raw = connection.connection.driver_connection
            if self.pipeline is None:  # within the sheet's rows: pipelined
                self.pipeline = raw.pipeline()
                self.pipeline.__enter__()
            with raw.cursor(binary=True) as cursor:
                cursor.execute(_UNNEST, {c: v * n if c in stamp else v for c, v in columns.items()})
        else:
            # one executemany of the compiled INSERT, each column's values through its type's own bind processor
            # (what SQLAlchemy does for every row, done once per column, and once for a stamp value)
            table = Shipment.__table__
            compiled = table.insert().compile(dialect=connection.dialect, column_keys=list(_PG_TYPES))
            values = []
            for name in compiled.positiontup:
                process = table.c[name].type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
                column = list(map(process, columns[name])) if process else columns[name]
                values.append(column * n if name in stamp else column)
            connection.exec_driver_sql(compiled.string, list(zip(*values, strict=True)))

    def end_pipeline(self) -> None:
        """Wait for the pipelined INSERTs (raising the first error); later statements run one at a time again."""
        pipeline, self.pipeline = self.pipeline, False
        if pipeline:
            pipeline.__exit__(None, None, None)

    def change_shipment(self, old: tuple, values: dict[str, Any]) -> None:
        result = self.ctx.session.execute(update(Shipment).where(
            Shipment.id == old[0], Shipment.version == old[1], Shipment.org_id == self.ctx.tenant).values(
            **values, version=old[1] + 1, updated_at=self.ctx.clock.now(), updated_by=self.ctx.user.id))
        if result.rowcount != 1:
            current = self.ctx.session.exec(select(Shipment).where(Shipment.id == old[0]).execution_options(
                populate_existing=True)).first()
            if current is None:
                raise NotFound("shipment", old[0])
            raise changed_meanwhile(self.ctx.session, current)


