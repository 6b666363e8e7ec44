"""The workbook writes a basis as its label in both languages (its drop-down offers nothing else), and a basis
typed or picked as its label, in Chinese (实际值/默认值) or English, imports as the same basis."""
from __future__ import annotations

import io

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from core.exchange.workbook import import_workbook
from core.exchange.workbook import layout as L
from core.exchange.workbook.reader import basis_code
from core.i18n import t
from tests.exchange.workbook.conftest import edit
from tests.exchange.workbook.test_workbook_import import state


def _labelled(data: bytes, sheet: L.Sheet, key: str, lang: str) -> dict[tuple[str, str], str]:
    col = [c.key for c in sheet.columns].index(key)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet.title).to_python()
    changes = {}
    for n, row in enumerate(rows[L.FIRST_ROW - 1:], start=L.FIRST_ROW):
        code = basis_code(row[col]) if col < len(row) and isinstance(row[col], str) else None
        if code in ("actual", "default"):
            changes[(sheet.title, f"{get_column_letter(col + 1)}{n}")] = t(f"entry.basis.{code}", lang)
    return changes


def test_basis_labels_in_either_language_import_unchanged(steel):
    data = steel.workbook()
    changes = _labelled(data, L.SHIPMENTS, "basis", "zh") | _labelled(data, L.PRECURSORS, "data_source", "en")
    assert any(v == "实际值" or v == "默认值" for v in changes.values()), changes
    before = state(steel)
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, edit(data, changes))
    assert result.problems == [] and result.changes == 0 and state(steel) == before


def test_the_workbook_shows_the_basis_in_words_in_its_cells_and_its_drop_down(steel):
    data = steel.workbook()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    lists = book.get_sheet_by_name(L.LISTS_TITLE).to_python()
    col = lists[0].index("data_sources")
    offered = [r[col] for r in lists[1:] if col < len(r) and r[col]]
    assert offered == ["实际值 / Actual values", "默认值 / Default values"]
    for sheet, key in ((L.SHIPMENTS, "basis"), (L.PRECURSORS, "data_source")):
        c = [x.key for x in sheet.columns].index(key)
        cells = {r[c] for r in book.get_sheet_by_name(sheet.title).to_python()[L.FIRST_ROW - 1:] if c < len(r) and r[c]}
        assert cells and cells <= set(offered), (sheet.title, cells)  # never the codes "actual"/"default"
