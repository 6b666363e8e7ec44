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
        assert float(row[7]) == 1000.0 and float(row[13]) > 0  # quantity and embedded emissions are numbers
    with context(sqlite_engine, team.dpo, team.org) as ctx, pytest.raises(PermissionDenied):
        shipments_csv(ctx, period_id=team.period.id)


def test_computed_numbers_carry_no_binary_noise():
    from core.dashboards.csv_export import to_csv

    noisy = 0.1 + 0.2  # 0.30000000000000004
    assert cell(noisy) == "0.3" and cell(3.3000000000000003) == "3.3"
    assert cell(1234567.891) == "1234567.891" and cell(5e-05) == "0.00005" and cell(-0.0) == "0"
    assert to_csv(["x"], [[noisy]]).decode("utf-8-sig") == "x\r\n0.3\r\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shipments_csv_totals_agree_with_the_engine(sqlite_engine, lang):
    from decimal import Decimal

    from core.cbam import evaluate_data
    from core.exchange.frozen import load_frozen
    from core.i18n import t

    team = approved_steel(sqlite_engine)
    with team.ctx(team.viewer) as ctx:
        export = shipments_csv(ctx, period_id=team.period.id, lang=lang)
        ev = evaluate_data(load_frozen(ctx, team.period.id).scenario)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8").removeprefix(BOM), newline="")))[1:]
    assert rows
    certificates = sum(float(r[14]) for r in rows)
    assert certificates == pytest.approx(ev.total_certificates, rel=1e-12)
    if ev.total_cost_eur is not None:
        assert sum(Decimal(r[16]) for r in rows) == pytest.approx(ev.total_cost_eur)
    for r in rows:
        assert r[8] in {t("entry.basis.actual", lang), t("entry.basis.default", lang)}
        for text in (r[7], r[10], r[11], r[12], r[13], r[14]):  # no cell written with more digits than a double holds
            assert len(text.lstrip("-").replace(".", "").lstrip("0")) <= 15, text
