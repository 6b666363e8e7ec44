"""The registry report: built from the worked examples and from an approved demo steel period, valid against the
shipped XSD v23.00, and each code rule the XSD cannot state refusing a crafted report."""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from lxml import etree

from core.errors import DomainError, PermissionDenied
from core.exchange.registry import (
    XSD_FILES,
    Line,
    Party,
    ReportData,
    Signatory,
    Site,
    build_qreport,
    build_report,
    check_report,
    registry_report,
    report_problems,
    schema,
    xsd_errors,
)
from core.exchange.registry import codes as c
from core.exchange.registry.schema import DATA
from tests.exchange.conftest import examples_with_processes
from tests.exchange.exports_support import DETAILS, approved_steel
from tests.support.paths import OFFICIAL

N = f"{{{c.NAMESPACE}}}"
SHIP_DAY = {1: date(2026, 2, 15), 2: date(2026, 5, 15), 3: date(2026, 8, 15), 4: date(2026, 11, 15)}


def _data(scenario: dict, quarter: int, **over) -> ReportData:
    inst = scenario["installation"]
    year = scenario["reporting_year"]
    lines = [Line(i["cn_code"], float(i["quantity"]), i["basis"], i.get("process"), i.get("country") or inst["country"],
                  SHIP_DAY[quarter].replace(year=year))
             for i in scenario.get("imports", []) if i.get("quarter", 1) == quarter]
    fields = dict(scenario=scenario, year=year, quarter=quarter,
                  declarant=Party("DE123456789012345", "Rheinstahl Handel GmbH", "DE", "Duisburg"),
                  site=Site("INST0001", inst["name"], inst["country"], "Fuzhou", latitude=26.0, longitude=119.4),
                  lines=lines, signatory=Signatory("Jonas Weber", "CBAM officer", "Duisburg"),
                  submitted_at=datetime(year, 3 * quarter, 28, tzinfo=UTC), snapshot="ab" * 32)
    fields.update(over)
    return ReportData(**fields)


def _quarters(scenario):
    return sorted({i.get("quarter", 1) for i in scenario.get("imports", [])})


def test_shipped_xsd_is_the_commissions():
    for name, digest in XSD_FILES.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest
        assert (DATA / name).read_bytes() == (OFFICIAL / name).read_bytes()
    assert schema() is not None


@pytest.mark.parametrize("name", sorted(examples_with_processes()))
def test_every_example_builds_a_valid_report(name):
    scenario = examples_with_processes()[name]
    built = 0
    for q in _quarters(scenario):
        d = _data(scenario, q)
        assert report_problems(d) == []
        xml = build_qreport(d)
        assert xsd_errors(xml) == []
        assert check_report(xml, [ln.shipped_on for ln in d.lines]) == []
        root = etree.fromstring(xml)
        total = sum(float(m.text) for m in root.iter(N + "MeasureImported") for m in m.iter(N + "NetMass"))
        assert total == pytest.approx(sum(ln.quantity for ln in d.lines))
        built += 1
    assert built or not scenario.get("imports")


def test_steel_example_numbers_are_the_engines():
    from core.cbam import evaluate_data

    scenario = examples_with_processes()["steel_bof_to_hot_rolled_coil"]
    ev = evaluate_data(scenario)
    root = etree.fromstring(build_qreport(_data(scenario, 1)))
    actual = [g for g in root.iter(N + "GoodsEmissions")
              if g.findtext(f"{N}DirectEmissions/{N}DeterminationType") == c.DETERMINATION_ACTUAL]
    assert len(actual) == 1
    see = float(actual[0].findtext(f"{N}DirectEmissions/{N}SpecificEmbeddedEmissions"))
    assert see == pytest.approx(ev.processes["P2"].see_direct, abs=1e-7)
    assert "ab" * 32 in root.findtext(f"{N}Remarks/{N}AdditionalInformation")  # names the snapshot


