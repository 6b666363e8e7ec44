"""Where each `cbam-scenario/1` field lives in the Commission's communication template v2.1.1.

Every cell named here is an unlocked input cell of the template (`protection locked="0"` in its style); the
package-member test checks that the writer changes nothing else. Sheets are the worksheet parts of the package
(`xl/worksheets/sheetN.xml`, in the order of `xl/workbook.xml`).
"""
from __future__ import annotations

# Sheet name → worksheet part of the shipped template (template v2.1.1, xl/_rels/workbook.xml.rels).
SHEET_PART = {
    "A_InstData": "xl/worksheets/sheet5.xml",
    "B_EmInst": "xl/worksheets/sheet6.xml",
    "C_Emissions&Energy": "xl/worksheets/sheet7.xml",
    "D_Processes": "xl/worksheets/sheet8.xml",
    "E_PurchPrec": "xl/worksheets/sheet9.xml",
    "Summary_Products": "xl/worksheets/sheet13.xml",
}
# Read back after a recalculation (the template's own results).
RESULT_SHEETS = ("Summary_Processes", "Summary_Products")

# Capacity of the template [T A_InstData §4(b), §5; B_EmInst (a)–(c); Summary_Products].
MAX_PROCESSES = 10
MAX_PURCHASED_PRECURSORS = 20
MAX_GOODS_CATEGORIES = 10
MAX_SOURCE_STREAMS = 75  # combustion, process emissions, mass balance
MAX_PFC_STREAMS = 10
MAX_MEASUREMENT_STREAMS = 10
MAX_PRODUCTS = 30

# --- C_Emissions&Energy ----------------------------------------------------------------------------------
# §2(a) row 26 "manual entries", column M "Total indirect emissions" (tCO2e): "The entry of total indirect emissions
# must always be entered manually" [T C_Emissions&Energy E23]. The direct columns H–K of that row override the
# automatic totals from B_EmInst only when B is incomplete, so they stay empty.
C_TOTAL_INDIRECT = "M26"

# --- A_InstData ------------------------------------------------------------------------------------------
INST_PERIOD_START = "I9"   # date (serial number)
INST_PERIOD_END = "L9"
INST_NAME = "I20"          # "Name of the installation (English name)", mandatory
INST_COUNTRY = "I26"       # country *name* from c_CodeLists G11:G277 (code in F)
# The rest of §2 "About the installation" (all unlocked input cells, merged I:N): what the platform stores on the
# installation and, for the authorised representative, on the organization operating it (its registry signatory).
INST_STREET = "I21"        # "Street, Number:"
INST_ECONOMIC_ACTIVITY = "I22"  # "Economic activity:"
INST_CITY = "I25"          # "City:"
INST_UNLOCODE = "I27"      # "UNLOCODE:"
INST_LATITUDE = "I28"      # "Coordinates of the main emission source (latitude):"
INST_LONGITUDE = "I29"     # "Coordinates of the main emission source (longitude):"
INST_REPRESENTATIVE = "I30"  # "Name of authorized representative:"
INST_EMAIL = "I31"         # "Email:"
INST_TELEPHONE = "I32"     # "Telephone:"
# §2 has no cell for the operator's (company's) name: the template names the installation and a person.
COUNTRY_LIST = ("c_CodeLists", 10, 276, 5, 6)  # sheet, first row, last row (0-based), code column, name column
GOODS_FIRST_ROW = 62       # G1..G10: E = aggregated goods category, I..N = routes 1..6
GOODS_CATEGORY_COL, GOODS_ROUTE_COLS = "E", ("I", "J", "K", "L", "M", "N")
PROCESS_FIRST_ROW = 83     # P1..P10: E = category, F..K = included categories, L = name (we write the process id)
PROCESS_CATEGORY_COL, PROCESS_INCLUDED_COL, PROCESS_NAME_COL = "E", "F", "L"
PRECURSOR_FIRST_ROW = 102  # PP1..PP20: E = category, F = country code, G..K = routes 1..5, L = name (the id)
PREC_CATEGORY_COL, PREC_COUNTRY_COL, PREC_ROUTE_COL, PREC_NAME_COL = "E", "F", "G", "L"

