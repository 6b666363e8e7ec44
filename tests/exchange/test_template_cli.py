"""`cbam template export` / `cbam template import` end to end, and the capacity error on the command line."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from tests.exchange.conftest import EXAMPLES


def test_export_then_import(tmp_path: Path) -> None:
    out, back = tmp_path / "out.xlsx", tmp_path / "back.json"
    r = CliRunner().invoke(app, ["template", "export", str(EXAMPLES / "steel_bof_to_hot_rolled_coil.json"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["template", "import", str(out), "-o", str(back)])
    assert r.exit_code == 0, r.output
    data = json.loads(back.read_text(encoding="utf-8"))
    assert [p["id"] for p in data["processes"]] == ["P1", "P2"]
    assert data["purchased_precursors"][0]["cn_code"] == "72011011"


def test_import_of_garbage_is_a_translated_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"nope")
    r = CliRunner().invoke(app, ["template", "import", str(bad), "-o", str(tmp_path / "x.json")])
    assert r.exit_code == 2
    assert "exchange.error.not_a_workbook" in r.output and not (tmp_path / "x.json").exists()
