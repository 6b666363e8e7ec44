"""`cbam privacy export|erase|replay-erasures` act through the same services and permission as the page."""
from __future__ import annotations

import json
import zipfile

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.factories import add_member, make_user
from tests.privacy.golden import SUBJECT, plant
from tests.support.connections import point_commands_at


@pytest.fixture
def cli(engine, monkeypatch):
    point_commands_at(engine, monkeypatch)
    return lambda *args: CliRunner().invoke(app, ["privacy", *args])


def test_export_erase_and_replay_from_the_command_line(engine, cli, tmp_path):
    subject = plant(engine, SUBJECT, org_name="Golden Steel")
    dpo = make_user(engine, email="dpo@golden.example", name="Data Officer")
    add_member(engine, subject.owner, subject.org_id, dpo, "dpo")
    out = tmp_path / "out.zip"
    res = cli("export", subject.email, "--as", dpo.email, "-o", str(out))
    assert res.exit_code == 0, res.output
    assert subject.email in zipfile.ZipFile(out).read("data.json").decode()
    res = cli("erase", subject.email, "--as", subject.email)  # not a DPO
    assert res.exit_code == 2 and "privacy.error.not_dpo" in res.output
    res = cli("erase", subject.email, "--as", dpo.email, "--dry-run")
    assert res.exit_code == 0 and json.loads(res.output)["dry_run"] is True
    res = cli("erase", subject.email, "--as", dpo.email)
    receipt = json.loads(res.output)
    assert receipt["deleted"]["app_user"] == 1 and receipt["files_removed"] == 1
    assert receipt["retained"]["audit_event"]["reason"] == "privacy.reason.audit_log"
    assert json.loads(cli("erase", subject.email, "--as", dpo.email).output)["already_erased"] is True
    res = cli("replay-erasures")
    assert res.exit_code == 0 and json.loads(res.output) == []  # nobody came back
