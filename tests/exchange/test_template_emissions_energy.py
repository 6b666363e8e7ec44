"""The export fills C_Emissions&Energy's total indirect emissions, which the template says must always be entered
manually: the electricity the processes consumed times its emission factor."""
from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from core.exchange.template import export_template
from tests.exchange.conftest import examples_with_processes


@pytest.mark.parametrize("name", sorted(examples_with_processes()))
def test_total_indirect_emissions_written(name):
    data = examples_with_processes()[name]
    wb = CalamineWorkbook.from_filelike(io.BytesIO(export_template(data)))
    rows = wb.get_sheet_by_name("C_Emissions&Energy").to_python(skip_empty_area=False)
    want = sum((p.get("electricity") or {}).get("consumed_MWh", 0.0) * (p.get("electricity") or {}).get("ef", 0.0)
               for p in data["processes"])
    assert rows[25][12] == pytest.approx(want)  # M26
