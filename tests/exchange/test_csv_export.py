"""CSV exports: UTF-8 with BOM and CRLF, every text cell neutralised against formula injection, numbers kept as
numbers; the shipments CSV of an approved period names its snapshot."""
from __future__ import annotations

import csv
import io

import pytest

from core.errors import PermissionDenied
from core.exchange.csv_export import BOM, cell, csv_bytes, neutralise, shipments_csv
from tests.exchange.exports_support import approved_steel
from tests.factories import context


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_each_dangerous_prefix_is_neutralised(prefix):
    payload = f"{prefix}HYPERLINK(\"http://evil.example\",\"x\")"
    assert neutralise(payload) == "'" + payload
    data = csv_bytes(["h"], [[payload]]).decode("utf-8")
    rows = list(csv.reader(io.StringIO(data.removeprefix(BOM), newline="")))
    assert rows[1] == ["'" + payload]


def test_harmless_text_and_numbers_are_left_alone():
    assert neutralise("Rheinstahl Handel GmbH") == "Rheinstahl Handel GmbH"
    assert neutralise("a=b") == "a=b"  # only a leading character makes a formula
    assert cell(-5.25) == "-5.25"  # a negative number stays a number
    assert cell(1000) == "1000"
    assert cell(None) == ""


def test_bom_crlf_and_header_is_neutralised_too():
    data = csv_bytes(["=SUM(A1)", "b"], [["中文", 1.5]])
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8")
    assert text == BOM + "'=SUM(A1),b\r\n中文,1.5\r\n"


def test_shipments_csv_from_the_frozen_period(sqlite_engine):
    team = approved_steel(sqlite_engine, customer_name="=cmd|' /C calc'!A0")
    with team.ctx(team.viewer) as ctx:
        export = shipments_csv(ctx, period_id=team.period.id, customer_id=team.customer.id, lang="en")
    text = export.content.decode("utf-8")
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))
    assert rows[0][0] == "Snapshot SHA-256" and len(rows) == 1 + export.rows == 3
    for row in rows[1:]:
        assert row[0] == team.period.snapshot_hash
        assert row[3] == "'=cmd|' /C calc'!A0"  # the customer's name, neutralised
        assert float(row[7]) == 1000.0 and float(row[11]) > 0  # quantity and embedded emissions are numbers
    with context(sqlite_engine, team.dpo, team.org) as ctx, pytest.raises(PermissionDenied):
        shipments_csv(ctx, period_id=team.period.id)
