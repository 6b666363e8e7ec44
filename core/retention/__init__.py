"""Retention (issue 15): the schedule, the engine that applies it, legal holds, and an organization's cancellation.
See core.retention.engine for what a run does."""
from core.retention.schedule import RULES, SCHEDULE, Rule

__all__ = ["RULES", "SCHEDULE", "Rule"]
