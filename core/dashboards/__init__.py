"""Emissions and cost dashboards at consultant scale (issue 6): SQL aggregation, the engine's per-tonne results per
period (cached per organization), and the portfolio across every organization a person serves."""
from core.dashboards.costs import (
    DEFAULT_PRICE_PATHS,
    PATHS,
    CostsDashboard,
    check_price_paths,
    costs_dashboard,
)
from core.dashboards.csv_export import neutralise, to_csv
from core.dashboards.emissions import (
    EmissionsDashboard,
    FilterOptions,
    Table,
    emissions_dashboard,
    filter_options,
)
from core.dashboards.evaluations import CACHE
from core.dashboards.filters import Filters
from core.dashboards.portfolio import (
    DEADLINE_SOURCE,
    OrganizationSummary,
    declaration_deadline,
    is_overdue,
    portfolio,
    portfolio_of,
)

__all__ = [
    "CACHE", "DEADLINE_SOURCE", "DEFAULT_PRICE_PATHS", "PATHS", "CostsDashboard", "EmissionsDashboard",
    "FilterOptions", "Filters", "OrganizationSummary", "Table", "check_price_paths", "costs_dashboard",
    "declaration_deadline", "emissions_dashboard", "filter_options", "is_overdue", "neutralise", "portfolio",
    "portfolio_of", "to_csv",
]
