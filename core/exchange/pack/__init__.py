"""Customer data packs and the customer request log.

    build_customer_pack(ctx, period_id=, customer_id=, details=, request_id=) -> Pack (zip bytes + manifest)
    add_request / list_requests: what EU customers asked for, and what was sent
"""
from core.exchange.pack.requests import (
    ANSWERED,
    OPEN,
    OVERDUE,
    RequestData,
    RequestView,
    add_request,
    list_requests,
    record_answer,
    status_of,
)
from core.exchange.pack.service import FORMAT, Pack, PackProblems, build_customer_pack

__all__ = ["ANSWERED", "FORMAT", "OPEN", "OVERDUE", "Pack", "PackProblems", "RequestData", "RequestView",
           "add_request", "build_customer_pack", "list_requests", "record_answer", "status_of"]
