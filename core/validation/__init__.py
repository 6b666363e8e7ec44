"""Validators for identifiers the platform stores. Each returns None when valid, or an error (key, params)."""
from core.validation.identifiers import (
    COUNTRIES,
    uscc_check_char,
    validate_coordinates,
    validate_country,
    validate_eori,
    validate_unlocode,
    validate_uscc,
)

__all__ = ["COUNTRIES", "uscc_check_char", "validate_coordinates", "validate_country", "validate_eori",
           "validate_unlocode", "validate_uscc"]
