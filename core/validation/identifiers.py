"""EORI, Unified Social Credit Code (统一社会信用代码), UN/LOCODE, country codes, coordinates.

Codes are matched whole (`fullmatch`: `$` would also match before a trailing newline) against ASCII classes
(`[0-9]`, not `\\d`, which takes Arabic-Indic and other digits; non-ASCII input is refused before `upper()`,
which turns "ﬁ" into "FI").
"""
from __future__ import annotations

import re

Error = tuple[str, dict[str, object]] | None

# ISO 3166-1 alpha-2 (officially assigned codes), plus XK (Kosovo, used by the EU) for EORI/registry data.
COUNTRIES: frozenset[str] = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK
""".split())

# EORI: the issuing country's code followed by up to 15 alphanumeric characters (Commission Implementing
# Regulation (EU) 2015/2447, Annex 12-01, data element 3/2: an..17). Greece issues EORI numbers under "GR".
_EORI = re.compile(r"[A-Z]{2}[A-Z0-9]{1,15}")


def validate_eori(value: str | None) -> Error:
    if not value:
        return None
    v = value.strip().upper()
    if not value.isascii() or not _EORI.fullmatch(v):
        return ("validation.eori_format", {"value": value})
    if v[:2] not in COUNTRIES:
        return ("validation.eori_country", {"country": v[:2]})
    return None


# GB 32100-2015 (法人和其他组织统一社会信用代码编码规则): 18 characters from a 31-character set without
# I, O, Z, S, V; character 18 is a check character computed modulo 31 with these weights.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ... (3^i mod 31)
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(value: str | None) -> Error:
    if not value:
        return None
    v = value.strip().upper()
    if len(v) != 18 or not value.isascii() or not _USCC.fullmatch(v):
        return ("validation.uscc_format", {"value": value})
    if uscc_check_char(v[:17]) != v[17]:
        return ("validation.uscc_check_digit", {"value": value})
    return None


# UN/LOCODE: ISO country code + 3 characters from A–Z and 2–9 (UNECE Recommendation No. 16).
_UNLOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")


def validate_unlocode(value: str | None, country: str | None = None) -> Error:
    if not value:
        return None
    v = value.replace(" ", "").upper()
    if not value.isascii() or not _UNLOCODE.fullmatch(v):
        return ("validation.unlocode_format", {"value": value})
    if v[:2] not in COUNTRIES:
        return ("validation.unlocode_country_unknown", {"country": v[:2]})
    if country and v[:2] != country.upper():
        return ("validation.unlocode_country_mismatch", {"value": v, "country": country.upper()})
    return None


def validate_country(value: str | None) -> Error:
    if not value:
        return ("validation.required", {})
    if not value.isascii() or value.upper() not in COUNTRIES:
        return ("validation.country_unknown", {"value": value})
    return None


def validate_coordinates(lat: float | None, lon: float | None) -> dict[str, Error]:
    errors: dict[str, Error] = {}
    if (lat is None) != (lon is None):
        errors["latitude" if lat is None else "longitude"] = ("validation.coordinates_pair", {})
    if lat is not None and not -90 <= lat <= 90:
        errors["latitude"] = ("validation.latitude_range", {"value": lat})
    if lon is not None and not -180 <= lon <= 180:
        errors["longitude"] = ("validation.longitude_range", {"value": lon})
    return errors
