"""Data-quality rules: each finding is blocking or a warning, names its rule and points at the field.

Rules read a reporting period in the `cbam-scenario/1` format (what the engine reads) plus what the format does
not carry (justifications, suppliers, customers, shipments, evidence), so the same rules serve the data-entry
pages, the Excel import and the workflow's submit check.
"""
from core.quality.rules import RULES, Finding, QualityInput, Rule, check, has_blocking

__all__ = ["RULES", "Finding", "QualityInput", "Rule", "check", "has_blocking"]
