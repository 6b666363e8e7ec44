import pytest

from core.validation import (
    uscc_check_char,
    validate_coordinates,
    validate_eori,
    validate_unlocode,
    validate_uscc,
)


@pytest.mark.parametrize("value", ["DE123456789012345", "CN1234", "GB123456789000", "fr12345678901", None, ""])
def test_valid_eori(value):
    assert validate_eori(value) is None


@pytest.mark.parametrize("value,key", [
    ("DE1234567890123456", "validation.eori_format"),   # 18 characters: one too many
    ("D123", "validation.eori_format"),
    ("DE-123", "validation.eori_format"),
    ("ZZ12345", "validation.eori_country"),
])
def test_invalid_eori(value, key):
    assert validate_eori(value)[0] == key


def test_uscc_published_example_is_valid():
    # The example code printed in GB 32100-2015 explanatory material.
    assert validate_uscc("91350100M000100Y43") is None


def test_uscc_check_character_detects_every_single_typo():
    code = "91350100M000100Y43"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for pos in range(17):
        for ch in alphabet:
            if ch == code[pos]:
                continue
            typo = code[:pos] + ch + code[pos + 1:]
            if pos >= 2 and pos < 8 and not ch.isdigit():
                continue  # the region code is numeric: caught by the format check instead
            assert validate_uscc(typo) is not None, typo


@pytest.mark.parametrize("value,key", [
    ("91350100M000100Y4", "validation.uscc_format"),
    ("91350100M000100Y4I", "validation.uscc_format"),   # I is not in the character set
    ("91350100M000100Y44", "validation.uscc_check_digit"),
])
def test_invalid_uscc(value, key):
    assert validate_uscc(value)[0] == key


def test_uscc_check_char_roundtrip():
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("value,country", [("CNSHA", "CN"), ("CN SHA", "CN"), ("DEHAM", None), ("cnsha", "cn")])
def test_valid_unlocode(value, country):
    assert validate_unlocode(value, country) is None


@pytest.mark.parametrize("value,country,key", [
    ("CNSH", "CN", "validation.unlocode_format"),
    ("CNSH1", "CN", "validation.unlocode_format"),       # 0 and 1 are not used in UN/LOCODE
    ("DEHAM", "CN", "validation.unlocode_country_mismatch"),
    ("ZZABC", None, "validation.unlocode_country_unknown"),
])
def test_invalid_unlocode(value, country, key):
    assert validate_unlocode(value, country)[0] == key


def test_coordinates():
    assert validate_coordinates(31.2, 121.5) == {}
    assert validate_coordinates(None, None) == {}
    assert set(validate_coordinates(91, 0)) == {"latitude"}
    assert set(validate_coordinates(0, 181)) == {"longitude"}
    assert set(validate_coordinates(10, None)) == {"longitude"}
