"""Malformed workbooks: one clear, translated error each, and nothing written."""
from __future__ import annotations

import io
import resource
import time
import zipfile

import openpyxl
import pytest

from core.exchange.errors import ExchangeError
from core.exchange.safety import check_xlsx_package
from core.exchange.workbook import import_workbook
from core.exchange.workbook import layout as L
from core.exchange.workbook.reader import _sheet_paths
from core.i18n import t
from tests.exchange.workbook.conftest import edit
from tests.exchange.workbook.test_workbook_import import state


@pytest.fixture
def engine(sqlite_engine):
    """These files are refused before any SQL is written: one database is enough."""
    return sqlite_engine


def repack(data: bytes, change=None, add: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """The package with members changed by `change(name, bytes) -> bytes` and members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                    compresslevel=level) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            zout.writestr(info.filename, change(info.filename, body) if change else body)
        for name, body in (add or {}).items():
            zout.writestr(name, body)
    return out.getvalue()


def sheet_member(data: bytes, title: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return _sheet_paths(z)[title]


def refused(steel, data: bytes) -> ExchangeError:
    before = state(steel)
    with pytest.raises(ExchangeError) as err, steel.ctx() as ctx:
        import_workbook(ctx, steel.period.id, data)
    assert state(steel) == before
    e = err.value
    for lang in ("en", "zh"):  # a real, translated message
        assert t(e.key, lang, **e.params) != e.key
    return e


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n%\xe2\xe3", b"name,eori\nA,DE1\n",
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, b"PK\x03\x04broken"],
                         ids=["empty", "pdf", "csv", "xls", "broken-zip"])
def test_not_an_xlsx(steel, data):
    assert refused(steel, data).key in ("exchange.safety.not_xlsx", "exchange.safety.not_xlsx_reason")


def test_a_zip_that_is_not_a_workbook(steel):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    assert refused(steel, buf.getvalue()).key == "exchange.safety.not_xlsx"


def test_missing_sheet(steel):
    wb = openpyxl.load_workbook(io.BytesIO(steel.workbook()))
    del wb[L.SHIPMENTS.title]
    buf = io.BytesIO()
    wb.save(buf)
    e = refused(steel, buf.getvalue())
    assert e.key == "exchange.workbook.error.missing_sheets" and e.params["sheets"] == L.SHIPMENTS.title


def test_missing_column_keys(steel):
    e = refused(steel, edit(steel.workbook(), {(L.PROCESSES.title, "G3"): "activity"}))
    assert e.key == "exchange.workbook.error.missing_columns" and e.params["columns"] == "activity_level"


def test_formula_where_a_value_is_expected(steel):
    e = refused(steel, edit(steel.workbook(), {(L.PROCESSES.title, "G5"): "=1000*93"}))
    assert e.key == "exchange.workbook.error.formula"
    assert e.params == {"sheet": L.PROCESSES.title, "cell": "G5"}


def test_merged_cells(steel):
    wb = openpyxl.load_workbook(io.BytesIO(steel.workbook()))
    wb[L.SHIPMENTS.title].merge_cells("A4:B4")
    buf = io.BytesIO()
    wb.save(buf)
    e = refused(steel, buf.getvalue())
    assert e.key == "exchange.workbook.error.merged_cells" and e.params["cells"] == "A4:B4"


def test_a_million_formatted_empty_rows_are_read_quickly(steel):
    data = steel.workbook()
    member = sheet_member(data, L.SHIPMENTS.title)
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="0"/><c r="F{r}" s="0"/></row>' for r in range(6, 1_000_001))
    big = repack(data, lambda name, body: body.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
                 if name == member else body)
    before = state(steel)
    start, rss = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with steel.ctx() as ctx:
        result = import_workbook(ctx, steel.period.id, big)
    elapsed = time.monotonic() - start
    assert result.problems == [] and result.changes == 0 and sum(result.unchanged.values()) == 9
    assert state(steel) == before
    # figures for the log (the bench prints timings; this only guards against reading the empty rows one by one)
    print(f"1M empty rows: {elapsed:.1f} s, peak RSS grew {(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024:.0f} MB")
    assert elapsed < 60


def test_a_value_far_below_the_data_is_refused_before_parsing(steel):
    data = steel.workbook()
    member = sheet_member(data, L.SHIPMENTS.title)
    far = b'<row r="1048576"><c r="AZ1048576" t="n"><v>1</v></c></row>'
    e = refused(steel, repack(data, lambda name, body: body.replace(b"</sheetData>", far + b"</sheetData>")
                              if name == member else body))
    assert e.key == "exchange.workbook.error.too_many_rows" and e.params["rows"] == 1048576


def test_macro_enabled_workbook(steel):
    data = steel.workbook()
    e = refused(steel, repack(data, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}))
    assert e.key == "exchange.safety.macros"
    xlsm = repack(data, lambda name, body: body.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml") if name == "[Content_Types].xml" else body)
    assert refused(steel, xlsm).key == "exchange.safety.macros"


def test_zip_bomb_by_ratio(steel):
    bomb = repack(steel.workbook(), add={"xl/media/image1.png": b"\0" * (64 * 1024 * 1024)}, level=9)
    assert len(bomb) < 1024 * 1024
    e = refused(steel, bomb)
    assert e.key == "exchange.safety.bomb"


def test_declared_sizes_and_file_size_limits():
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.save(buf)
    data = buf.getvalue()
    assert "xl/workbook.xml" in check_xlsx_package(data)
    with pytest.raises(ExchangeError) as err:
        check_xlsx_package(data, max_unpacked=1000)
    assert err.value.key == "exchange.safety.bomb"
    with pytest.raises(ExchangeError) as err:
        check_xlsx_package(data, max_bytes=1000)
    assert err.value.key == "exchange.error.file_too_large"


def test_oversized_upload(steel):
    e = refused(steel, b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024 + 1))
    assert e.key == "exchange.error.file_too_large"


def test_a_member_lying_about_its_size():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>" + " " * 5000)
    raw = bytearray(buf.getvalue())
    # shrink the uncompressed size the central directory declares for xl/workbook.xml to 10 bytes
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ExchangeError) as err:
        check_xlsx_package(bytes(raw))
    assert err.value.key in ("exchange.safety.bomb", "exchange.safety.not_xlsx_reason")
