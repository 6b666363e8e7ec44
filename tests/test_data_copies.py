"""The copies under tests/data equal the files they were taken from, when the project's `shared/` folder is beside
the repository (as on a developer's machine and in CI); a clone with nothing beside it still has every copy."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.paths import DATA, EXAMPLES, OFFICIAL

SOURCE = Path(__file__).resolve().parents[2] / "shared"  # the folder the copies were taken from, when present
COPIES = sorted(p for p in DATA.rglob("*") if p.is_file())


def test_every_copy_the_suite_reads_is_in_the_repository() -> None:
    names = {p.relative_to(DATA).as_posix() for p in COPIES}
    assert {"examples/steel_bof_to_hot_rolled_coil.json", "examples/cement_clinker_and_grinding.json",
            "examples/aluminium_primary_smelter.json", "examples/source_streams.json",
            "official/cbam_default_values_2026-02.csv", "official/cbam_benchmarks_2026-02.csv",
            "official/CBAM Communication template for installations_en_20241213.xlsx",
            "official/QReport_ver23.00.xsd", "official/stypes.xsd"} <= names
    assert EXAMPLES.is_dir() and OFFICIAL.is_dir()


@pytest.mark.parametrize("copy", COPIES, ids=lambda p: p.relative_to(DATA).as_posix())
def test_copy_equals_its_source_when_the_source_is_present(copy: Path) -> None:
    source = SOURCE / copy.relative_to(DATA)
    if not SOURCE.is_dir():
        # Nothing to compare with on a lone clone: the copy itself is what the suite reads.
        assert copy.stat().st_size > 0
        return
    assert source.is_file(), f"{source} is gone: drop or replace the copy"
    assert copy.read_bytes() == source.read_bytes(), f"{copy} differs from {source}"
