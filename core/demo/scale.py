"""Demo data at consultant scale (`cbam demo seed --scale consultant`): 50 client organizations, 500 installations,
200,000 shipments and 1,000,000 audit events, with one demo consultant who is a member of all 50.

The rows are built in memory from the worked examples (steel, aluminium, cement; each installation's volumes and
intensities varied) and written in bulk: executemany on SQLite, COPY on PostgreSQL. Audit events form a valid hash
chain per organization, hashed (keyed) exactly as `core.audit.compute_hash` does (the verifier checks them), in
worker processes while the other tables are written (core/demo/scale_audit.py).
Run it with the owner connection: the rows of 50 organizations are written in one go, not one session each.
"""
from __future__ import annotations

import json
import operator
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Engine

from core.clock import Clock, SystemClock
from core.demo.scale_audit import AuditChains, audit_rows, plan_chains
from core.demo.seed import DEMO_USERS, _login
from core.reporting.common import APPROVED, CHANGES_REQUESTED, DRAFT, IN_REVIEW, SUBMITTED, reference
from core.reporting.export_details import SECTION as DETAILS_SECTION
from core.reporting.export_details import details_section
from core.reporting.scenario import FORMAT, canonical_json, content_hash
from db.models import AuditEvent, Installation, Membership, Organization
from db.reporting_models import (
    Customer,
    PeriodSnapshot,
    ProcessInput,
    ProductionProcess,
    PurchasedPrecursor,
    ReportingPeriod,
    Shipment,
    SourceStream,
)
from db.session import Scope, scoped_session

__all__ = ["CONSULTANT_SCALE", "OWNER", "SCALE_PREFIX", "ScaleSize", "audit_rows", "seed_scale"]

HERE = Path(__file__).resolve().parent
TEMPLATES = ("steel_2026.json", "aluminium_2026.json", "cement_2026.json")  # the worked examples (domain ref §8)
SCALE_PREFIX = "CBAM Scale Client"
YEAR = 2026
OWNER = ("demo-scale-owner", "scale-owner@demo.cbam.local", "周强 Zhou Qiang")
# (status, share of periods): most clients are still entering or reviewing data in November of the first year
STATUS_MIX = ((DRAFT, 0.40), (SUBMITTED, 0.15), (IN_REVIEW, 0.15), (CHANGES_REQUESTED, 0.05), (APPROVED, 0.25))
COUNTRIES = ("CN", "CN", "CN", "CN", "CN", "CN", "IN", "TR", "VN", "KR")  # where the installations are
EU = ("DE", "NL", "IT", "FR", "BE", "PL", "ES", "AT")
IMPORTERS = ("Stahlhandel", "Metaalimport", "Importazioni Acciaio", "Négoce Métaux", "Bouwmaterialen",
             "Hurtownia Stali", "Materiales", "Baustoffe")


@dataclass(frozen=True)
class ScaleSize:
    orgs: int = 50
    installations: int = 500
    shipments: int = 200_000
    audit_events: int = 1_000_000

    def scaled(self, factor: float) -> ScaleSize:
        """A smaller (or larger) run with the same proportions (at least one of each)."""
        return ScaleSize(max(1, round(self.orgs * factor)), max(1, round(self.installations * factor)),
                         max(1, round(self.shipments * factor)), max(1, round(self.audit_events * factor)))


CONSULTANT_SCALE = ScaleSize()


@dataclass
class _Rows:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)


def _templates() -> list[dict[str, Any]]:
    return [json.loads((HERE / name).read_text(encoding="utf-8")) for name in TEMPLATES]


def _tenant(org_id, who, at) -> dict[str, Any]:
    return {"org_id": org_id, "created_by": who, "created_at": at, "updated_by": who, "updated_at": at, "version": 1}


