"""The permission matrix.

A consultant reviews and comments across the client organizations they are invited to and edits only where
the client grants it (a later issue adds per-area grants); a DPO runs the privacy center and reads the audit log.
"""
from __future__ import annotations

from enum import StrEnum

from core.errors import PermissionDenied


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"
    CONSULTANT = "consultant"
    DPO = "dpo"


ROLES: tuple[Role, ...] = tuple(Role)


class Permission(StrEnum):
    ORG_VIEW = "org.view"
    ORG_EDIT = "org.edit"
    ORG_CANCEL = "org.cancel"          # cancel the subscription (data deleted 30 days later) or withdraw: the owner's
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    INSTALLATION_VIEW = "installation.view"
    INSTALLATION_EDIT = "installation.edit"
    AUDIT_VIEW = "audit.view"
    PRIVACY_MANAGE = "privacy.manage"
    REVIEW_COMMENT = "review.comment"
    DATA_VIEW = "data.view"            # reporting periods, processes, precursors, customers, shipments, results
    DATA_EDIT = "data.edit"            # enter and change them while a period is a draft (or changes were requested)
    PERIOD_SUBMIT = "period.submit"    # hand a draft in for review
    PERIOD_REVIEW = "period.review"    # take a submitted period into review, request changes
    PERIOD_APPROVE = "period.approve"  # approve and freeze a period as a hashed snapshot
    EXCHANGE_SEND = "exchange.send"    # log customer requests, build and send data packs to EU customers
    EVIDENCE_EDIT = "evidence.edit"    # upload, replace, link and delete evidence files
    PERIOD_REOPEN = "period.reopen"    # reopen an approved period as version n+1: the owner's only (README, Roles)
    # the organization as controller: find a third party's personal data in its records, export, correct or erase
    # it (an owner's or the DPO's; issue 14)
    PRIVACY_CONTROL = "privacy.control"


_ALL = set(Permission)
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(_ALL - {Permission.PRIVACY_MANAGE}),
    Role.EDITOR: frozenset({
        Permission.ORG_VIEW, Permission.MEMBERS_VIEW, Permission.INSTALLATION_VIEW, Permission.INSTALLATION_EDIT,
        Permission.DATA_VIEW, Permission.DATA_EDIT, Permission.PERIOD_SUBMIT, Permission.EXCHANGE_SEND,
        Permission.EVIDENCE_EDIT,
    }),
    Role.VIEWER: frozenset({Permission.ORG_VIEW, Permission.INSTALLATION_VIEW, Permission.DATA_VIEW}),
    Role.CONSULTANT: frozenset({
        Permission.ORG_VIEW, Permission.MEMBERS_VIEW, Permission.INSTALLATION_VIEW, Permission.REVIEW_COMMENT,
        Permission.DATA_VIEW, Permission.PERIOD_REVIEW,
    }),
    Role.DPO: frozenset({
        Permission.ORG_VIEW, Permission.MEMBERS_VIEW, Permission.AUDIT_VIEW, Permission.PRIVACY_MANAGE,
        Permission.PRIVACY_CONTROL,
    }),
}


def can(role: Role | str | None, permission: Permission) -> bool:
    if role is None:
        return False
    return permission in MATRIX[Role(role)]


def require(role: Role | str | None, permission: Permission) -> None:
    if not can(role, permission):
        raise PermissionDenied(permission.value, str(role) if role else None)


# Pages and the permission each needs (None: every member). The app registers only what the role may open.
PAGES: dict[str, Permission | None] = {  # in navigation order, section by section (ui/navigation.py SECTIONS)
    "home": None,
    # data
    "installations": Permission.INSTALLATION_VIEW,
    "reporting": Permission.DATA_VIEW,
    "processes": Permission.DATA_VIEW,
    "precursors": Permission.DATA_VIEW,
    "shipments": Permission.DATA_VIEW,
    "customers": Permission.DATA_VIEW,
    "data_import": Permission.DATA_EDIT,
    "evidence": Permission.DATA_VIEW,
    # results and exchange
    "emissions": Permission.DATA_VIEW,  # dashboards read what DATA_VIEW may read
    "costs": Permission.DATA_VIEW,
    "annual": Permission.DATA_VIEW,  # per EU customer and year: goods, certificates, the 50 t de minimis threshold
    "portfolio": Permission.DATA_VIEW,  # every organization the person is a member of, each read in its own scope
    "exports": Permission.DATA_VIEW,
    "assistant": Permission.DATA_VIEW,  # the AI helper answers from what DATA_VIEW may read
    # administration
    "organization": Permission.ORG_VIEW,
    "members": Permission.MEMBERS_VIEW,
    "audit_log": Permission.AUDIT_VIEW,
    "privacy_center": Permission.PRIVACY_MANAGE,  # the DPO's queue of rights requests (issue 14)
    "personal_data": Permission.PRIVACY_CONTROL,  # third parties' personal data in the organization's records
    "profile": None,
    "my_data": None,  # my data and rights, next to the profile (issue 14)
}


def pages_for(role: Role | str | None) -> list[str]:
    return [name for name, perm in PAGES.items() if perm is None or can(role, perm)]
