"""Checks on zip-based uploads (xlsx, docx) made before anything is stored or unpacked.

A zip file declares every entry's compressed and uncompressed size in its central directory; `zipfile` never
inflates an entry past its declared size (it stops and the CRC check fails), so the declared sizes bound what any
later reader of the file can be made to unpack. We refuse a file whose declarations are a decompression bomb:
too many entries, too much in total, or an entry that inflates far more than real documents do.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from core.errors import DomainError

# Limits. A large real workbook (100k rows) has ~20 entries and inflates ~10x; Office documents stay far below
# these. Deflate cannot exceed ~1032:1, the classic bombs (42.zip, overlapping-entry bombs) sit near that or
# declare gigabytes in total.
MAX_ENTRIES = 5_000
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024   # bytes, all entries together
MAX_RATIO = 200                              # uncompressed / compressed, for an entry ...
RATIO_FLOOR = 1024 * 1024                    # ... that inflates to more than this (tiny entries may compress well)
MAX_MEMBER_READ = 2 * 1024 * 1024            # the most we ever read of one entry to look inside ([Content_Types].xml)


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = MAX_ENTRIES
    max_total_uncompressed: int = MAX_TOTAL_UNCOMPRESSED
    max_ratio: int = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise DomainError("evidence.error_zip_damaged") from exc


def check_zip(zf: zipfile.ZipFile, limits: ZipLimits | None = None) -> None:
    """Refuse a decompression bomb or a hostile archive, judging only the central directory (nothing inflated)."""
    limits = limits or ZipLimits()
    entries = zf.infolist()
    if len(entries) > limits.max_entries:
        raise DomainError("evidence.error_zip_entries", count=len(entries), max=limits.max_entries)
    total = 0
    names: set[str] = set()
    for e in entries:
        name = e.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise DomainError("evidence.error_zip_path", name=e.filename[:100])
        if name.lower() in names:
            raise DomainError("evidence.error_zip_path", name=e.filename[:100])
        names.add(name.lower())
        if e.flag_bits & 0x1:
            raise DomainError("evidence.error_zip_encrypted")
        total += e.file_size
        if total > limits.max_total_uncompressed:
            raise DomainError("evidence.error_zip_bomb", size=total // (1024 * 1024),
                              max=limits.max_total_uncompressed // (1024 * 1024))
        if e.file_size > limits.ratio_floor and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise DomainError("evidence.error_zip_ratio", name=e.filename[:100],
                              ratio=e.file_size // max(e.compress_size, 1), max=limits.max_ratio)


def read_member(zf: zipfile.ZipFile, name: str, limit: int = MAX_MEMBER_READ) -> bytes | None:
    """One entry's bytes, at most `limit` of them (None when absent; refused when larger)."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise DomainError("evidence.error_zip_bomb", size=info.file_size // (1024 * 1024), max=limit // (1024 * 1024))
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise DomainError("evidence.error_zip_bomb", size=len(data) // (1024 * 1024), max=limit // (1024 * 1024))
    return data
