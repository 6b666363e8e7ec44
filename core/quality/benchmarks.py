"""Missing benchmarks: a good whose benchmark is not in the reference data, or depends on a production route that
is not given or has no value, blocks the period. The engine never takes another value in its place (the highest
route's, or Column B for Column A): the line's cost is incomplete until the data names the route or the
reference data has the value (Impl. Reg. (EU) 2025/2620 Annex; domain ref §3.2)."""
from __future__ import annotations

from core.cbam.reference import ReferenceData
from core.quality.checks import Hits
from core.quality.rules import BLOCKING, QualityInput, rule

COLUMN = {"column_a": "A", "column_b": "B"}


def _gaps(d: QualityInput, ref: ReferenceData):
    from core.cbam.engine import load_for
    from core.cbam.obligation import missing_benchmarks
    from core.errors import DomainError

    try:
        scenario, ref = load_for(d.scenario)
    except DomainError:
        return []  # the blocking rules and the engine's own error say what is wrong first
    return missing_benchmarks(scenario, ref)


def _params(gap: dict, ref: ReferenceData) -> dict:
    cn = gap["cn_code"]
    return {"good": gap["good"], "cn_code": cn, "description": ref.cn_descriptions.get(cn[:8], ""),
            "column": COLUMN[gap["column"]], "route": gap["route"] or "—", "routes": ", ".join(gap["routes"]) or "—"}


@rule("DQ36", "benchmark_missing", BLOCKING)
def benchmark_missing(d: QualityInput, ref: ReferenceData) -> Hits:
    for kind, n, gap in _gaps(d, ref):
        if gap["reason"] == "no_value":
            yield f"{kind}[{n}].cn_code", _params(gap, ref)


@rule("DQ37", "benchmark_route_missing", BLOCKING)
def benchmark_route_missing(d: QualityInput, ref: ReferenceData) -> Hits:
    for kind, n, gap in _gaps(d, ref):
        if gap["reason"] != "no_value":
            field = "route" if kind == "processes" else "benchmark_route"
            yield f"{kind}[{n}].{field}", _params(gap, ref)
