"""Reporting data entry (issue 4): periods, processes, source streams, precursors, customers, shipments, the
review workflow, live results from the engine, and frozen snapshots."""
from core.reporting.common import APPROVED, CHANGES_REQUESTED, DRAFT, EDITABLE, IN_REVIEW, STATUSES, SUBMITTED
from core.reporting.customers import (
    EU_MEMBER_STATES,
    CustomerData,
    add_customer,
    delete_customer,
    list_customers,
    restore_customer,
    update_customer,
)
from core.reporting.periods import (
    create_period,
    get_period,
    list_periods,
    period_history,
    update_period_parameters,
)
from core.reporting.precursors import (
    ProcessInputData,
    PurchasedPrecursorData,
    add_process_input,
    add_purchased_precursor,
    delete_process_input,
    delete_purchased_precursor,
    list_process_inputs,
    list_purchased_precursors,
    update_process_input,
    update_purchased_precursor,
)
from core.reporting.processes import (
    ProcessData,
    add_process,
    delete_process,
    get_process,
    list_processes,
    update_process,
)
from core.reporting.scenario import (
    LineCost,
    LiveResults,
    ProcessSee,
    ShipmentCost,
    build_scenario,
    canonical_json,
    content_hash,
    live_results,
)
from core.reporting.shipments import (
    ShipmentData,
    add_shipment,
    delete_shipment,
    list_shipments,
    quarter_of,
    update_shipment,
)
from core.reporting.source_streams import (
    METHOD_FIELDS,
    SourceStreamData,
    add_source_stream,
    delete_source_stream,
    list_source_streams,
    update_source_stream,
)
from core.reporting.workflow import (
    add_comment,
    approve_period,
    list_comments,
    reopen_period,
    request_changes,
    resolve_comment,
    start_review,
    submit_period,
    verify_snapshot,
)

__all__ = [
    "APPROVED", "CHANGES_REQUESTED", "DRAFT", "EDITABLE", "EU_MEMBER_STATES", "IN_REVIEW", "METHOD_FIELDS",
    "STATUSES", "SUBMITTED", "CustomerData", "LiveResults", "ProcessData", "ProcessInputData", "ProcessSee",
    "LineCost", "PurchasedPrecursorData", "ShipmentCost", "ShipmentData", "SourceStreamData", "add_comment", "add_customer",
    "add_process", "add_process_input", "add_purchased_precursor", "add_shipment", "add_source_stream",
    "approve_period", "build_scenario", "canonical_json", "content_hash", "create_period", "delete_customer",
    "delete_process", "delete_process_input", "delete_purchased_precursor", "delete_shipment",
    "delete_source_stream", "get_period", "get_process", "list_comments", "list_customers", "restore_customer", "list_periods",
    "list_process_inputs", "list_processes", "list_purchased_precursors", "list_shipments", "list_source_streams",
    "live_results", "period_history", "quarter_of", "reopen_period", "request_changes", "resolve_comment",
    "start_review", "submit_period", "update_customer", "update_period_parameters", "update_process",
    "update_process_input", "update_purchased_precursor", "update_shipment", "update_source_stream",
    "verify_snapshot",
]
