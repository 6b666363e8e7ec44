"""Records of processing, generated from the data map and the registers: the CSV and the XLSX hold every purpose
of the data map and every registered processor (in effect, announced or removed), in Chinese and in English; only
the DPO exports them."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from core.clock import FixedClock
from core.errors import PermissionDenied
from core.i18n import t
from core.privacy.datamap import data_map
from core.privacy.registers import processors as reg
from core.privacy.registers import records
from tests.factories import add_member, context, make_operator, make_org, make_user
from tests.support.connections import point_commands_at

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _data(service, **kw):  # noqa: ANN001, ANN003
    return reg.ProcessorData(service=service, purpose_zh=f"{service}用途", purpose_en=f"{service} purpose", **kw)


@pytest.fixture
def world(engine):
    owner = make_user(engine, name="Owner")
    org = make_org(engine, owner)
    dpo = make_user(engine, name="Officer")
    add_member(engine, owner, org, dpo, "dpo")
    make_operator(org)
    clock = FixedClock(DAY)
    with context(engine, dpo, org, clock=clock) as ctx:
        reg.add_processor(ctx, _data("Supabase", region="cn-north-1"))
        ai = reg.add_processor(ctx, _data("Example AI", region="us-east", abroad=True, mechanism="standard_contract"))
        reg.add_processor(ctx, _data("Later Mail", data_types_en="Contact", fields_en="E-mail"),
                          effective_on=date(2026, 5, 1))
        gone = reg.add_processor(ctx, _data("Old CDN"))
    with context(engine, dpo, org, clock=clock) as ctx:
        reg.remove_processor(ctx, gone.processor_key)
    return engine, owner, org, dpo, clock, ai


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # spreadsheet programs read the UTF-8 then
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_rows(data: bytes) -> list[list[str]]:
    ws = load_workbook(io.BytesIO(data)).active
    return [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_and_xlsx_hold_every_purpose_and_every_processor(world, lang):
    engine, owner, org, dpo, clock, ai = world
    with context(engine, dpo, org, clock=clock) as ctx:
        got = {"csv": _csv_rows(records.records_csv(ctx, lang)), "xlsx": _xlsx_rows(records.records_xlsx(ctx, lang))}
    purposes = {t(f"privacy.{e.purpose}", lang) for e in data_map() if e.purpose}
    assert t("privacy.purpose.transfer_register", lang) in purposes and len(purposes) >= 10
    for kind, rows in got.items():
        header, body = rows[0], rows[1:]
        assert header == [t(f"privacy.records.col.{c}", lang) for c in records.COLUMNS], kind
        col = {c: header.index(t(f"privacy.records.col.{c}", lang)) for c in records.COLUMNS}
        activities = [r for r in body if r[col["kind"]] == t("privacy.records.kind.activity", lang)]
        processors = [r for r in body if r[col["kind"]] == t("privacy.records.kind.processor", lang)]
        assert {r[col["purpose"]] for r in activities} == purposes, kind
        assert {r[col["name"]] for r in processors} == {"Supabase", "Example AI", "Later Mail", "Old CDN"}, kind
        # each activity names its legal basis, retention and columns, and the processors in effect as recipients
        for r in activities:
            assert r[col["legal_basis"]] and r[col["retention"]] and r[col["data"]], (kind, r)
            assert "Supabase" in r[col["recipients"]] and "Later Mail" not in r[col["recipients"]]
            assert "Example AI" in r[col["transfer"]] and "Old CDN" not in r[col["recipients"]]
        assert any("app_user.email" in r[col["data"]] for r in activities)
        by_name = {r[col["name"]]: r for r in processors}
        assert by_name["Example AI"][col["transfer"]] == t("privacy.mechanism.standard_contract", lang)
        assert by_name["Later Mail"][col["version"]].endswith(t("privacy.records.state.pending", lang))
        assert by_name["Old CDN"][col["version"]].startswith("2 ")
        assert by_name["Old CDN"][col["version"]].endswith(t("privacy.records.state.removed", lang))
        assert by_name["Supabase"][col["purpose"]] == ("Supabase用途" if lang == "zh" else "Supabase purpose")
    if lang == "zh":
        assert "处理活动" in got["csv"][1][0] and "Processing activity" not in str(got["csv"])


def test_only_the_dpo_exports_the_records(world):
    engine, owner, org, dpo, clock, ai = world
    with context(engine, owner, org, clock=clock) as ctx:
        with pytest.raises(PermissionDenied):
            records.records_csv(ctx, "en")
        with pytest.raises(PermissionDenied):
            records.records_xlsx(ctx, "en")


def test_the_command_line_writes_xlsx_and_csv(world, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app
    from core.settings import get_settings
    from db.session import get_engine

    engine = world[0]
    point_commands_at(engine, monkeypatch)
    try:
        runner = CliRunner()
        res = runner.invoke(app, ["privacy", "records", "-o", str(tmp_path / "r.xlsx")])
        assert res.exit_code == 0, res.output
        names = {r[1] for r in _xlsx_rows((tmp_path / "r.xlsx").read_bytes())}
        assert {"Supabase", "Example AI", "Later Mail", "Old CDN"} <= names
        res = runner.invoke(app, ["privacy", "records", "-o", str(tmp_path / "r.csv"), "--lang", "en"])
        assert res.exit_code == 0 and '"rows"' in res.output
        rows = _csv_rows((tmp_path / "r.csv").read_bytes())
        assert rows[0][0] == "Record" and {"Supabase", "Old CDN"} <= {r[1] for r in rows}
        res = runner.invoke(app, ["privacy", "records", "-o", str(tmp_path / "r.pdf")])
        assert res.exit_code == 2
    finally:
        get_settings.cache_clear()
        get_engine.cache_clear()
