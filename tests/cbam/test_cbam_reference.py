"""Reference data: generated from the official files, versioned, looked up as the regulation says."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from cbam_testdata import OFFICIAL, make_scenario
from typer.testing import CliRunner

from core.cbam import ReferenceDataError, evaluate_data, install_table, list_versions, load_reference, tables
from core.cbam.reference import DATA_DIR


def test_569_cn_codes_each_with_a_known_category(ref) -> None:
    assert len(ref.cn_categories) == 569
    assert set(ref.cn_categories.values()) <= set(ref.categories)
    assert ref.category_of("72083900") == "Iron or steel products"
    assert ref.category_of("31021019") == "Urea"  # CN 2026 split of 3102 10 10, resolved through its heading
    assert ref.category_of("2523100090") == "Cement clinker"  # TARIC 10 digits
    assert ref.category_of("99999999") is None


def test_categories_carry_unit_routes_precursors_parameters_and_annex_ii(ref) -> None:
    cats = ref.categories
    assert len(cats) == 18
    assert cats["Electricity (export to EU)"].unit == "MWh"
    assert "Basic oxygen steelmaking" in cats["Crude steel"].production_routes
    assert "Pig iron" in cats["Crude steel"].relevant_precursors
    assert "Clinker factor" in cats["Cement"].qualifying_parameters
    annex_ii = {n for n, c in cats.items() if c.annex_ii}
    assert "Sintered Ore" not in annex_ii and "Ammonia" not in annex_ii and "Cement" not in annex_ii
    assert {"Crude steel", "Unwrought aluminium", "Hydrogen", "Electricity (export to EU)"} <= annex_ii
    # The template flags ammonia as direct-only; the law does not (kept as data to show the difference).
    assert cats["Ammonia"].indirect_relevant_template is False


def test_manifest_names_each_source_with_its_hash() -> None:
    manifest = json.loads((DATA_DIR / "sources.json").read_text())
    for s in manifest["sources"]:
        assert s["sha256"] == tables.sha256_of(OFFICIAL / s["file"]), s["file"]
        assert s["version"]


def test_generated_tables_match_a_fresh_parse_of_the_official_files() -> None:
    countries = json.loads((DATA_DIR / "countries.json").read_text())["default_value_names"]
    rows, anomalies = tables.parse_default_values(OFFICIAL / "cbam_default_values_2026-02.csv", countries)
    assert rows == tables.read_default_values(DATA_DIR / "default_values_2026-02.csv")
    assert len(rows) == 12532 and len(anomalies) == 1
    assert tables.parse_benchmarks(OFFICIAL / "cbam_benchmarks_2026-02.csv") == tables.read_benchmarks(DATA_DIR / "benchmarks_2026-02.csv")


def test_default_value_longest_prefix_and_fallback(ref) -> None:
    dv = ref.default_values
    m = dv.lookup("CN", "72083900")
    assert (m.row.cn_code, m.row.total, m.row.route, m.fell_back) == ("7208", 3.186893, "C", False)
    m = dv.lookup("CN", "72111300")  # China lists 7211 empty but 72111300 valued: the longer code wins
    assert m.row.cn_code == "72111300" and m.row.total == 3.186893
    m = dv.lookup("CN", "72031000")  # China 7203 is empty → "Other countries and territories"
    assert m.fell_back and m.row.country == "OTHER" and m.row.total == 1.325
    m = dv.lookup("FR", "72083900")  # not in the table at all → Other
    assert m.fell_back and m.row.total == 4.048689
    grey = dv.lookup("CN", "25231000", "grey")
    assert grey.row.total == 1.39 and grey.row.route == "A"
    assert dv.lookup("CN", "25231000", "white").row.total == 1.3
    assert dv.lookup("TR", "72083900").requested_country == "TR"  # Türkiye maps to its ISO code
    with pytest.raises(ReferenceDataError) as e:
        dv.lookup("CN", "27160000")
    assert e.value.key == "cbam.error.no_default_value"


def test_benchmark_route_and_period_tags(ref) -> None:
    bm = ref.benchmarks
    assert bm.column_b("72083900", "C", "1").value == 1.37
    assert bm.column_b("72083900", "E", "1").value == 0.072
    assert bm.column_b("25233000", None, "1").value == 0.717
    assert bm.column_b("25233000", None, "2").value == 0.686
    b = bm.column_b("72052100", "F", "1")
    assert (b.value, b.route, b.period) == (1.46, "F", "1")
    undetermined = bm.column_b("72071114", None, "1")
    assert undetermined.value == 1.364 and undetermined.note == "route_undetermined_highest"
    assert ref.benchmark_period(2027) == "1" and ref.benchmark_period(2028) == "2"


def test_factors_markups_and_prices_as_data(ref) -> None:
    assert [ref.cbam_factor(y) for y in (2025, 2026, 2030, 2034, 2040)] == [1.0, 0.975, 0.515, 0.0, 0.0]
    assert ref.markup("iron_steel", 2026) == 0.10 and ref.markup("iron_steel", 2031) == 0.30
    assert ref.markup("fertilisers", 2030) == 0.01
    assert str(ref.certificate_price(2026, 1)) == "75.36"
    assert ref.certificate_price(2026, 2) is None  # UNVERIFIED: not shipped as a silent constant
    assert ref.constants["gwp_cf4"] == 6630 and ref.constants["ef_natural_gas_t_per_tj"] == 56.1


def test_unknown_quarter_price_gives_no_cost_but_a_flag() -> None:
    s = make_scenario(parameters={"cscf": 1.0})
    s["imports"][0]["quarter"] = 2
    r = evaluate_data(s).imports[0]
    assert r.cost_eur is None and "cbam.flag.price_unknown" in r.flags and r.certificates > 0


def _corrected_table(tmp_path: Path) -> Path:
    """A July-2026-style table: no mark-up columns, China 7208 re-valued."""
    f = tmp_path / "dv_2026-07.csv"
    f.write_text(
        "Country;Sector;Product CN Code;Description;Default Value (direct emissions);"
        "Default Value (Indirect emissions);Default Value (total emissions);Underlying production route determining CBAM BM\n"
        "China;Iron and steel;7208;Flat-rolled;3,0;;3,0;(C)\n"
        "_Other Countries and Territorie;Iron and steel;7208;Flat-rolled;4.0;;4.0;(C)\n", encoding="cp1252")
    return f


def test_load_a_newer_default_table_as_a_version(tmp_path: Path, _isolated_data_dir: Path) -> None:
    v = install_table("default_values", _corrected_table(tmp_path), "2026-07")
    assert v.name == "2026-07" and not v.active
    names = {(x.kind, x.name, x.origin) for x in list_versions()}
    assert ("default_values", "2026-07", "loaded") in names and ("default_values", "2026-02", "shipped") in names
    s = make_scenario()
    s["parameters"]["default_values_version"] = "2026-07"
    ev = evaluate_data(s)
    assert ev.reference_versions["default_values"] == "2026-07"
    assert ev.imports[1].see_basis == pytest.approx(3.0 * 1.10)
    assert evaluate_data(make_scenario()).reference_versions["default_values"] == "2026-02"
    with pytest.raises(ReferenceDataError) as e:
        install_table("default_values", _corrected_table(tmp_path), "2026-07")
    assert e.value.key == "cbam.error.reference_version_exists"
    with pytest.raises(ReferenceDataError) as e:
        load_reference(default_values_version="1999-01")
    assert e.value.key == "cbam.error.reference_version_unknown"


def test_cli_reference_load_and_list(tmp_path: Path, _isolated_data_dir: Path) -> None:
    from cli.main import app

    runner = CliRunner()
    r = runner.invoke(app, ["reference", "load-defaults", str(_corrected_table(tmp_path)), "--version", "2026-07", "--activate"])
    assert r.exit_code == 0, r.output
    assert (_isolated_data_dir / "default_values_2026-07.csv").exists()
    r = runner.invoke(app, ["reference", "list"])
    assert r.exit_code == 0
    active = [line for line in r.output.splitlines() if line.startswith("*")]
    assert any("2026-07" in line for line in active) and any("benchmarks" in line and "2026-02" in line for line in active)
    assert load_reference().default_values.version == "2026-07"
    r = runner.invoke(app, ["reference", "load-benchmarks", str(tmp_path / "missing.csv"), "--version", "x"])
    assert r.exit_code != 0


def test_certificate_price_and_cscf_are_editable_data(_isolated_data_dir: Path) -> None:
    from cli.main import app

    s = make_scenario(parameters={})
    s["imports"][0]["quarter"] = 2
    assert evaluate_data(s).imports[0].cost_eur is None
    r = CliRunner().invoke(app, ["reference", "set-price", "2026-Q2", "80.10"])
    assert r.exit_code == 0, r.output
    line = evaluate_data(s).imports[0]
    assert str(line.price_eur) == "80.10" and line.cost_eur == line.price_eur * Decimal(repr(line.certificates))
    assert CliRunner().invoke(app, ["reference", "set-price", "2026-Q5", "1"]).exit_code != 0
    unset = evaluate_data(s)
    before = unset.imports[0].sefa
    assert any(f["key"] == "cbam.flag.cscf_default" for f in unset.flags)
    (_isolated_data_dir / "parameters.json").write_text(json.dumps({"cscf": {"values": {"2026": 0.9}}}))
    after = evaluate_data(s)
    assert after.imports[0].sefa == pytest.approx(before * 0.9)
    assert not any(f["key"] == "cbam.flag.cscf_default" for f in after.flags)
