"""Code values written into the registry report (QReport v23.00) and the limits the code rules use.

The Commission's code lists are in its "Report Structure" workbook, which is not among the shipped official files
(../shared/official/README.md; the XML guidance document only points at it). The values below are the ones the
Commission's sample report uses (Sample_CBAM_Quarterly_Report_v17.xml), the guidance document names, or the EU
customs code lists define. A meaning marked UNVERIFIED is our reading of the sample: an importer checks the draft
in the registry before submitting it.
"""
from __future__ import annotations

NAMESPACE = "http://xmlns.ec.eu/BusinessObjects/CBAM/Types/V1"  # QReport_ver23.00.xsd targetNamespace

# Declarant/Role. Sample XML: "02" for a declarant acting with a customs representative. "01" for the importer
# declaring for itself: UNVERIFIED.
ROLE_IMPORTER = "01"
ROLE_REPRESENTATIVE = "02"

# ImportArea/ImportArea: "EU" customs import declaration, "EUOTH" other means (XML guidance document, Codelists).
IMPORT_AREAS = ("EU", "EUOTH")
IMPORT_AREA = "EU"

# Procedure: EU customs procedure codes (Delegated Reg. (EU) 2015/2446 Annex B, data element 1/10):
# "40" release for free circulation and home use; "00" no previous procedure.
REQUESTED_PROCEDURE = "40"
PREVIOUS_PROCEDURE = "00"
# MeasureProcedureImported/Indicator: "0" as in the sample XML (UNVERIFIED meaning: quantity as declared).
QUANTITY_INDICATOR = "0"

# MeasurementUnit of a quantity: "01" with NetMass in the sample XML (tonnes; UNVERIFIED). Electricity is declared in
# MWh as SupplementaryUnits (Reg. (EU) 2023/956 Annex IV; domain reference §2.7); its unit code is UNVERIFIED.
UNIT_TONNES = "01"
UNIT_MWH = "MWH"
ELECTRICITY_CN = "27160000"  # Reg. (EU) 2023/956 Annex I: electrical energy, CN 2716 00 00
# MeasurementUnit of specific embedded emissions: "EMU1" in the sample XML (tCO2e per unit of good).
EMISSIONS_UNIT = "EMU1"

# DirectEmissions/IndirectEmissions DeterminationType: "01" actual data, "02" default values (sample XML pairs;
# meaning UNVERIFIED). ApplicableReportingTypeMethodology "TOM01": the EU methodology of Impl. Reg. (EU) 2023/1773
# Annex III (UNVERIFIED code meaning; the sample shows TOM01/TOM02). ElectricitySource "SOE01": electricity from the
# grid (UNVERIFIED; the sample shows SOE03).
DETERMINATION_ACTUAL = "01"
DETERMINATION_DEFAULT = "02"
METHODOLOGY_EU = "TOM01"
ELECTRICITY_SOURCE_GRID = "SOE01"

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
# The quarterly report is the transitional period's: it covers goods imported 1 Oct 2023 – 31 Dec 2025, the last
# one (Q4 2025) due by 31 January 2026 (Reg. (EU) 2023/956 Art. 32, 35(1); Impl. Reg. (EU) 2023/1773 recital 3,
# Art. 8). Goods imported from 2026 are declared once a year by the authorised CBAM declarant in the CBAM Registry
# (Reg. (EU) 2023/956 Art. 6(1) as amended by Reg. (EU) 2025/2083: by 30 September, for 2026 by 30 Sept 2027).
LAST_QUARTERLY_REPORT_YEAR = 2025
FIRST_YEAR = 2023  # the first CBAM reports cover Q4 2023 (Reg. (EU) 2023/956 Art. 35; Impl. Reg. 2023/1773 Art. 2)
TOLERANCE = 1e-6  # totals are compared after the 6-decimal rounding of dec16-6

# ApplicableReportingMethodology of actual emissions: the act laying down the calculation methods for the year the
# goods were imported. Impl. Reg. (EU) 2023/1773 Annex III for the transitional period (1 Oct 2023 – 31 Dec 2025,
# its Art. 1); Impl. Reg. (EU) 2025/2547 for goods imported from 2026 (its recitals 1–2, Reg. (EU) 2023/956 Art. 7).
METHODOLOGY_ACTS = ((2025, "Impl. Reg. (EU) 2023/1773 Annex III"), (9999, "Impl. Reg. (EU) 2025/2547"))


def methodology_act(year: int) -> str:
    """The act whose calculation methods apply to goods imported in `year`."""
    return next(act for last, act in METHODOLOGY_ACTS if year <= last)


# ProdMethodQualifyingParams/MethodId and .../DirectQualifyingParameters/ParameterId: codes of the Commission's
# code lists, which are not among the shipped files. Only the pairs the Commission's sample report shows
# (Sample_CBAM_Quarterly_Report_v17.xml: "P10 Secondary Al (using scrap)", "EQP14 Mn content") are written as
# codes; UNVERIFIED beyond the sample. Parameters of a route without a known method code are written as a remark.
METHOD_CODES = {("Unwrought aluminium", "Secondary melting (recycling)"): "P10",
                ("Aluminium products", "Secondary melting (recycling)"): "P10"}
PARAMETER_CODES = {"% Mn": "EQP14"}
