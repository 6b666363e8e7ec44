"""Fixtures for the CBAM engine tests: the shipped reference data and an isolated user data directory."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.cbam import ReferenceData, load_reference


@pytest.fixture(scope="session")

def ref() -> ReferenceData:
    return load_reference(data_dir=Path("/nonexistent-cbam-data-dir"))


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the developer's data/reference/."""
    d = tmp_path / "reference"
    monkeypatch.setenv("CBAM_DATA_DIR", str(d))
    return d
