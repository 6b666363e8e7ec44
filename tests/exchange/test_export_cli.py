"""`cbam export xml` and `cbam export pack`: the CLI acts as a named member, with that member's role."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from core.exchange.registry import check_report
from core.settings import get_settings
from db.migrate import upgrade
from db.session import get_engine, make_engine
from tests.exchange.exports_support import approved_steel

DETAILS = ["--declarant-city", "Duisburg", "--installation-city", "Fuzhou", "--signatory", "Jonas Weber",
           "--position", "CBAM officer", "--place", "Duisburg"]


def _team():
    get_settings.cache_clear()
    get_engine.cache_clear()
    url = get_settings().effective_database_url
    upgrade(url)
    return approved_steel(make_engine(url))


def test_export_xml_and_pack(tmp_path: Path):
    team = _team()
    base = ["--org", "Demo Steel Co., Ltd.", "--period", "2026", "--customer", "DE123456789012345"]
    out = tmp_path / "q1.xml"
    r = CliRunner().invoke(app, ["export", "xml", *base, "--as", team.viewer.email, "--quarter", "1", "-o", str(out),
                                 *DETAILS])
    assert r.exit_code == 0, r.output
    assert check_report(out.read_bytes()) == []
    assert team.period.snapshot_hash in r.output

    zpath = tmp_path / "pack.zip"
    r = CliRunner().invoke(app, ["export", "pack", *base, "--as", team.viewer.email, "-o", str(zpath), *DETAILS])
    assert r.exit_code == 2 and "error.permission_denied" in r.output and not zpath.exists()  # a viewer may not send
    r = CliRunner().invoke(app, ["export", "pack", *base, "--as", team.editor.email, "-o", str(zpath), *DETAILS])
    assert r.exit_code == 0, r.output
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(zpath.read_bytes())).read("manifest.json"))
    assert manifest["snapshot"]["sha256"] == team.period.snapshot_hash


def test_problems_are_listed_and_nothing_is_written(tmp_path: Path):
    team = _team()
    out = tmp_path / "q1.xml"
    r = CliRunner().invoke(app, ["export", "xml", "--org", "Demo Steel Co., Ltd.", "--period", "2026/v1",
                                 "--customer", "DE123456789012345", "--as", team.owner.email, "--quarter", "1",
                                 "-o", str(out)])
    assert r.exit_code == 2 and not out.exists()
    err = json.loads(r.output.strip().splitlines()[-1])
    assert err["error"]["key"] == "pack.error.xml_problems"
    assert "The customer's city is required by the registry report." in [p["message"] for p in err["problems"]]
    r = CliRunner().invoke(app, ["export", "xml", "--org", "Nobody Ltd", "--period", "2026", "--customer", "X",
                                 "--as", team.owner.email, "--quarter", "1", "-o", str(out)])
    assert r.exit_code == 2 and "error.not_found" in r.output


def test_export_xml_defaults_to_the_stored_details_and_flags_override(tmp_path: Path):
    get_settings.cache_clear()
    get_engine.cache_clear()
    url = get_settings().effective_database_url
    upgrade(url)
    team = approved_steel(make_engine(url), stored_details=True)
    base = ["export", "xml", "--org", "Demo Steel Co., Ltd.", "--period", "2026", "--customer", "DE123456789012345",
            "--as", team.viewer.email, "--quarter", "1"]
    out = tmp_path / "stored.xml"
    r = CliRunner().invoke(app, [*base, "-o", str(out)])  # no detail flags: the stored ones, frozen with the period
    assert r.exit_code == 0, r.output
    xml = out.read_bytes()
    assert check_report(xml) == [] and b"<Signature>Jonas Weber</Signature>" in xml and b"<City>Fuzhou</City>" in xml
    out2 = tmp_path / "typed.xml"
    r = CliRunner().invoke(app, [*base, "-o", str(out2), "--signatory", "Eva Typed", "--installation-city", "Xiamen"])
    assert r.exit_code == 0, r.output
    typed = out2.read_bytes()
    assert b"<Signature>Eva Typed</Signature>" in typed and b"<City>Xiamen</City>" in typed
    assert b"<City>Duisburg</City>" in typed  # a flag not given keeps the stored value


def test_the_xml_command_says_what_it_is_for():
    from typer.testing import CliRunner

    from cli.main import app

    out = CliRunner().invoke(app, ["export", "xml", "--help"], terminal_width=200).output
    assert "transitional quarterly report" in out and "Q4 2025" in out and "annual CBAM declaration" in out
