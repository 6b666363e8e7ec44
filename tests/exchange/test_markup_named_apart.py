"""Embedded emissions with and without the default-value mark-up are named apart: for one default-valued line the
CSV shows both figures, the registry XML carries the one without the mark-up (and says how the other follows), the
engine output and the data pack name both."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from lxml import etree

from core.cbam import evaluate_data
from core.exchange.csv_export import BOM, shipments_csv
from core.exchange.frozen import load_frozen
from core.exchange.pack import build_customer_pack
from core.exchange.registry import codes as c
from core.exchange.registry import registry_report
from core.i18n import t
from tests.exchange.exports_support import DETAILS, approved_steel

N = f"{{{c.NAMESPACE}}}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_default_line_in_csv_xml_engine_and_pack(sqlite_engine, lang):
    team = approved_steel(sqlite_engine, stored_details=True)
    with team.ctx(team.viewer) as ctx:
        frozen = load_frozen(ctx, team.period.id)
        export = shipments_csv(ctx, period_id=team.period.id, customer_id=team.customer.id, lang=lang)
        xml = registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id, quarter=1).xml
    ev = evaluate_data(frozen.scenario)
    n = next(i for i, line in enumerate(frozen.scenario["imports"]) if line["basis"] == "default")
    r = ev.imports[n]
    row = r.default_value.row
    markup = r.see_basis / row.total - 1
    assert markup > 0  # the 2026 mark-up applies: the two figures differ
    assert r.see_without_markup == row.total and r.see_basis == pytest.approx(row.total * (1 + markup))

    # engine output: both, under their own names (the old keys kept)
    d = ev.to_dict(explain=False)["imports"][n]
    assert d["see_without_markup"] == row.total and d["see_basis"] == r.see_basis
    assert d["embedded_emissions_without_markup"] == pytest.approx(r.quantity * row.total)
    assert d["embedded_emissions"] == pytest.approx(r.quantity * r.see_basis)

    # CSV: both figures in columns whose names say which is which
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8").removeprefix(BOM), newline="")))
    header, body = rows[0], rows[1:]
    col = {k: header.index(t(f"csv.column.{k}", lang)) for k in (
        "basis", "see_without_markup", "embedded_emissions_without_markup", "see_basis", "embedded_emissions")}
    line = next(x for x in body if x[col["basis"]] == t("entry.basis.default", lang))
    assert float(line[col["see_without_markup"]]) == pytest.approx(row.total)
    assert float(line[col["see_basis"]]) == pytest.approx(row.total * (1 + markup))
    assert float(line[col["embedded_emissions_without_markup"]]) == pytest.approx(r.quantity * row.total)
    assert float(line[col["embedded_emissions"]]) == pytest.approx(r.quantity * r.see_basis)
    assert len({t(f"csv.column.{k}", lang) for k in col}) == len(col)  # no two columns named alike
    actual = next(x for x in body if x[col["basis"]] == t("entry.basis.actual", lang))
    assert actual[col["see_without_markup"]] == actual[col["see_basis"]]  # no mark-up on actual data

    # XML: the default value without mark-up, and a remark naming the CBAM basis with it
    root = etree.fromstring(xml)
    ge = next(g for g in root.iter(N + "GoodsEmissions")
              if g.find(N + "DirectEmissions").findtext(N + "DeterminationType") == c.DETERMINATION_DEFAULT)
    see = [float(ge.find(N + k).findtext(N + "SpecificEmbeddedEmissions"))
           for k in ("DirectEmissions", "IndirectEmissions")]
    assert sum(see) == pytest.approx(row.total)
    remark = " ".join(e.text for e in ge.iter(N + "AdditionalInformation"))
    assert "Default value without mark-up" in remark
    assert f"{row.total * (1 + markup):.7f}".rstrip("0").rstrip(".") in remark

    # data pack summary: both columns, named
    with team.ctx(team.owner) as ctx:
        pack = build_customer_pack(ctx, period_id=team.period.id, customer_id=team.customer.id, details=DETAILS,
                                   lang=lang)
    summary = zipfile.ZipFile(io.BytesIO(pack.content)).read("summary.html").decode("utf-8")
    for lg in ("en", "zh"):
        assert t("pack.summary.col_emissions_without_markup", lg) in summary
        assert t("pack.summary.col_emissions", lg) in summary
