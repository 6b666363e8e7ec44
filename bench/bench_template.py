"""Communication template: time to export one installation (target < 1.5 s), to import a filled template, and
python-calamine alone reading the same file (target: import within 2x), measured in the same run.

    PYTHONPATH=. .venv/bin/python bench/bench_template.py
"""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

from core.exchange.template import export_template, import_template

EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "steel_bof_to_hot_rolled_coil.json"


def best(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    export_template(data)  # warm the template cache (hash check, code lists)
    xlsx = export_template(data)
    t_export = best(lambda: export_template(data))
    t_import = best(lambda: import_template(xlsx))

    def calamine_only() -> None:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(xlsx))
        for name in ("A_InstData", "B_EmInst", "D_Processes", "E_PurchPrec", "Summary_Products"):
            wb.get_sheet_by_name(name).to_python(skip_empty_area=False)

    t_cal = best(calamine_only)
    print(f"export one installation: {t_export:.3f} s (target < 1.5 s)")
    print(f"import filled template:  {t_import:.3f} s")
    print(f"calamine alone (same 5 sheets): {t_cal:.3f} s  → import / calamine = {t_import / t_cal:.2f}x (target ≤ 2x)")


if __name__ == "__main__":
    main()
