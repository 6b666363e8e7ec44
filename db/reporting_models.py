"""Reporting tables (issue 4): one installation's reporting year, its production processes and what they consume,
the goods shipped to EU importers, the review, and the frozen snapshots.

Every table is a tenant table (org_id, RLS on PostgreSQL). Calculated values (SEE, costs) are never stored here:
they are derived by the engine from these inputs; an approved period keeps its inputs as a hashed snapshot.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field

from db.models import TenantColumns, _id, org_key, same_org_fk
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


def _json(default: Any) -> Any:
    return Field(default_factory=lambda: type(default)(), sa_column=Column(JSON, nullable=False, info=info(PD.NONE)))


def _num(default: float | None = 0.0) -> Any:
    return Field(default=default, sa_column_kwargs=tag(PD.NONE))


class ReportingPeriod(TenantColumns, table=True):
    """One installation's reporting year, in versions: reopening an approved version opens version n+1."""

    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("installation_id", "year", "version_no", name="uq_period_installation_year_version"),
                      # the dashboards' "latest version of each installation's year" (migration 0008)
                      Index("ix_reporting_period_latest", "org_id", "installation_id", "year", "version_no"),
                      org_key("reporting_period"), same_org_fk("reporting_period", "installation_id", "installation"),
                      same_org_fk("reporting_period", "previous_id", "reporting_period"))

    id: uuid.UUID = _id()
    installation_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    year: int = Field(sa_column_kwargs=tag(PD.NONE))
    version_no: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))
    status: str = Field(default="draft", max_length=20, sa_column_kwargs=tag(PD.NONE))
    reason: str = Field(default="", max_length=1000, sa_column_kwargs=tag(PD.NONE))  # why this version was opened
    previous_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    parameters: dict = _json({})  # optional overrides of reference data (cscf, certificate_price_eur, benchmarks)
    status_changed_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id",
                                                sa_column_kwargs=tag(PD.IDENTIFIER))
    status_changed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True),
                                               sa_column_kwargs=tag(PD.NONE))
    # who last handed the period in for review: under four-eyes approval, not who approves it (migration 0009)
    submitted_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id",
                                           sa_column_kwargs=tag(PD.IDENTIFIER))
    snapshot_hash: str | None = Field(default=None, max_length=64, sa_column_kwargs=tag(PD.NONE))
    frozen_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))


class ProductionProcess(TenantColumns, table=True):
    """A production process of the installation (template sheet C_InstEmissions / D_Processes)."""

    __tablename__ = "production_process"
    __table_args__ = (UniqueConstraint("period_id", "code", name="uq_process_period_code"),
                      Index("ix_production_process_stamp", "org_id", "period_id", "updated_at", "version"),  # dashboards' data stamp
                      org_key("production_process"), same_org_fk("production_process", "period_id", "reporting_period"))

    id: uuid.UUID = _id()
    period_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    code: str = Field(max_length=20, sa_column_kwargs=tag(PD.NONE))  # "P1": the id in the scenario
    name: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.NONE))
    goods_category: str = Field(max_length=100, sa_column_kwargs=tag(PD.NONE))
    route: str | None = Field(default=None, max_length=200, sa_column_kwargs=tag(PD.NONE))
    cn_code: str | None = Field(default=None, max_length=10, sa_column_kwargs=tag(PD.NONE))  # the main good
    # benchmark route tag (A)-(L) of 2025/2620 when the route name and charge do not settle it (migration 0018)
    benchmark_route: str | None = Field(default=None, max_length=1, sa_column_kwargs=tag(PD.NONE))
    cn_codes: list = _json([])  # every CN code the process produces
    activity_level: float = Field(sa_column_kwargs=tag(PD.NONE))
    direct_emissions: float | None = _num(None)  # None: the sum of the source streams
    qualifying_parameters: dict = _json({})
    heat_imported_tj: float = _num()
    heat_imported_ef: float | None = _num(None)  # empty until entered: not zero (migration 0011)
    heat_exported_tj: float = _num()
    heat_exported_ef: float | None = _num(None)  # empty until entered: not zero (migration 0011)
    heat_ef_source: str = Field(default="", max_length=300, sa_column_kwargs=tag(PD.NONE))
    waste_gas_imported_tj: float = _num()
    waste_gas_exported_tj: float = _num()
    electricity_consumed_mwh: float = _num()
    electricity_ef: float | None = _num(None)  # empty until entered: not zero (migration 0011)
    electricity_exported_mwh: float = _num()
    electricity_exported_ef: float | None = _num(None)  # empty until entered: not zero (migration 0011)
    electricity_ef_source: str = Field(default="", max_length=300, sa_column_kwargs=tag(PD.NONE))


