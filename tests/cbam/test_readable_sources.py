"""Issue 12: "why this number" names each source as a person reads it: the act in words, in the reader's language,
never an internal reference ("domain ref §…"), an abbreviation, or "scenario"."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.cbam import evaluate_data
from core.cbam.explain import readable_source
from tests.support.paths import EXAMPLES

SCENARIOS = ("steel_bof_to_hot_rolled_coil.json", "cement_clinker_and_grinding.json",
             "aluminium_primary_smelter.json")
# what may stay in Latin letters in Chinese: EU/EC, roman numerals of annexes, the template's sheet names, and
# the letters of article and point numbers (6(2)(c), 10a(1a), A.3)
_ALLOWED = re.compile(r"\(EU\)|/EC|\b[IVX]+\b|[A-Z]\w*_\w+|v2\.1\.1|\b\d+[a-z]?\(\d*[a-z]*\)(?:\([a-z]\))?|\b[A-B]\.\d|\b[A-B]\b")


ELECTRICITY = Path(__file__).parent / "data" / "electricity_serbia_2026.json"


def _sources() -> set[str]:
    out = set()
    for path in [EXAMPLES / name for name in SCENARIOS] + [ELECTRICITY]:
        ev = evaluate_data(json.loads(path.read_text(encoding="utf-8")))
        data = ev.to_dict() if hasattr(ev, "to_dict") else ev
        text = json.dumps(data, default=str, ensure_ascii=False)
        out |= set(re.findall(r'"source": "([^"]+)"', text))
    return out


def test_the_examples_carry_sources_to_read():
    assert len(_sources()) >= 5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_source_reads_as_a_legal_citation(lang):
    for source in sorted(_sources()):
        shown = readable_source(source, lang)
        assert shown, source
        assert "domain ref" not in shown and "scenario" not in shown and "Impl." not in shown, shown
        assert not re.search(r"\bReg\.|\bArt\.|\bEqs?\.", shown), shown
        if lang == "zh":
            rest = _ALLOWED.sub("", shown)
            assert not re.search(r"[A-Za-z]{3,}", rest), (source, shown)


def test_entered_values_and_internal_references():
    assert readable_source("scenario", "en") == "Entered on this period's pages"
    assert readable_source("scenario", "zh") == "本报告期页面中录入的数据"
    assert readable_source("Impl. Reg. (EU) 2025/2547 Annex I 3.1 (cross-sector rule), domain ref §1.1", "en") == \
        "Implementing Regulation (EU) 2025/2547 Annex I 3.1 (cross-sector rule)"
    assert readable_source("Impl. Reg. (EU) 2025/2620 Annex, via domain ref §3.2", "zh") == "实施条例（EU）2025/2620 附件"
