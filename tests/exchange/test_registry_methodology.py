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


def test_the_stored_operator_contact_reaches_the_xml_and_the_template(engine):
    import io

    from python_calamine import CalamineWorkbook

    from core.exchange.overview import template_file
    from core.exchange.registry import registry_report
    from core.organizations import OrganizationData, get_organization, update_organization
    from tests.exchange.exports_support import approved_steel
    from tests.factories import sign_off

    team = approved_steel(engine, stored_details=True, approve=False)
    with team.ctx() as ctx:
        o = get_organization(ctx)
        update_organization(ctx, OrganizationData(
            name_zh=o.name_zh, name_en=o.name_en, eori=o.eori or "", uscc="91350100M000100Y43", address="8 Mill Road",
            industry=o.industry or "other", signatory_name=o.signatory_name, signatory_position=o.signatory_position,
            signature_place=o.signature_place, city="Fuzhou", contact_phone="+86 591 8888 0000",
            contact_email="cbam@demo-steel.example"), expected_version=o.version)
    period = sign_off(engine, team.org, team.period.id, submitter=team.editor, approver=team.owner)
    with team.ctx(team.viewer) as ctx:
        report = registry_report(ctx, period_id=period.id, customer_id=team.customer.id, quarter=1)
        tpl = template_file(ctx, period_id=period.id).content
    assert report.problems == [] and xsd_errors(report.xml) == []
    op = next(etree.fromstring(report.xml).iter(N + "InstallationOperator"))
    assert op.findtext(N + "OperatorId") == "91350100M000100Y43"
    assert op.findtext(N + "OperatorName") == "Demo Steel Co., Ltd."
    assert op.find(N + "OperatorAddress").findtext(N + "City") == "Fuzhou"
    contact = op.find(N + "ContactDetails")
    assert [contact.findtext(N + k) for k in ("Name", "Phone", "Email")] == [
        "Jonas Weber", "+86 591 8888 0000", "cbam@demo-steel.example"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(tpl)).get_sheet_by_name("A_InstData").to_python(
        skip_empty_area=False)
    assert [rows[r - 1][8] for r in (30, 31, 32)] == ["Jonas Weber", "cbam@demo-steel.example", "+86 591 8888 0000"]
