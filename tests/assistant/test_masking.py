"""What is masked before a question's context goes to an AI service: names, e-mail addresses and phone numbers —
never the ids, codes, dates and figures the answer is built from."""
from __future__ import annotations

import pytest

from core.assistant.provider import Masker

MASK = Masker(names=["Wang Li"])


@pytest.mark.parametrize(("text", "masked"), [
    ("call +86 138 0000 7778 now", "call [phone] now"),
    ("mobile 13800007778", "mobile [phone]"),
    ("tel 010-12345678.", "tel [phone]."),
    ("+49 30 1234567", "[phone]"),
    ("Wang Li at wl@example.cn", "[name] at [email]"),
])
def test_personal_data_is_masked(text, masked):
    assert MASK(text) == masked


@pytest.mark.parametrize("text", [
    "period 38479f6f-7aac-4d51-9c60-089948958068",  # a UUID's last group is 12 digits: no phone
    "on 2026-12-01 and 2026-12-01 09:30",
    "1234567.891 t and 0.12345678901234 tCO2e/t",
    "CN 72083900, 7208 39 00 and TARIC 2523100010",
])
def test_ids_codes_dates_and_figures_are_left_as_they_are(text):
    assert MASK(text) == text
