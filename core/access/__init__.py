"""Roles and permissions: one matrix that services enforce and the app uses to build navigation."""
from core.access.permissions import (
    PAGES,
    ROLES,
    Permission,
    Role,
    can,
    pages_for,
    require,
)

__all__ = ["PAGES", "ROLES", "Permission", "Role", "can", "pages_for", "require"]
