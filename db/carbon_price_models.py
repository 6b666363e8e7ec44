"""Carbon price paid in the country of production (issue 13; Art. 9 Reg. (EU) 2023/956 as replaced by
Reg. (EU) 2025/2083): one entry per production process of a reporting period, in the units of the communication
template's Summary_Products carbon-price block. The deduction itself is derived by the engine
(core/cbam/carbon_price.py), never stored. Tenant table (org_id, RLS on PostgreSQL, migration 0026).
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from db.models import TenantColumns, _id, org_key, same_org_fk
from db.personal_data import PersonalData as PD
from db.personal_data import tag


class CarbonPriceEntry(TenantColumns, table=True):
    __tablename__ = "carbon_price_entry"
    __table_args__ = (UniqueConstraint("process_id", name="uq_carbon_price_entry_process"),
                      org_key("carbon_price_entry"),
                      same_org_fk("carbon_price_entry", "period_id", "reporting_period"),
                      same_org_fk("carbon_price_entry", "process_id", "production_process"))

    id: uuid.UUID = _id()
    period_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    process_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    instrument: str = Field(max_length=200, sa_column_kwargs=tag(PD.NONE))  # "China national ETS (全国碳排放权交易市场)"
    country: str = Field(default="", max_length=2, sa_column_kwargs=tag(PD.NONE))  # ISO 3166-1 alpha-2
    price_type: str = Field(max_length=40, sa_column_kwargs=tag(PD.NONE))  # template list CONST_CarbonPriceType
    covered_emissions: float = Field(sa_column_kwargs=tag(PD.NONE))  # tCO2e per t of good
    price_per_tco2: float = Field(sa_column_kwargs=tag(PD.NONE))  # local currency per tCO2e
    currency: str = Field(max_length=3, sa_column_kwargs=tag(PD.NONE))  # ISO 4217
    rebate_type: str = Field(default="None", max_length=40, sa_column_kwargs=tag(PD.NONE))  # CONST_RebateType
    rebated_emissions: float = Field(default=0.0, sa_column_kwargs=tag(PD.NONE))  # tCO2e per t (free allocation)
    compensation_per_t: float = Field(default=0.0, sa_column_kwargs=tag(PD.NONE))  # local currency per t of good
    rate_per_eur: float = Field(sa_column_kwargs=tag(PD.NONE))  # local currency per EUR
    rate_date: date | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    rate_source: str = Field(default="", max_length=300, sa_column_kwargs=tag(PD.NONE))


CARBON_PRICE_TABLES = ("carbon_price_entry",)
