"""The CBAM registry quarterly report (QReport, XSD v23.00): built from an approved period's frozen snapshot for
one EU customer and one quarter, validated against the shipped XSD and by the code rules the XSD cannot state.

    registry_report(ctx, period_id=, customer_id=, quarter=, details=) -> RegistryReport(xml | None, problems)
"""
from core.exchange.registry.build import (
    Line,
    Operator,
    Party,
    Problem,
    ReportData,
    Signatory,
    Site,
    build_qreport,
    report_problems,
)
from core.exchange.registry.rules import RULES, check_rules
from core.exchange.registry.schema import SCHEMA_VERSION, XSD_FILES, schema, xsd_errors
from core.exchange.registry.service import (
    RegistryReport,
    ReportDetails,
    build_report,
    check_report,
    default_details,
    quarters_of,
    registry_report,
    report_data,
    report_details,
)

__all__ = ["RULES", "SCHEMA_VERSION", "XSD_FILES", "Line", "Party", "Problem", "RegistryReport", "ReportData",
           "Operator", "ReportDetails", "Signatory", "Site", "build_qreport", "build_report", "check_report", "check_rules",
           "default_details", "quarters_of", "registry_report", "report_data", "report_details", "report_problems",
           "schema", "xsd_errors"]
