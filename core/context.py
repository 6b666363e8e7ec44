"""What every service call receives: who acts, for which organization, in which role, through which session."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlmodel import Session

from core.access import Permission, Role, require
from core.clock import Clock, SystemClock
from db.models import User


@dataclass
class Context:
    session: Session
    user: User
    org_id: uuid.UUID | None = None
    role: Role | None = None
    clock: Clock = field(default_factory=SystemClock)

    def require(self, permission: Permission) -> None:
        if getattr(self.user, "suspended_at", None) is not None:
            # a person reported as possibly under 18 acts on nothing until the DPO decides (core.privacy.minors)
            from core.errors import PermissionDenied

            raise PermissionDenied(permission.value, "suspended")
        require(self.role, permission)

    @property
    def tenant(self) -> uuid.UUID:
        """The acting organization; services that write tenant data call this."""
        if self.org_id is None:
            from core.errors import DomainError

            raise DomainError("error.no_organization")
        return self.org_id
