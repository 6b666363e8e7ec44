"""The shipped registry XSD (QReport v23.00 with its stypes.xsd), checked by SHA-256 at load, and XSD validation."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from lxml import etree

from core.exchange.errors import ExchangeError

DATA = Path(__file__).parent / "data"
# SHA-256 of the Commission's "CBAM XSD Version 23.00" files as shipped in ../shared/official/.
XSD_FILES = {
    "QReport_ver23.00.xsd": "8d5f9cfa1126eae81d6a12976d42fde3b1ba658f7107ef1b8194e2190b53070e",
    "stypes.xsd": "d9efc4c9e29669910bbb903f2ce4099dc12ddea0825f02d161dc728a5507bd0b",
}
SCHEMA_VERSION = "23.00"


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The QReport schema; refused if a shipped file is not byte for byte the Commission's."""
    for name, digest in XSD_FILES.items():
        if hashlib.sha256((DATA / name).read_bytes()).hexdigest() != digest:
            raise ExchangeError("registry.error.xsd_modified", path=str(DATA / name))
    # stypes.xsd is included by its relative schemaLocation, resolved beside the main file.
    return etree.XMLSchema(etree.parse(str(DATA / "QReport_ver23.00.xsd")))


def xsd_errors(xml: bytes) -> list[tuple[int, str]]:
    """(line, message) of every XSD violation; empty when the document is valid."""
    s = schema()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.fromstring(xml, parser).getroottree()
    if s.validate(doc):
        return []
    return [(e.line, e.message) for e in s.error_log]
