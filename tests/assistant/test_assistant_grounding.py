"""The grounding guard: a number in an answer is accepted only when a tool result of the turn contains it, written
in any of the usual ways."""
from decimal import Decimal

import pytest

from core.assistant.grounding import Grounding, numbers_in

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


def test_numbers_are_read_as_written():
    assert numbers_in("SEE 1.37 tCO2e/t, cost EUR 1,234.50 (12.5 %), CN 72083900") == [
        "1.37", "1,234.50", "12.5 %", "72083900"]
    assert numbers_in("２０２６年 共１２３份") == ["2026", "123"]  # full-width digits


@pytest.mark.parametrize(("tool", "shown"), [
    (1234.5, "1,234.5"), (1234.5, "1234.50"), (Decimal("1234.50"), "1,234.5"), (0.125, "12.5%"),
    (12.5, "12.5 %"), (1.3704, "1.37"), (1.3704, "1.3704"), (76.0, "76"), (2026, "2026"),
    ("72083900", "72083900"), (12345.67, "12,346"), ("Art. 2a", "2"), (1.0, "1"),
])
def test_a_tool_number_in_any_usual_format_is_grounded(tool, shown):
    assert Grounding([tool]).grounded(shown)


@pytest.mark.parametrize(("tool", "shown"), [
    (1.3704, "1"),      # rounding a small number to a whole one hides what it is
    (1.3704, "1.38"),   # a wrong rounding
    (1234.5, "1,235.5"),
    (0.125, "13%"),
    (72083900, "72083901"),
    (2026, "2025"),
])
def test_any_other_number_is_not(tool, shown):
    assert not Grounding([tool]).grounded(shown)


def test_ungrounded_lists_the_invented_numbers():
    g = Grounding([1.37, 2026, "DQ07: electricity factor 0.581 outside 0.0 – 1.5"])
    text = "In 2026 the SEE is 1.37 tCO2e/t; DQ07 says 0.581 is out of range; savings of 42,000 EUR."
    assert g.ungrounded(text) == ["42,000"]
    assert g.ungrounded("0.0至1.5，0.581") == []
    assert g.ungrounded("第7条") == ["7"]  # "DQ07" names a rule; it grounds no number 7