# --- D_Processes: one block of 65 rows per process, process 1 at rows 11–75 ------------------------------
PROCESS_BLOCK = 65
D_PRODUCTION_ROUTE1 = 16   # L16..L23 production per route; their sum (L24) is the SEE denominator
D_TO_MARKET = 27
D_CONSUMED_FIRST = 32      # L32..L40: consumed in the other processes, in order, skipping the process itself
D_NON_CBAM = 41
D_APPLICABLE = 50          # K = measurable heat applies, L = waste gases apply (TRUE/FALSE)
D_DIREM = 54               # L = DirEm* (tCO2e)
D_HEAT_TJ, D_HEAT_EF = 57, 58     # L imported, M exported
D_WG_TJ = 61                      # L imported, M exported (EF fixed by the template at 56.1 × 0.667)
D_EL_CONSUMED, D_EL_EF, D_EL_EF_SOURCE = 65, 66, 67  # L
D_EL_EXPORTED, D_EL_EXPORTED_EF = 71, 72             # L


def process_cell(k: int, col: str, row: int) -> str:
    """Cell of process number k (0-based) for a row given in process 1's block."""
    return f"{col}{row + PROCESS_BLOCK * k}"


def consumer_row(producer: int, consumer: int) -> int:
    """Row in the producer's block (c) for the consumer process (both 0-based): the list skips the producer."""
    return D_CONSUMED_FIRST + (consumer if consumer < producer else consumer - 1)


# --- E_PurchPrec: one block of 44 rows per purchased precursor, precursor 1 at rows 14–57 ----------------
PRECURSOR_BLOCK = 44
E_PURCHASED_ROUTE1 = 17    # L17..L24 purchased per route
E_CONSUMED_FIRST = 28      # L28..L37 consumed in process 1..10
E_OTHER_USE = 38
E_SEE_DIRECT = 49          # L value, M source (Measured / Default)
E_EL_SPECIFIC = 50         # L MWh/t: SEE(indirect) = L50 × L51
E_EL_EF = 51               # L tCO2/MWh
DATA_SOURCE = {"actual": "Measured", "default": "Default"}


def precursor_cell(k: int, col: str, row: int) -> str:
    return f"{col}{row + PRECURSOR_BLOCK * k}"


# --- B_EmInst: source streams ------------------------------------------------------------------------------
STREAM_FIRST_ROW = 17      # rows 17..91
STREAM_METHOD = {"combustion": "Combustion", "process": "Process Emissions", "mass_balance": "Mass balance"}
STREAM_COLS = {"method": "D", "name": "E", "activity_data": "F", "activity_unit": "G", "ncv": "H", "ef": "J",
               "ef_unit": "K", "carbon_content": "L", "oxidation_factor": "N", "conversion_factor": "P",
               "biomass_fraction": "R"}
PERCENT_FIELDS = ("oxidation_factor", "conversion_factor", "biomass_fraction")  # fractions here, % in the template
PFC_FIRST_ROW = 98         # rows 98..107
PFC_METHOD = {"pfc_slope": "Slope method", "pfc_overvoltage": "Overvoltage method"}
PFC_COLS = {"method": "D", "name": "E", "activity_data": "F", "anode_effect_frequency": "AG",
            "anode_effect_duration": "AH", "sef_cf4": "AI", "anode_effect_overvoltage": "AJ", "current_efficiency": "AK",
            "overvoltage_coefficient": "AL", "f_c2f6": "AM", "collection_efficiency": "AT"}
MEASUREMENT_FIRST_ROW = 113  # rows 113..122
MEASUREMENT_COLS = {"name": "D", "gas": "E", "biomass_fraction": "R", "concentration_g_per_Nm3": "V",
                    "hours": "X", "flue_gas_flow_1000Nm3_per_h": "Z"}
# The template does not tie a source stream to a production process; the stream name carries the process id
# ("[P2] natural gas") so that an import can give each stream back to its process.

# --- Summary_Products: one product line per process (rows 10..39) -----------------------------------------
PRODUCT_FIRST_ROW = 10     # D = process name, F = CN code (8 digits), H = product name
PRODUCT_PROCESS_COL, PRODUCT_CN_COL, PRODUCT_NAME_COL = "D", "F", "H"

# --- Results the template computes --------------------------------------------------------------------------
SUMMARY_PROCESS_FIRST_ROW = 102  # Summary_Processes: D = P1.., H = SEE (direct), J = SEE (indirect)
SUMMARY_SEE_DIRECT_COL, SUMMARY_SEE_INDIRECT_COL = 7, 9      # 0-based columns H, J
PRODUCT_SEE_COLS = (8, 9, 10)    # Summary_Products I, J, K (0-based)
