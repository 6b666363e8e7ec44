"""Fixtures for the communication-template tests: the examples with processes, exported once per session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.paths import EXAMPLES


def examples_with_processes() -> dict[str, dict]:
    out = {}
    for f in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        if data.get("format") == "cbam-scenario/1" and data.get("processes"):
            out[f.stem] = data
    assert out, f"no scenario with processes under {EXAMPLES}"
    return out


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "reference"
    monkeypatch.setenv("CBAM_DATA_DIR", str(d))
    return d