class SourceStream(TenantColumns, table=True):
    """A source stream of a process; `params` holds the fields of its method as the engine reads them."""

    __tablename__ = "source_stream"
    __table_args__ = (same_org_fk("source_stream", "process_id", "production_process"),)

    id: uuid.UUID = _id()
    process_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    name: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.NONE))
    method: str = Field(max_length=40, sa_column_kwargs=tag(PD.NONE))
    params: dict = _json({})
    position: int = Field(default=0, sa_column_kwargs=tag(PD.NONE))


class PurchasedPrecursor(TenantColumns, table=True):
    """A precursor bought from another installation, with the SEE its supplier reported (or default values)."""

    __tablename__ = "purchased_precursor"
    __table_args__ = (UniqueConstraint("period_id", "code", name="uq_precursor_period_code"),
                      Index("ix_purchased_precursor_stamp", "org_id", "period_id", "updated_at", "version"),
                      org_key("purchased_precursor"),
                      same_org_fk("purchased_precursor", "period_id", "reporting_period"))

    id: uuid.UUID = _id()
    period_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    code: str = Field(max_length=20, sa_column_kwargs=tag(PD.NONE))  # "PP1": the id in the scenario
    goods_category: str = Field(max_length=100, sa_column_kwargs=tag(PD.NONE))
    cn_code: str = Field(max_length=10, sa_column_kwargs=tag(PD.NONE))
    supplier_installation: str = Field(default="", max_length=300, sa_column_kwargs=tag(PD.NONE))
    country: str = Field(max_length=2, sa_column_kwargs=tag(PD.NONE))
    see_direct: float = Field(sa_column_kwargs=tag(PD.NONE))
    see_indirect: float = _num()
    data_source: str = Field(default="default", max_length=10, sa_column_kwargs=tag(PD.NONE))  # actual|default
    justification: str = Field(default="", max_length=2000, sa_column_kwargs=tag(PD.NONE))
    # benchmark route tag, e.g. (C)/(D)/(E) for a billet: its Column B depends on it (migration 0018)
    benchmark_route: str | None = Field(default=None, max_length=1, sa_column_kwargs=tag(PD.NONE))


class ProcessInput(TenantColumns, table=True):
    """A precursor a process consumed: from one of the installation's own processes, or purchased."""

    __tablename__ = "process_input"
    __table_args__ = (same_org_fk("process_input", "process_id", "production_process"),
                      same_org_fk("process_input", "from_process_id", "production_process"),
                      same_org_fk("process_input", "from_precursor_id", "purchased_precursor"))

    id: uuid.UUID = _id()
    process_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    from_process_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    from_precursor_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    mass: float = Field(sa_column_kwargs=tag(PD.NONE))  # t consumed in the reporting year