def _pick_status(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for status, share in STATUS_MIX:
        acc += share
        if x < acc:
            return status
    return DRAFT


class _Builder:
    def __init__(self, size: ScaleSize, owner_id: uuid.UUID, consultant: Any, rng: random.Random) -> None:
        self.size, self.owner, self.consultant, self.rng = size, owner_id, consultant, rng
        self.rows = _Rows()
        self.templates = _templates()
        self.events: dict[uuid.UUID, list[tuple]] = {}  # org → (actor, action, entity, entity_id, before, after)
        self.t0 = datetime(YEAR, 1, 5, 8, 0, tzinfo=UTC)
        self.versions = reference().versions
        self.parties: dict[uuid.UUID, dict[str, Any]] = {}  # org → its row and its customers' rows (for snapshots)

    def event(self, org_id, action, entity, entity_id, after=None, before=None, actor=None) -> None:
        self.events[org_id].append((actor or self.owner, action, entity, str(entity_id), before, after))

    def build(self) -> None:
        s = self.size
        per_org = [s.installations // s.orgs + (1 if n < s.installations % s.orgs else 0) for n in range(s.orgs)]
        per_inst = [s.shipments // s.installations + (1 if n < s.shipments % s.installations else 0)
                    for n in range(s.installations)]
        k = 0
        for n in range(s.orgs):
            org_id = self.org(n)
            customers = self.customers(org_id, n)
            for _ in range(per_org[n]):
                self.installation(org_id, n, k, customers, per_inst[k])
                k += 1

    def org(self, n: int) -> uuid.UUID:
        org_id = uuid.uuid4()
        at = self.t0
        self.events[org_id] = []
        org_row = {
            "id": org_id, "name_zh": f"规模示例客户{n + 1:02d}有限公司", "name_en": f"{SCALE_PREFIX} {n + 1:02d} Co., Ltd.",
            "eori": None, "uscc": None, "address": f"示例工业园 {n + 1} 号", "industry": "iron_steel",
            # one owner approves what they submitted: the scale organizations have no second approver
            "four_eyes_approval": False,
            "created_by": self.owner, "created_at": at, "updated_by": self.owner, "updated_at": at, "version": 1}
        self.rows.add("organization", org_row)
        self.parties[org_id] = {"organization": org_row, "customers": {}}
        self.event(org_id, "organization.created", "organization", org_id, {"name_en": f"{SCALE_PREFIX} {n + 1:02d}"})
        for user_id, email, role in ((self.owner, OWNER[1], "owner"),
                                     (self.consultant.id, self.consultant.email, "consultant")):
            mid = uuid.uuid4()
            self.rows.add("membership", {**_tenant(org_id, self.owner, at), "id": mid, "user_id": user_id,
                                         "invited_email": email, "role": role, "status": "active"})
            self.event(org_id, "member.added" if role == "owner" else "member.joined", "membership", mid,
                       {"role": role}, actor=user_id)
        return org_id

    def customers(self, org_id: uuid.UUID, n: int) -> list[uuid.UUID]:
        out = []
        for c in range(8):
            cid, cc = uuid.uuid4(), EU[c % len(EU)]
            name = f"{IMPORTERS[c % len(IMPORTERS)]} {cc}-{n + 1:02d}{c + 1}"
            row = {**_tenant(org_id, self.owner, self.t0), "id": cid, "name": name,
                   "eori": f"{cc}{n:04d}{c:04d}{self.rng.randrange(10**6):06d}", "country": cc,
                   "contact_name": "", "contact_email": ""}
            self.rows.add("customer", row)
            self.parties[org_id]["customers"][cid] = row
            self.event(org_id, "customer.created", "customer", cid, {"name": name})
            out.append(cid)
        return out

    def installation(self, org_id, n: int, k: int, customers: list[uuid.UUID], n_shipments: int) -> None:
        rng = self.rng
        tpl = self.templates[k % len(self.templates)]
        inst_id, country = uuid.uuid4(), COUNTRIES[k % len(COUNTRIES)]
        name = f"{tpl['installation']['name']} {n + 1:02d}-{k + 1:03d}"
        inst_row = {**_tenant(org_id, self.owner, self.t0), "id": inst_id, "name": name,
                    "address": f"Industrial Zone {k + 1}", "country": country, "unlocode": None,
                    "latitude": None, "longitude": None, "economic_activity": "", "archived_at": None}
        self.rows.add("installation", inst_row)
        self.event(org_id, "installation.created", "installation", inst_id, {"name": name, "country": country})
        status = _pick_status(rng)
        incomplete = status == DRAFT and rng.random() < 0.1  # some drafts have no processes entered yet
        period_id = uuid.uuid4()
        period = {**_tenant(org_id, self.owner, self.t0), "id": period_id, "installation_id": inst_id, "year": YEAR,
                  "version_no": 1, "status": status, "reason": "", "previous_id": None,
                  "parameters": dict(tpl.get("parameters") or {}), "status_changed_by": None,
                  "status_changed_at": None, "submitted_by": None, "snapshot_hash": None, "frozen_at": None}
        self.event(org_id, "period.created", "reportingperiod", period_id, {"year": YEAR})
        scale, intensity = rng.uniform(0.5, 1.5), rng.uniform(0.85, 1.15)
        processes, codes = ([], {}) if incomplete else self.processes(org_id, period_id, tpl, scale, intensity)
        goods = [(p["id"], p["cn_code"]) for p in processes if p.get("cn_code")]
        imports = self.shipments(org_id, period_id, customers, goods, codes, country, n_shipments)
        if status != DRAFT:
            period["status_changed_by"] = self.consultant.id if status in (IN_REVIEW, CHANGES_REQUESTED) else self.owner
            period["status_changed_at"] = self.t0 + timedelta(days=300)
            period["submitted_by"] = self.owner
            self.event(org_id, "period.submitted", "reportingperiod", period_id, {"status": SUBMITTED})
            if status in (IN_REVIEW, CHANGES_REQUESTED, APPROVED):
                self.event(org_id, "period.review_started", "reportingperiod", period_id, {"status": IN_REVIEW},
                           actor=self.consultant.id)
            if status == CHANGES_REQUESTED:
                self.event(org_id, "period.changes_requested", "reportingperiod", period_id,
                           {"status": CHANGES_REQUESTED}, actor=self.consultant.id)
        if status == APPROVED:
            scenario = self.scenario(period, name, country, processes, tpl, [x[3] for x in imports])
            parties = self.parties[org_id]
            scenario[DETAILS_SECTION] = details_section(parties["organization"], inst_row, parties["customers"],
                                                        [(x[4], x[0], x[5]) for x in imports])
            content = canonical_json(scenario)
            digest = content_hash(content)
            period.update(snapshot_hash=digest, frozen_at=self.t0 + timedelta(days=310))
            sid = uuid.uuid4()
            self.rows.add("period_snapshot", {**_tenant(org_id, self.owner, period["frozen_at"]), "id": sid,
                                              "period_id": period_id, "version_no": 1, "hash": digest,
                                              "content": content})
            self.event(org_id, "period.approved", "reportingperiod", period_id, {"status": APPROVED})
            self.event(org_id, "snapshot.frozen", "periodsnapshot", sid, {"hash": digest})
        self.rows.add("reporting_period", period)

    def processes(self, org_id, period_id, tpl, scale: float, intensity: float):
        """The template's processes, precursors, inputs and source streams, volumes × scale, emissions × intensity."""
        codes: dict[str, uuid.UUID] = {}
        out = []
        at = self.t0 + timedelta(days=30)
        for pp in tpl.get("purchased_precursors", []):
            pid = uuid.uuid4()
            codes[pp["id"]] = pid
            self.rows.add("purchased_precursor", {**_tenant(org_id, self.owner, at), "id": pid, "period_id": period_id,
                                                  "code": pp["id"], "goods_category": pp["goods_category"],
                                                  "cn_code": pp["cn_code"], "supplier_installation": "Supplier works",
                                                  "country": pp["country"], "see_direct": pp["see_direct"],
                                                  "see_indirect": pp.get("see_indirect", 0.0),
                                                  "data_source": pp.get("data_source", "default"),
                                                  "justification": "supplier did not report actual data"})
            self.event(org_id, "precursor.created", "purchasedprecursor", pid, {"code": pp["id"]})
        for p in tpl["processes"]:
            pid = uuid.uuid4()
            codes[p["id"]] = pid
            heat, wg, el = p.get("heat") or {}, p.get("waste_gas") or {}, p.get("electricity") or {}
            d = dict(p, activity_level=round(p["activity_level"] * scale, 3),
                     direct_emissions=None if p.get("direct_emissions") is None
                     else round(p["direct_emissions"] * scale * intensity, 3),
                     inputs=[{"from": u["from"], "mass": round(u["mass"] * scale, 3)} for u in p.get("inputs") or []],
                     electricity={"consumed_MWh": round(el.get("consumed_MWh", 0.0) * scale, 3),
                                  "ef": el.get("ef", 0.0), "exported_MWh": el.get("exported_MWh", 0.0),
                                  "exported_ef": el.get("exported_ef", 0.0)},
                     heat={"imported_TJ": heat.get("imported_TJ", 0.0), "imported_ef": heat.get("imported_ef", 0.0),
                           "exported_TJ": heat.get("exported_TJ", 0.0), "exported_ef": heat.get("exported_ef", 0.0)},
                     waste_gas={"imported_TJ": wg.get("imported_TJ", 0.0), "exported_TJ": wg.get("exported_TJ", 0.0)})
            streams = []
            for s in p.get("source_streams") or []:
                s2 = dict(s, activity_data=round(s["activity_data"] * scale * intensity, 3))
                streams.append(s2)
            d["source_streams"] = streams
            out.append(d)
            self.rows.add("production_process", {
                **_tenant(org_id, self.owner, at), "id": pid, "period_id": period_id, "code": p["id"], "name": "",
                "goods_category": p["goods_category"], "route": p.get("route"), "cn_code": p.get("cn_code"),
                "benchmark_route": p.get("benchmark_route"),
                "cn_codes": [p["cn_code"]] if p.get("cn_code") else [], "activity_level": d["activity_level"],
                "direct_emissions": d["direct_emissions"], "qualifying_parameters": {},
                "heat_imported_tj": d["heat"]["imported_TJ"], "heat_imported_ef": d["heat"]["imported_ef"],
                "heat_exported_tj": d["heat"]["exported_TJ"], "heat_exported_ef": d["heat"]["exported_ef"],
                "heat_ef_source": "", "waste_gas_imported_tj": d["waste_gas"]["imported_TJ"],
                "waste_gas_exported_tj": d["waste_gas"]["exported_TJ"],
                "electricity_consumed_mwh": d["electricity"]["consumed_MWh"], "electricity_ef": d["electricity"]["ef"],
                "electricity_exported_mwh": d["electricity"]["exported_MWh"],
                "electricity_exported_ef": d["electricity"]["exported_ef"], "electricity_ef_source": ""})
            self.event(org_id, "process.created", "productionprocess", pid, {"code": p["id"]})
            for pos, s in enumerate(streams):
                sid = uuid.uuid4()
                self.rows.add("source_stream", {**_tenant(org_id, self.owner, at), "id": sid, "process_id": pid,
                                                "name": s.get("name", ""), "method": s["method"],
                                                "params": {k: v for k, v in s.items() if k not in ("method", "name")},
                                                "position": pos})
                self.event(org_id, "source_stream.created", "sourcestream", sid, {"method": s["method"]})
        own = {p["id"] for p in tpl["processes"]}
        for d in out:
            for u in d["inputs"]:
                iid = uuid.uuid4()
                self.rows.add("process_input", {**_tenant(org_id, self.owner, at), "id": iid,
                                                "process_id": codes[d["id"]],
                                                "from_process_id": codes[u["from"]] if u["from"] in own else None,
                                                "from_precursor_id": None if u["from"] in own else codes[u["from"]],
                                                "mass": u["mass"]})
                self.event(org_id, "process_input.created", "processinput", iid, {"mass": u["mass"]})
        return out, codes

    def shipments(self, org_id, period_id, customers, goods, codes, country, n: int) -> list[tuple]:
        rng = self.rng
        imports = []
        if not goods:
            goods = [(None, cn) for cn in ("72083900", "76011010", "25232900")[:1]]
        for _ in range(n):
            code, cn = goods[rng.randrange(len(goods))]
            basis = "actual" if code is not None and rng.random() < 0.7 else "default"
            day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
            qty = round(rng.uniform(5, 500), 2)
            sid = uuid.uuid4()
            at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
            customer, ref = customers[rng.randrange(len(customers))], f"PO-{rng.randrange(10**6):06d}"
            self.rows.add("shipment", {**_tenant(org_id, self.owner, at), "id": sid, "period_id": period_id,
                                       "customer_id": customer,
                                       "process_id": codes.get(code) if basis == "actual" else None, "cn_code": cn,
                                       "quantity": qty, "shipped_on": day, "order_reference": ref, "basis": basis})
            self.event(org_id, "shipment.created", "shipment", sid, {"cn_code": cn, "quantity": qty})
            line = {"basis": basis, "cn_code": cn, "quantity": qty, "quarter": (day.month - 1) // 3 + 1}
            line.update({"process": code} if basis == "actual" else {"country": country})
            imports.append((day, at, sid, line, customer, ref))
        imports.sort(key=lambda x: (x[0], x[1], str(x[2])))
        return imports  # (date, created, id, import line, customer, order reference) in the listing order

    def scenario(self, period, name, country, processes, tpl, imports) -> dict[str, Any]:
        """The frozen snapshot, shaped exactly as `core.reporting.scenario.scenario_of(..., pin_reference=True)`."""
        procs = []
        for p in processes:
            d = {k: p[k] for k in ("id", "goods_category", "route", "cn_code", "activity_level", "direct_emissions",
                                   "heat", "waste_gas", "electricity", "inputs")}
            d["route"] = p.get("route")
            if p.get("benchmark_route"):  # as scenario_of: only when stated
                d["benchmark_route"] = p["benchmark_route"]
            if p["direct_emissions"] is None:
                d["source_streams"] = p["source_streams"]
            procs.append(d)
        params = dict(period["parameters"])
        params.setdefault("default_values_version", self.versions["default_values"])
        params.setdefault("benchmarks_version", self.versions["benchmarks"])
        return {
            "format": FORMAT, "name": f"{name} {YEAR} v1", "source": f"reporting period {period['id']} version 1",
            "reporting_year": YEAR, "installation": {"name": name, "country": country}, "processes": procs,
            "purchased_precursors": [
                {"id": pp["id"], "goods_category": pp["goods_category"], "cn_code": pp["cn_code"],
                 "country": pp["country"], "see_direct": pp["see_direct"], "see_indirect": pp.get("see_indirect", 0.0),
                 "data_source": pp.get("data_source", "default")} for pp in tpl.get("purchased_precursors", [])],
            "imports": imports, "parameters": params,
        }


ORDER = (("organization", Organization), ("membership", Membership), ("installation", Installation),
         ("customer", Customer), ("reporting_period", ReportingPeriod), ("purchased_precursor", PurchasedPrecursor),
         ("production_process", ProductionProcess), ("source_stream", SourceStream), ("process_input", ProcessInput),
         ("shipment", Shipment), ("period_snapshot", PeriodSnapshot), ("audit_event", AuditEvent))
COPY_TABLES = ("shipment", "audit_event")
BATCH = 20_000


def _copy(conn: Connection, table: Table, chunks: Iterable[list[dict[str, Any]]]) -> int:
    """PostgreSQL binary COPY through psycopg: each value dumped by its column's own type (read from the catalog),
    in C, and nothing for the server to parse (the text format cost a third of a full-scale seed)."""
    raw = conn.connection.driver_connection
    written = 0
    with raw.cursor() as cur:
        oids = dict(cur.execute("SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass "
                                "AND attnum > 0 AND NOT attisdropped", [table.name]).fetchall())
        cols: list[str] = []
        copy = None
        try:
            for rows in chunks:
                if copy is None:
                    cols = [c.name for c in table.columns if c.name in rows[0]]
                    copy = cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN (FORMAT BINARY)")
                    cp = copy.__enter__()
                    cp.set_types([oids[c] for c in cols])  # JSON columns: psycopg dumps the dict or list itself
                write, values = cp.write_row, operator.itemgetter(*cols)
                for r in rows:
                    write(values(r))
                written += len(rows)
        except BaseException as e:
            if copy is not None:
                copy.__exit__(type(e), e, e.__traceback__)
            raise
        if copy is not None:
            copy.__exit__(None, None, None)
    return written


def _write(engine: Engine, rows: dict[str, list[dict[str, Any]]], audit: Iterable[list[dict[str, Any]]],
           progress: Callable[[str], None]) -> None:
    """Every table in order, the audit events last as their chains come in (each organization's a chunk)."""
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for name, model in ORDER:
            chunks = audit if name == "audit_event" else [rows[name]] if rows.get(name) else []
            table = model.__table__
            started = time.perf_counter()
            if pg and name in COPY_TABLES:
                count = _copy(conn, table, chunks)
            else:
                count = 0
                for data in chunks:
                    for i in range(0, len(data), BATCH):
                        conn.execute(table.insert(), data[i:i + BATCH])
                    count += len(data)
            if count:
                progress(f"  {name}: {count:,} rows ({time.perf_counter() - started:.1f} s)")
    if pg:  # fresh statistics and visibility map, so the planner picks the covering indexes (index-only scans)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            started = time.perf_counter()
            for name, _model in ORDER:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {name}")
        progress(f"  vacuumed and analysed ({time.perf_counter() - started:.1f} s)")


def seed_scale(engine: Engine, *, policy_version: str, size: ScaleSize = CONSULTANT_SCALE,
               clock: Clock | None = None, progress: Callable[[str], None] = print, seed: int = 6) -> bool:
    """Create the consultant-scale organizations once. Returns False when they already exist."""
    clock = clock or SystemClock()
    started = time.perf_counter()
    with scoped_session(Scope(), engine) as session:
        consultant = _login(session, next(u for u in DEMO_USERS if u.role == "consultant"), clock, policy_version)
        from core.demo.seed import DemoUser

        owner = _login(session, DemoUser(*OWNER, "owner"), clock, policy_version)
        exists = session.exec(select(Organization.id).where(Organization.name_en.like(f"{SCALE_PREFIX}%"))).first()
        session.commit()
    if exists:
        return False
    progress(f"building {size.orgs} organizations, {size.installations} installations, {size.shipments:,} shipments")
    rng = random.Random(seed)
    b = _Builder(size, owner.id, consultant, rng)
    b.build()
    chains = AuditChains(plan_chains(b.events, size.audit_events, rng), b.t0)  # hashed while the rest is written
    progress(f"writing, and hashing {chains.total:,} audit events in {chains.workers} process(es) "
             f"({time.perf_counter() - started:.1f} s)")
    try:
        _write(engine, b.rows.tables, chains, progress)
    finally:
        chains.close()
    progress(f"done in {time.perf_counter() - started:.1f} s")
    return True
