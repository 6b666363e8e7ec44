"""The data-entry workbook's layout: its sheets, their columns (kind, unit, drop-down list) and where data starts.

Sheet names and column keys are stable: a workbook downloaded today uploads next year. Each data sheet has the
Chinese header in row 1, the English header in row 2, the column keys in row 3 (hidden; the importer finds
columns by them, so reordering columns is harmless), and data from row 4.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.reporting.source_streams import METHOD_FIELDS

FORMAT = "cbam-workbook/1"
HEADER_ZH, HEADER_EN, KEY_ROW, FIRST_ROW = 1, 2, 3, 4
MAX_ROWS = 300_000  # data rows per sheet; the importer refuses more before parsing the sheet

TEXT, NUMBER, DATE, INTEGER = "text", "number", "date", "integer"


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = TEXT
    unit: str = ""
    choices: str | None = None  # a list on the Lists sheet, or "processes" / "customers" (the sheets' own keys)
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str  # the tab name (stable)
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


README_TITLE = "说明 ReadMe"
LISTS_TITLE = "列表 Lists"

_STREAM_NUMBERS = ("activity_data", "ncv", "ef", "oxidation_factor", "conversion_factor", "carbon_content",
                   "biomass_fraction", "anode_effect_frequency", "anode_effect_duration", "sef_cf4", "f_c2f6",
                   "collection_efficiency", "anode_effect_overvoltage", "current_efficiency",
                   "overvoltage_coefficient", "concentration_g_per_Nm3", "hours", "flue_gas_flow_1000Nm3_per_h")
_STREAM_CHOICES = {"activity_unit": "activity_units", "ncv_unit": "ncv_units", "ef_unit": "ef_units",
                   "carbon_content_unit": "carbon_units", "gas": "gases"}
STREAM_PARAMS: tuple[str, ...] = tuple(dict.fromkeys(f for fields in METHOD_FIELDS.values() for f, _ in fields))
assert set(STREAM_PARAMS) == set(_STREAM_NUMBERS) | set(_STREAM_CHOICES), "a method field has no workbook column"


def _unit_of(param: str) -> str:
    for fields in METHOD_FIELDS.values():
        for name, unit in fields:
            if name == param:
                return unit
    return ""


PROCESSES = Sheet("processes", "工序 Processes", (
    Column("process_code", width=12), Column("process_name", width=24),
    Column("goods_category", choices="categories", width=26), Column("route", choices="routes", width=26),
    Column("cn_code", choices="cn_codes", width=12), Column("other_cn_codes", width=18),
    Column("activity_level", NUMBER, "t | MWh"), Column("direct_emissions", NUMBER, "tCO2e"),
    Column("qualifying_parameters", width=24),
    Column("heat_imported_tj", NUMBER, "TJ"), Column("heat_imported_ef", NUMBER, "tCO2/TJ"),
    Column("heat_exported_tj", NUMBER, "TJ"), Column("heat_exported_ef", NUMBER, "tCO2/TJ"),
    Column("heat_ef_source", width=20),
    Column("waste_gas_imported_tj", NUMBER, "TJ"), Column("waste_gas_exported_tj", NUMBER, "TJ"),
    Column("electricity_consumed_mwh", NUMBER, "MWh"), Column("electricity_ef", NUMBER, "tCO2/MWh"),
    Column("electricity_exported_mwh", NUMBER, "MWh"), Column("electricity_exported_ef", NUMBER, "tCO2/MWh"),
    Column("electricity_ef_source", width=20),
))
SOURCE_STREAMS = Sheet("source_streams", "源流 SourceStreams", (
    Column("process_code", choices="processes", width=12), Column("stream_name", width=28),
    Column("method", choices="methods", width=16),
    *(Column(p, NUMBER if p in _STREAM_NUMBERS else TEXT, _unit_of(p), _STREAM_CHOICES.get(p))
      for p in STREAM_PARAMS),
))
PRECURSORS = Sheet("precursors", "外购前体 Precursors", (
    Column("precursor_code", width=12), Column("goods_category", choices="categories", width=26),
    Column("cn_code", choices="cn_codes", width=12), Column("country", choices="countries", width=10),
    Column("supplier_installation", width=28), Column("see_direct", NUMBER, "tCO2e/t"),
    Column("see_indirect", NUMBER, "tCO2e/t"), Column("data_source", choices="data_sources", width=22),
    Column("justification", width=36),
))
PROCESS_INPUTS = Sheet("process_inputs", "工序投入 Inputs", (
    Column("process_code", choices="processes", width=12), Column("source_code", choices="codes", width=14),
    Column("mass", NUMBER, "t"),
))
CUSTOMERS = Sheet("customers", "客户 Customers", (
    Column("eori", width=20), Column("customer_name", width=30), Column("country", choices="eu_countries", width=10),
    Column("contact_name", width=20), Column("contact_email", width=28),
))
SHIPMENTS = Sheet("shipments", "发运 Shipments", (
    Column("order_reference", width=16), Column("line", INTEGER, width=8),
    Column("customer_eori", choices="customers", width=20), Column("process_code", choices="processes", width=12),
    Column("cn_code", choices="cn_codes", width=12), Column("quantity", NUMBER, "t"),
    Column("shipped_on", DATE, "YYYY-MM-DD", width=12), Column("basis", choices="data_sources", width=22),
))

# In the order they are imported: what a row refers to is imported before it.
SHEETS: tuple[Sheet, ...] = (CUSTOMERS, PRECURSORS, PROCESSES, SOURCE_STREAMS, PROCESS_INPUTS, SHIPMENTS)
# In the order they appear in the workbook.
TAB_ORDER: tuple[Sheet, ...] = (PROCESSES, SOURCE_STREAMS, PROCESS_INPUTS, PRECURSORS, CUSTOMERS, SHIPMENTS)
BY_KEY = {s.key: s for s in SHEETS}
COLUMN_KEYS = tuple(dict.fromkeys(c.key for s in SHEETS for c in s.columns))


def filename(year: int, version: int) -> str:
    """The download's name: stable, so a person recognises the file they uploaded before."""
    return f"cbam-data-entry-{year}-v{version}.xlsx"
