"""Where the tests read the worked examples and the Commission's files: copies inside the repository.

The suite must pass on a clone with nothing beside it, so it never reads `../shared`; `tests/test_data_copies.py`
checks that each copy still equals its source when `../shared` happens to be there.
"""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLES = DATA / "examples"   # copies of ../shared/examples (the worked CBAM cases in cbam-scenario/1)
OFFICIAL = DATA / "official"   # copies of the ../shared/official files the tests compare against
