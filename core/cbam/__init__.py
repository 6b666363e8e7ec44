"""CBAM calculation engine and reference data: pure functions over plain data (no Streamlit, no database).

Public API:
    load_reference(default_values_version=None, benchmarks_version=None, data_dir=None) -> ReferenceData
    list_versions(data_dir=None) -> list[ReferenceVersion];  install_table(kind, file, version, activate=False)
    parse_scenario(data, ref) -> Scenario;  load_for(data) -> (Scenario, ReferenceData)
    evaluate(scenario, ref, year=None, price_eur=None) -> Evaluation;  evaluate_data(data) -> Evaluation
    explain(evaluation, "processes.P1" | "imports[0]") -> list[Term]
    forecast(scenario, ref, price_paths) -> list[ForecastPoint]
    actual_vs_default(scenario, ref, quarter=1) -> list[Comparison]
    de_minimis(lines, ref, year) / de_minimis_for_scenario(scenario, ref) -> DeMinimisResult
    stream_emissions(stream, path, ref.constants) -> StreamResult
"""
from __future__ import annotations

from core.cbam.engine import Evaluation, evaluate, evaluate_data, explain, load_for
from core.cbam.errors import CbamError, CycleError, ReferenceDataError, ScenarioError
from core.cbam.explain import Term
from core.cbam.forecast import (
    Comparison,
    DeMinimisResult,
    ForecastPoint,
    actual_vs_default,
    de_minimis,
    de_minimis_for_scenario,
    forecast,
)
from core.cbam.reference import ReferenceData, ReferenceVersion, install_table, list_versions, load_reference
from core.cbam.scenario import Scenario, parse_scenario
from core.cbam.source_streams import StreamResult, stream_emissions

__all__ = [
    "CbamError", "Comparison", "CycleError", "DeMinimisResult", "Evaluation", "ForecastPoint", "ReferenceData",
    "ReferenceDataError", "ReferenceVersion", "Scenario", "ScenarioError", "StreamResult", "Term",
    "actual_vs_default", "de_minimis", "de_minimis_for_scenario", "evaluate", "evaluate_data", "explain",
    "forecast", "install_table", "list_versions", "load_for", "load_reference", "parse_scenario", "stream_emissions",
]
