"""Carbon price paid in the country of production (issue 13): entry, validation, and the scenario's
`carbon_prices` field. The deduction is the engine's (core/cbam/carbon_price.py)."""
from core.reporting.carbon_price.service import (
    CarbonPriceData,
    add_carbon_price,
    copy_carbon_prices,
    delete_carbon_price,
    delete_for_process,
    effective_per_t,
    list_carbon_prices,
    scenario_carbon_prices,
    update_carbon_price,
)

__all__ = ["CarbonPriceData", "add_carbon_price", "copy_carbon_prices", "delete_carbon_price", "delete_for_process", "effective_per_t",
           "list_carbon_prices", "scenario_carbon_prices", "update_carbon_price"]
