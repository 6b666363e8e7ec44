"""Database errors never reach the browser: the page shows a translated message with a short reference, and the
detail (SQL, parameters, traceback) goes to the server log under that reference. Expected refusals are
DomainErrors, translated where the action ran (ui.forms); this catches what is left (a lost connection, a
deadlock, a constraint the services did not foresee)."""
from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.errors import DomainError
from ui.state import tr

log = logging.getLogger("cbam.ui")
DATABASE_ERRORS = (SQLAlchemyError, sqlite3.Error, psycopg.Error)  # SQLAlchemy's, and drivers' used directly


@contextmanager
def database_errors() -> Iterator[None]:
    """Around a page run (app.py): a database error ends the run with the translated message, and so does a
    DomainError that no action caught (an owner connection that row-level security binds, met where a page opens
    the operator session)."""
    try:
        yield
    except DomainError as exc:
        log.warning("refusal not caught by the page: %s", exc.key)
        st.error(tr(exc.key, **exc.params), icon=":material/error:")
        st.stop()
    except DATABASE_ERRORS:
        ref = uuid.uuid4().hex[:8]
        log.exception("database error on a page (reference %s)", ref)
        st.error(tr("error.database", ref=ref), icon=":material/error:")
        st.stop()
