"""The breach register (privacy.md D7): clocks (`clocks`), the register's services (`service`) and the notice to
affected people (`notices`). See each module."""
from core.privacy.breaches.clocks import Obligation, obligations
from core.privacy.breaches.notices import SendResult, send_user_notices, unsent
from core.privacy.breaches.service import (
    BreachData,
    add_affected,
    close_breach,
    complete_obligation,
    get_breach,
    list_breaches,
    notices_of,
    obligations_of,
    organizations,
    record_breach,
    record_exemption,
    require_keeper,
    update_breach,
)

__all__ = ["BreachData", "Obligation", "SendResult", "add_affected", "close_breach", "complete_obligation",
           "get_breach", "list_breaches", "notices_of", "obligations", "obligations_of", "organizations", "record_breach",
           "record_exemption", "require_keeper", "send_user_notices", "unsent", "update_breach"]
