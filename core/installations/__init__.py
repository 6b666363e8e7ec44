from core.installations.service import (
    InstallationData,
    add_installation,
    archive_installation,
    list_installations,
    restore_installation,
    update_installation,
)

__all__ = ["InstallationData", "add_installation", "archive_installation", "list_installations",
           "restore_installation", "update_installation"]