def test_xsd_catches_what_the_builder_must_not_write():
    scenario = examples_with_processes()["steel_bof_to_hot_rolled_coil"]
    root = etree.fromstring(build_qreport(_data(scenario, 1)))
    root.find(N + "Year").text = "twenty"
    errors = xsd_errors(etree.tostring(root))
    assert errors and "Year" in errors[0][1]


# --- each code rule, failing --------------------------------------------------------------------------------------

def _valid_tree():
    scenario = examples_with_processes()["steel_bof_to_hot_rolled_coil"]
    d = _data(scenario, 1)
    return etree.fromstring(build_qreport(d)), [ln.shipped_on for ln in d.lines]


def _keys(root, dates):
    return [p.key for p in check_report(etree.tostring(root), dates)]


def _set(root, path, value):
    e = root.find("/".join(N + p for p in path.split("/")))
    e.text = value


def test_rule_quarter_and_dates():
    root, dates = _valid_tree()
    assert _keys(root, dates) == []
    assert _keys(root, [date(2026, 4, 1)]) == ["registry.problem.shipment_outside_quarter"]
    _set(root, "Year", "2022")
    assert "registry.problem.quarter" in _keys(root, dates)


def test_rule_submission_before_quarter():
    root, dates = _valid_tree()
    _set(root, "SubmissionDate", "2025-12-31T10:00:00Z")
    assert _keys(root, dates) == ["registry.problem.submitted_before_quarter"]


def test_rule_declarant_eori():
    root, dates = _valid_tree()
    _set(root, "Declarant/IdentificationNumber", "CN1234567890")
    assert _keys(root, dates) == ["registry.problem.declarant_not_eu"]
    _set(root, "Declarant/IdentificationNumber", "not an eori")
    assert _keys(root, dates) == ["registry.problem.declarant_eori"]


def test_rule_representative_must_differ_from_importer():
    scenario = examples_with_processes()["steel_bof_to_hot_rolled_coil"]
    same = Party("DE123456789012345", "Rheinstahl as its own representative", "DE", "Duisburg")
    d = _data(scenario, 1, representative=same)
    report = build_report(d, eori="DE123456789012345")
    assert report.xml is None
    assert [p.key for p in report.problems] == ["registry.problem.importer_is_representative"]
    other = Party("NL123456789", "Rotterdam Customs BV", "NL", "Rotterdam")
    ok = build_report(_data(scenario, 1, representative=other), eori="DE123456789012345")
    assert ok.problems == [] and ok.xml is not None
    root = etree.fromstring(ok.xml)
    assert root.findtext(f"{N}Declarant/{N}Role") == c.ROLE_REPRESENTATIVE
    root.remove(root.find(N + "Importer"))
    assert _keys(root, []) == ["registry.problem.importer_missing"]
    _set(root, "Declarant/Role", "09")
    assert "registry.problem.role" in _keys(root, [])


def test_rule_commodity_codes():
    root, dates = _valid_tree()
    _set(root, "ImportedGood/CommodityCode/HsCode", "720840")
    assert _keys(root, dates) == ["registry.problem.hs_mismatch"]
    _set(root, "ImportedGood/CommodityCode/CnCode", "10011000")  # durum wheat: not a CBAM good
    assert _keys(root, dates) == ["registry.problem.cn_not_cbam"]


def test_rule_units_follow_the_cn_code():
    root, dates = _valid_tree()
    _set(root, "ImportedGood/MeasureImported/MeasurementUnit", c.UNIT_MWH)
    assert _keys(root, dates) == ["registry.problem.unit"]


def test_rule_totals_must_add_up():
    root, dates = _valid_tree()
    _set(root, "ImportedGood/MeasureImported/NetMass", "2500")
    keys = _keys(root, dates)
    assert keys == ["registry.problem.total", "registry.problem.total"]  # per procedure and per installation
    root, dates = _valid_tree()
    _set(root, "ImportedGood/GoodsEmissions/ProducedMeasure/NetMass", "999")
    assert _keys(root, dates) == ["registry.problem.total"]


