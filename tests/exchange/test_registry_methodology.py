"""Registry XML: the methodology names the act that applies to the year, the installation operator is written
where the data has all the XSD requires, and the production method's qualifying parameters are written; each
report validated against the Commission's XSD v23.00."""
from __future__ import annotations

import copy

from lxml import etree

from core.exchange.registry import Operator, build_qreport, check_report, report_problems
from core.exchange.registry import codes as c
from core.exchange.registry.schema import xsd_errors
from tests.exchange.conftest import examples_with_processes
from tests.exchange.test_registry import N, _data

OPERATOR = Operator("91350100MA2XXXXX1", "Fuzhou Aluminium Co., Ltd.", "CN", "Fuzhou", street="88 Gangkou Road",
                    contact_name="Li Na", contact_phone="+86 591 1234", contact_email="li.na@mill.example")


def _valid(d) -> etree._Element:
    assert report_problems(d) == []
    xml = build_qreport(d)
    assert xsd_errors(xml) == []
    assert check_report(xml, [ln.shipped_on for ln in d.lines]) == []
    return etree.fromstring(xml)


def _methods(root) -> set[str]:
    return {e.text for e in root.iter(N + "ApplicableReportingMethodology")}


def test_the_methodology_names_the_act_of_the_year():
    steel = copy.deepcopy(examples_with_processes()["steel_bof_to_hot_rolled_coil"])
    assert steel["reporting_year"] == 2026
    actual_2026 = [m for m in _methods(_valid(_data(steel, 1))) if "process" in m]
    assert actual_2026 and all(m.startswith("Impl. Reg. (EU) 2025/2547;") for m in actual_2026)
    steel["reporting_year"] = 2025
    actual_2025 = [m for m in _methods(_valid(_data(steel, 1))) if "process" in m]
    assert actual_2025 and all(m.startswith("Impl. Reg. (EU) 2023/1773 Annex III;") for m in actual_2025)
    assert c.methodology_act(2023) == c.methodology_act(2025) != c.methodology_act(2026) == c.methodology_act(2030)


def test_operator_written_when_complete_and_valid():
    alu = examples_with_processes()["aluminium_primary_smelter"]
    root = _valid(_data(alu, 1, operator=OPERATOR))
    ops = list(root.iter(N + "InstallationOperator"))
    assert ops and all(o.findtext(N + "OperatorName") == "Fuzhou Aluminium Co., Ltd." for o in ops)
    assert ops[0].find(N + "ContactDetails").findtext(N + "Email") == "li.na@mill.example"
    assert ops[0].find(N + "OperatorAddress").findtext(N + "City") == "Fuzhou"
    # without a phone (the XSD requires one per contact) the operator is left out, and the report stays valid
    no_phone = Operator(**{**{f: getattr(OPERATOR, f) for f in OPERATOR.__slots__}, "contact_phone": ""})
    assert not list(_valid(_data(alu, 1, operator=no_phone)).iter(N + "InstallationOperator"))


def test_qualifying_parameters_of_the_production_method():
    alu = copy.deepcopy(examples_with_processes()["aluminium_primary_smelter"])
    p = alu["processes"][0]
    p["route"] = "Secondary melting (recycling)"
    p["qualifying_parameters"] = {"t scrap per t aluminium": 0.85, "% pre-consumer scrap": 10}
    root = _valid(_data(alu, 1))
    q = next(root.iter(N + "ProdMethodQualifyingParams"))
    assert q.findtext(N + "MethodId") == "P10"
    assert q.findtext(N + "AdditionalInformation") == "t scrap per t aluminium: 0.85; % pre-consumer scrap: 10"

    steel = copy.deepcopy(examples_with_processes()["steel_bof_to_hot_rolled_coil"])
    for proc in steel["processes"]:
        proc["qualifying_parameters"] = {"% Mn": 1.2, "t scrap per t steel": 0.15}
    root = _valid(_data(steel, 1))
    # no method code known for the route: the parameters are a remark of the emissions instead
    remarks = [e.text for e in root.iter(N + "AdditionalInformation")]
    assert any(r == "Qualifying parameters of the production method: % Mn: 1.2; t scrap per t steel: 0.15"
               for r in remarks), remarks
