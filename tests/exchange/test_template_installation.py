"""The template's installation sheet carries everything stored: address, city, economic activity, UN/LOCODE,
coordinates, and the operator's authorised representative (the organization's registry signatory) with its
contact; read back from the written cells."""
from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

from core.exchange.overview import template_file
from core.exchange.template import export_template
from tests.exchange.conftest import examples_with_processes
from tests.exchange.exports_support import DETAILS, approved_steel


def _sheet(content: bytes) -> dict[str, object]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("A_InstData").to_python(
        skip_empty_area=False)
    return {f"I{r}": rows[r - 1][8] for r in range(19, 33)}


def test_an_approved_periods_template_carries_the_stored_installation(engine):
    team = approved_steel(engine, stored_details=True)
    with team.ctx(team.viewer) as ctx:
        cells = _sheet(template_file(ctx, period_id=team.period.id).content)
    assert cells["I20"] == "福州热轧厂 Fuzhou hot rolling mill"
    assert cells["I22"] == "Hot rolling of steel (NACE 24.10)"   # economic activity
    assert cells["I25"] == DETAILS.installation_city == "Fuzhou"  # city
    assert cells["I26"] == "China"
    assert cells["I27"] == "CNFOC"                                # UN/LOCODE
    assert cells["I28"] == 26.0 and cells["I29"] == 119.4         # coordinates of the main emission source
    assert cells["I30"] == DETAILS.signatory_name                 # the operator's authorised representative
    assert cells["I19"] == "" and cells["I24"] == ""             # nothing stored for them: left empty


def test_a_scenario_file_names_its_installation_and_contact() -> None:
    data = dict(examples_with_processes()["steel_bof_to_hot_rolled_coil"])
    data["installation"] = {**data["installation"], "address": "88 Gangkou Road", "city": "Fuzhou",
                            "unlocode": "CNFOC", "latitude": 26.05, "longitude": 119.31,
                            "economic_activity": "Steelmaking",
                            "contact": {"name": "Li Na", "email": "li.na@mill.example", "telephone": "+86 591 1234"}}
    cells = _sheet(export_template(data))
    assert (cells["I21"], cells["I22"], cells["I25"], cells["I27"]) == (
        "88 Gangkou Road", "Steelmaking", "Fuzhou", "CNFOC")
    assert (cells["I28"], cells["I29"]) == (26.05, 119.31)
    assert (cells["I30"], cells["I31"], cells["I32"]) == ("Li Na", "li.na@mill.example", "+86 591 1234")
