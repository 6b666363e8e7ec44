"""Fuzzing the importer: random cell values of random types in a valid workbook, and random bytes. The importer
never crashes (only DomainErrors and problems), and when it reports problems or refuses the file it writes nothing."""
from __future__ import annotations

import io
import random
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.exchange.workbook import import_workbook
from core.exchange.workbook import layout as L
from tests.exchange.workbook.test_workbook_import import state

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
# what a person (or a broken program) may put into a cell; Excel itself stores no NaN or infinity
cell_values = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60), st.text(alphabet="0123456789.,-eE ", max_size=12),
    st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=-10**12, max_value=10**12),
    st.booleans(), st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["P1", "P2", "PP1", "P9", "DE123456789012345", "actual", "default", "72083900", "Crude steel",
                     "combustion", "=1+1", "-", "", " ", "1e309", "NaN", "inf", "2026-13-45", "x" * 3000]),
)
cells = st.lists(st.tuples(st.sampled_from([s.key for s in L.TAB_ORDER]), st.integers(L.FIRST_ROW, L.FIRST_ROW + 3),
                           st.integers(1, 25), cell_values), min_size=1, max_size=6)


@pytest.fixture
def engine(sqlite_engine):
    return sqlite_engine


class Blob(bytes):
    def __repr__(self) -> str:  # hypothesis prints the fixtures of a failing example
        return f"<workbook of {len(self)} bytes>"


@pytest.fixture
def base(steel):
    return Blob(steel.workbook())


def _import(steel, data: bytes, **kw):
    before = state(steel)
    try:
        with steel.ctx() as ctx:
            result = import_workbook(ctx, steel.period.id, data, **kw)
    except DomainError:
        assert state(steel) == before  # refused: nothing written
        return None
    if result.problems and not kw.get("valid_rows_only"):
        assert not result.written and state(steel) == before
    if not result.written:
        assert state(steel) == before
    return result


@FUZZ
@given(changes=cells, valid_only=st.booleans())
def test_random_cells_never_crash_and_never_write_on_error(steel, base, changes, valid_only):
    wb = openpyxl.load_workbook(io.BytesIO(base))
    for key, row, col, value in changes:
        sheet = L.BY_KEY[key]
        if col <= len(sheet.columns):
            wb[sheet.title].cell(row=row, column=col, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    _import(steel, buf.getvalue(), valid_rows_only=valid_only)


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_refused(steel, data):
    assert _import(steel, data) is None


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 20))
def test_corrupted_packages_never_crash(steel, base, seed, flips):
    rnd = random.Random(seed)
    raw = bytearray(base)
    for _ in range(flips):
        raw[rnd.randrange(len(raw))] = rnd.randrange(256)
    _import(steel, bytes(raw))
