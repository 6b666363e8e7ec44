"""Recalculate a workbook with headless LibreOffice (Debian `libreoffice-calc-nogui`), as a proof tool.

LibreOffice keeps an .xlsx file's cached results unless told otherwise: a private user profile sets
`Calc/Formula/Load/OOXMLRecalcMode` to 0 ("always recalculate") in registrymodifications.xcu. Each run uses its
own profile directory, since concurrent runs sharing one profile clash.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(files: list[Path], outdir: Path, *, timeout: float = 300) -> list[Path]:
    """Each file opened, fully recalculated and saved as .xlsx into outdir (one LibreOffice run for all)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-") as profile:
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, files)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    out = [outdir / f.name for f in files]
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no output for {missing}")
    return out
