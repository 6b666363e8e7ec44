"""A supplier's filled communication template (exported with `cbam template export` from a worked example) becomes
a purchased precursor with the supplier's actual SEE, country and installation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.cbam import evaluate_data
from core.exchange.errors import ExchangeError
from core.exchange.workbook import import_supplier_template, supplier_products
from core.reporting import list_purchased_precursors
from tests.exchange.conftest import EXAMPLES

STEEL = EXAMPLES / "steel_bof_to_hot_rolled_coil.json"


@pytest.fixture
def supplier_template(tmp_path: Path) -> bytes:
    out = tmp_path / "supplier.xlsx"
    r = CliRunner().invoke(app, ["template", "export", str(STEEL), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out.read_bytes()


def test_products_of_the_template_carry_the_engines_see(supplier_template):
    expected = evaluate_data(json.loads(STEEL.read_text(encoding="utf-8"))).processes
    products = {p.process: p for p in supplier_products(supplier_template)}
    assert sorted(products) == ["P1", "P2"]
    for pid, p in products.items():
        assert p.see_direct == pytest.approx(expected[pid].see_direct, rel=1e-9)
        assert p.see_indirect == pytest.approx(expected[pid].see_indirect, rel=1e-9, abs=1e-12)
    assert products["P1"].installation == "Demo Steel Works" and products["P1"].country == "CN"


def test_supplier_template_creates_then_updates_the_precursor(steel, supplier_template):
    with pytest.raises(ExchangeError) as err, steel.ctx() as ctx:
        import_supplier_template(ctx, steel.empty.id, supplier_template)  # two products: which one?
    assert err.value.key == "exchange.supplier.error.choose_product"
    expected = evaluate_data(json.loads(STEEL.read_text(encoding="utf-8"))).processes["P1"]
    with steel.ctx() as ctx:
        pp = import_supplier_template(ctx, steel.empty.id, supplier_template, process="P1")
    assert (pp.code, pp.goods_category, pp.cn_code, pp.country) == ("PP1", "Crude steel", "72071114", "CN")
    assert pp.supplier_installation == "Demo Steel Works" and pp.data_source == "actual"
    assert pp.see_direct == pytest.approx(expected.see_direct) and pp.see_indirect == pytest.approx(expected.see_indirect)
    with steel.ctx() as ctx:  # the same supplier and good again: updated, not duplicated
        again = import_supplier_template(ctx, steel.empty.id, supplier_template, process="P1")
        rows = list_purchased_precursors(ctx, period_id=steel.empty.id)
    assert again.id == pp.id and again.version == 2 and len(rows) == 1
    with steel.ctx() as ctx:  # into the demo period, which already has PP1: the next free code
        other = import_supplier_template(ctx, steel.period.id, supplier_template, process="P2")
    assert other.code == "PP2" and other.cn_code == "72083900"


def test_a_broken_supplier_file_is_refused(steel):
    with pytest.raises(ExchangeError), steel.ctx() as ctx:
        import_supplier_template(ctx, steel.empty.id, b"PK\x03\x04 not a template")
    with steel.ctx() as ctx:
        assert list_purchased_precursors(ctx, period_id=steel.empty.id) == []