class Customer(TenantColumns, table=True):
    """An EU importer (authorised CBAM declarant) the organization ships to."""

    __table_args__ = (UniqueConstraint("org_id", "eori", name="uq_customer_org_eori"), org_key("customer"))

    id: uuid.UUID = _id()
    name: str = Field(max_length=300, sa_column_kwargs=tag(PD.NONE))
    eori: str = Field(max_length=17, sa_column_kwargs=tag(PD.NONE))
    country: str = Field(max_length=2, sa_column_kwargs=tag(PD.NONE))
    contact_name: str = Field(default="", max_length=200, sa_column_kwargs=tag(PD.IDENTITY))
    contact_email: str = Field(default="", max_length=320, sa_column_kwargs=tag(PD.CONTACT))
    # the declarant's address and customs representative in the registry report (migration 0010)
    city: str = Field(default="", max_length=35, sa_column_kwargs=tag(PD.NONE))
    street: str = Field(default="", max_length=70, sa_column_kwargs=tag(PD.NONE))
    postcode: str = Field(default="", max_length=17, sa_column_kwargs=tag(PD.NONE))
    representative_eori: str = Field(default="", max_length=17, sa_column_kwargs=tag(PD.NONE))
    representative_name: str = Field(default="", max_length=70, sa_column_kwargs=tag(PD.NONE))
    representative_city: str = Field(default="", max_length=35, sa_column_kwargs=tag(PD.NONE))
    # a customer with shipments is archived rather than deleted, and no longer offered for new shipments
    archived_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))


class Shipment(TenantColumns, table=True):
    """Goods shipped to a customer; its date puts it in a quarter of the period's year."""

    __table_args__ = (
        # the listing order of the shipments page (core/reporting/shipments.py LISTING_ORDER): one page of a large
        # period is read from this index, migration 0004
        Index("ix_shipment_listing", "org_id", "period_id", "shipped_on", "created_at", "id"),
        # the dashboards' GROUP BY reads only this index (covering: no table rows), migration 0008
        Index("ix_shipment_dashboard", "org_id", "period_id", "customer_id", "cn_code", "basis", "process_id",
              "shipped_on", "quantity"),
        Index("ix_shipment_stamp", "org_id", "period_id", "updated_at", "version"),  # data stamps, covering
        same_org_fk("shipment", "period_id", "reporting_period"), same_org_fk("shipment", "customer_id", "customer"),
        same_org_fk("shipment", "process_id", "production_process"),
    )

    id: uuid.UUID = _id()
    period_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    customer_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    process_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    cn_code: str = Field(max_length=10, sa_column_kwargs=tag(PD.NONE))
    quantity: float = Field(sa_column_kwargs=tag(PD.NONE))  # t
    shipped_on: date = Field(sa_type=Date, sa_column_kwargs=tag(PD.NONE))
    order_reference: str = Field(default="", max_length=100, sa_column_kwargs=tag(PD.NONE))
    basis: str = Field(default="actual", max_length=10, sa_column_kwargs=tag(PD.NONE))  # actual|default


class ReviewComment(TenantColumns, table=True):
    """A reviewer's comment on one field of a period (`processes.P1.activity_level`)."""

    __tablename__ = "review_comment"
    __table_args__ = (Index("ix_review_comment_open", "org_id", "period_id", "resolved"),
                      same_org_fk("review_comment", "period_id", "reporting_period"))

    id: uuid.UUID = _id()
    period_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    field_path: str = Field(max_length=300, sa_column_kwargs=tag(PD.NONE))
    text: str = Field(sa_column=Column(Text, nullable=False, info=info(PD.ACTIVITY)))
    author_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    resolved: bool = Field(default=False, sa_column_kwargs=tag(PD.NONE))
    resolved_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    resolved_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))


class PeriodSnapshot(TenantColumns, table=True):
    """The frozen content of an approved period version: canonical JSON and its SHA-256. Never updated."""

    __tablename__ = "period_snapshot"
    __table_args__ = (UniqueConstraint("period_id", name="uq_snapshot_period"),
                      same_org_fk("period_snapshot", "period_id", "reporting_period"))

    id: uuid.UUID = _id()
    period_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    version_no: int = Field(sa_column_kwargs=tag(PD.NONE))
    hash: str = Field(max_length=64, sa_column_kwargs=tag(PD.NONE))
    content: str = Field(sa_column=Column(Text, nullable=False, info=info(PD.NONE)))  # canonical JSON


REPORTING_TABLES = ("reporting_period", "production_process", "source_stream", "purchased_precursor",
                    "process_input", "customer", "shipment", "review_comment", "period_snapshot")