def test_rule_numbering():
    root, dates = _valid_tree()
    _set(root, "ImportedGood/ItemNumber", "2")
    assert _keys(root, dates) == ["registry.problem.item_numbers"]
    root, dates = _valid_tree()
    _set(root, "ImportedGood/GoodsEmissions/SequenceNumber", "3")
    assert _keys(root, dates) == ["registry.problem.sequence"]


def test_rule_origin_area_and_production_country():
    root, dates = _valid_tree()
    _set(root, "ImportedGood/OriginCountry/Country", "DE")
    assert _keys(root, dates) == ["registry.problem.origin_eu"]
    root, dates = _valid_tree()
    _set(root, "ImportedGood/ImportedQuantity/ImportArea/ImportArea", "MARS")
    assert _keys(root, dates) == ["registry.problem.import_area"]
    root, dates = _valid_tree()
    _set(root, "ImportedGood/GoodsEmissions/ProductionCountry", "IN")
    assert _keys(root, dates) == ["registry.problem.production_country"]


def test_rule_negative_emissions():
    root, dates = _valid_tree()
    _set(root, "ImportedGood/GoodsEmissions/DirectEmissions/SpecificEmbeddedEmissions", "-1.5")
    assert _keys(root, dates) == ["registry.problem.negative_emissions"]


def test_missing_and_too_long_inputs_are_named_before_building():
    scenario = examples_with_processes()["steel_bof_to_hot_rolled_coil"]
    d = _data(scenario, 1, signatory=Signatory("", "CBAM officer", "Duisburg"),
              declarant=Party("DE123456789012345", "R" * 71, "DE", "Duisburg"))
    report = build_report(d, eori="DE123456789012345")
    assert report.xml is None
    assert [(p.key, p.params["field"]) for p in report.problems] == [
        ("registry.problem.too_long", "registry.field.declarant_name"),
        ("registry.problem.missing", "registry.field.signatory_name")]
    empty = build_report(_data(scenario, 3), eori="DE123456789012345")
    assert [p.key for p in empty.problems] == ["registry.problem.no_goods"]


# --- from the database: the demo steel period, approved -----------------------------------------------------------

def test_demo_steel_period_report_is_valid_and_names_its_snapshot(sqlite_engine):
    team = approved_steel(sqlite_engine)
    with team.ctx(team.viewer) as ctx:
        report = registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id, quarter=1,
                                 details=DETAILS)
    assert report.problems == []
    assert report.snapshot_hash == team.period.snapshot_hash
    root = etree.fromstring(report.xml)
    assert root.findtext(f"{N}Declarant/{N}IdentificationNumber") == "DE123456789012345"
    assert team.period.snapshot_hash in root.findtext(f"{N}Remarks/{N}AdditionalInformation")
    assert report.filename == "QReport_DE123456789012345_2026Q1.xml"
    with team.ctx(team.viewer) as ctx:  # a customer with nothing shipped in the quarter: said, not an empty file
        none = registry_report(ctx, period_id=team.period.id, customer_id=team.other_customer.id, quarter=1,
                               details=DETAILS)
    assert none.xml is None and [p.key for p in none.problems] == ["registry.problem.no_goods"]
    with team.ctx(team.dpo) as ctx, pytest.raises(PermissionDenied):
        registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id, quarter=1, details=DETAILS)


def test_a_draft_period_is_not_exported(sqlite_engine):
    team = approved_steel(sqlite_engine, approve=False)
    with team.ctx() as ctx, pytest.raises(DomainError) as exc:
        registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id, quarter=1, details=DETAILS)
    assert exc.value.key == "pack.error.not_frozen"


def test_control_characters_are_a_problem_not_a_crash():
    scenario = examples_with_processes()["steel_bof_to_hot_rolled_coil"]
    d = _data(scenario, 1, declarant=Party("DE123456789012345", "Rhein\x01stahl", "DE", "Duisburg"))
    report = build_report(d, eori="DE123456789012345")
    assert report.xml is None
    assert [(p.key, p.params["field"]) for p in report.problems] == [
        ("registry.problem.invalid_characters", "registry.field.declarant_name")]
