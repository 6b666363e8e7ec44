"""Domain errors: values with a message key and parameters, translated at the page."""
from __future__ import annotations

from core.i18n import Term


class DomainError(Exception):
    """A refusal the user can act on. `key` names a message in the i18n catalogs."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}")


class PermissionDenied(DomainError):
    def __init__(self, action: str, role: str | None = None) -> None:
        super().__init__("error.permission_denied", action=action, role=role or "-")


class NotFound(DomainError):
    def __init__(self, entity: str, entity_id: object) -> None:
        super().__init__("error.not_found", entity=entity, id=str(entity_id))


class ValidationFailed(DomainError):
    """One or more fields are invalid; `errors` maps field name → (key, params)."""

    def __init__(self, errors: dict[str, tuple[str, dict[str, object]]]) -> None:
        self.errors = errors
        super().__init__("error.validation_failed", count=len(errors))


class ConcurrentChange(DomainError):
    """Optimistic lock: someone else saved the row since it was read. Names the record as the person knows it
    (`Production process 'Hot rolling'`, in their language), never the table: `entity` is the model's name
    (`productionprocess`), translated through the catalog's `entity.<name>` noun; `name` the record's own name."""

    def __init__(self, entity: str, by: str, at: str, name: str = "") -> None:
        key = "error.changed_meanwhile" if name else "error.changed_meanwhile_unnamed"
        super().__init__(key, entity=entity, noun=Term(f"entity.{entity}"), name=name, by=by, at=at)
