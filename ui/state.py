"""Per-browser-session state: the language, the person, the acting organization; and a fresh service context
for every action (the role is re-read each time, so a removed member loses access on their next action)."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from core.access import Role
from core.clock import SystemClock
from core.context import Context
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, PSEUDO, language_from_locale, t
from core.organizations import role_in
from db.models import User
from db.session import Scope, scoped_session


@dataclass(frozen=True)
class Acting:
    user_id: uuid.UUID
    issuer: str
    subject: str
    email: str | None
    org_id: uuid.UUID | None
    role: Role | None


def lang() -> str:
    if "lang" not in st.session_state:
        try:
            st.session_state["lang"] = language_from_locale(st.context.locale)
        except Exception:  # noqa: BLE001  (no browser context, e.g. bare mode)
            st.session_state["lang"] = DEFAULT_LANGUAGE
    value = st.session_state["lang"]
    return value if value in (*LANGUAGES, PSEUDO) else DEFAULT_LANGUAGE


def tr(key: str, **params: object) -> str:
    return t(key, lang(), **params)


def acting() -> Acting | None:
    return st.session_state.get("acting")


def set_acting(value: Acting | None) -> None:
    st.session_state["acting"] = value


def scope_of(a: Acting) -> Scope:
    return Scope(user_id=a.user_id, org_id=a.org_id, email=a.email, issuer=a.issuer, subject=a.subject)


@contextmanager
def person_session() -> Iterator[tuple[object, User]]:
    """A session scoped to the signed-in person (no organization): profile, onboarding, invitations."""
    a = acting()
    if a is None:
        st.stop()
    with scoped_session(Scope(user_id=a.user_id, email=a.email, issuer=a.issuer, subject=a.subject)) as session:
        user = session.get(User, a.user_id)
        yield session, user


@contextmanager
def context() -> Iterator[Context]:
    """A Context for one action in the acting organization, with the role read fresh from the database."""
    a = acting()
    if a is None or a.org_id is None:
        st.stop()
    with scoped_session(scope_of(a)) as session:
        user = session.get(User, a.user_id)
        role = role_in(session, user, a.org_id)
        if role is None:
            set_acting(Acting(a.user_id, a.issuer, a.subject, a.email, None, None))
            st.error(tr("access.revoked"))
            st.stop()
        yield Context(session=session, user=user, org_id=a.org_id, role=role, clock=SystemClock())


def labels(prefix: str, codes) -> dict:
    """code → translated label, computed now: use as `format_func=labels(...).get` so the widget's labels are
    fixed at render time (Streamlit may format options again outside the script run)."""
    return {code: tr(f"{prefix}.{code}") for code in codes}
