"""The page list, built per role from the permission matrix: a page a role may not open is not registered."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.access import pages_for
from ui.state import tr

PAGES_DIR = Path(__file__).resolve().parent.parent / "views"

# name → (Material icon); titles come from the catalogs as "page.<name>"
ICONS = {
    "home": ":material/home:",
    "organization": ":material/apartment:",
    "members": ":material/group:",
    "installations": ":material/factory:",
    "reporting": ":material/calculate:",
    "processes": ":material/precision_manufacturing:",
    "precursors": ":material/inventory_2:",
    "shipments": ":material/directions_boat:",
    "customers": ":material/local_shipping:",
    "data_import": ":material/upload_file:",
    "exports": ":material/outbox:",
    "evidence": ":material/attach_file:",
    "emissions": ":material/co2:",
    "costs": ":material/euro:",
    "annual": ":material/calendar_month:",
    "portfolio": ":material/dashboard:",
    "audit_log": ":material/fact_check:",
    "profile": ":material/person:",
    "privacy_center": ":material/privacy_tip:",
    "my_data": ":material/shield_person:",
    "personal_data": ":material/manage_search:",
    "onboarding": ":material/how_to_reg:",
    "assistant": ":material/smart_toy:",
}


def page(name: str, *, default: bool = False) -> st.Page:
    return st.Page(PAGES_DIR / f"{name}.py", title=tr(f"page.{name}"), icon=ICONS[name], url_path=name,
                   default=default)


# page → the sidebar section it is listed under (titles "nav.<section>"); home stands above every section
SECTIONS = {
    "home": "",
    **dict.fromkeys(("installations", "reporting", "processes", "precursors", "shipments", "customers",
                     "data_import", "evidence"), "data"),
    **dict.fromkeys(("emissions", "costs", "annual", "portfolio", "exports", "assistant"),
                     "results"),
    **dict.fromkeys(("organization", "members", "audit_log", "profile"), "admin"),
    **dict.fromkeys(("privacy_center", "personal_data", "my_data"), "admin"),
}


def pages_for_role(role, *, has_org: bool) -> dict[str, list[st.Page]]:
    """The role's pages grouped in sidebar sections, in the order of `core.access.PAGES`."""
    names = ["home", "profile", "my_data"] if not has_org else pages_for(role)
    sections: dict[str, list[st.Page]] = {}
    for n in names:
        title = tr(f"nav.{SECTIONS[n]}") if SECTIONS[n] else ""
        sections.setdefault(title, []).append(page(n, default=(n == "home")))
    return sections


def guard(name: str) -> None:
    """First line of every page: stop unless the acting role may open it.

    st.navigation registers only the allowed pages (the files live in views/, so Streamlit's legacy `pages/`
    discovery never runs one without app.py); this also stops a page opened by a role that may not open it.
    """
    from ui.state import acting

    a = acting()
    if a is None:
        st.stop()
    if name == "onboarding":
        return
    allowed = ["home", "profile", "my_data"] if a.org_id is None else pages_for(a.role)
    if name not in allowed:
        st.page_link(page("home"), label=tr("page.home"))
        st.stop()
