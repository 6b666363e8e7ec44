"""Numbers are refused, never altered: the strict parser, and every entry service that takes numbers as typed."""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from core.dashboards import DEFAULT_PRICE_PATHS, check_price_paths
from core.errors import ValidationFailed
from core.i18n import t
from core.numbers import FACTOR, MASS_T, PRICE_EUR, NumberField, NumberRefused, number_text, parse_number
from core.reporting import (
    ProcessData,
    ProcessInputData,
    PurchasedPrecursorData,
    ShipmentData,
    SourceStreamData,
    add_process,
    add_process_input,
    add_purchased_precursor,
    add_shipment,
    add_source_stream,
)
from core.reporting.rows import RowChange, RowErrors, apply_row_changes
from db.reporting_models import ProcessInput, ProductionProcess, PurchasedPrecursor, Shipment, SourceStream
from tests.factories import (
    context,
    steel_period,
)

ABSURD = ["1e308", "5e-324", "inf", "-inf", "nan", "Infinity", "NaN", "1e400"]
NOT_NUMBERS = ["1,000", "１２", "1_000", "12 t", "--5", "0x10", "1e", ".", "e5", "五"]


@pytest.mark.parametrize("text,expected", [("12.5", 12.5), ("0.1", 0.1), (" 7 ", 7.0), ("1e3", 1000.0),
                                           ("+3", 3.0), (".5", 0.5), ("0.000001", 1e-6), ("", None)])
def test_a_number_is_read_exactly_as_typed(text, expected):
    assert parse_number(text, MASS_T if expected else FACTOR) == expected


@pytest.mark.parametrize("text", ABSURD + NOT_NUMBERS)
def test_absurd_and_malformed_numbers_are_refused_with_a_translated_message(text):
    with pytest.raises(NumberRefused) as refused:
        parse_number(text, MASS_T)
    key, params = refused.value.error
    for lang in ("en", "zh"):
        assert t(key, lang, **params) != key


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e308, 5e-324, True])
def test_non_finite_and_absurd_floats_are_refused(value):
    with pytest.raises(NumberRefused):
        parse_number(value, FACTOR)


def test_sign_ceiling_and_decimals_are_the_fields():
    with pytest.raises(NumberRefused, match="reporting.error_positive"):
        parse_number("-5", MASS_T)
    with pytest.raises(NumberRefused, match="reporting.error_positive"):
        parse_number("0", MASS_T)
    with pytest.raises(NumberRefused, match="reporting.error_non_negative"):
        parse_number("-5", FACTOR)
    assert parse_number("-5", NumberField(sign="any")) == -5.0
    with pytest.raises(NumberRefused, match="numbers.error_decimals"):
        parse_number("80.555", PRICE_EUR)
    assert parse_number("80.55", PRICE_EUR) == 80.55
    with pytest.raises(NumberRefused, match="numbers.error_too_large"):
        parse_number("2e9", MASS_T)


@pytest.mark.parametrize("value", [12.5, 0.1, 1e16, 1234567.891, 3.0, None])
def test_a_stored_number_shown_as_text_reads_back_identical(value):
    assert parse_number(number_text(value), NumberField(sign="any", maximum=1e20, decimals=20)) == value


@pytest.fixture
def steel(engine):
    return steel_period(engine)


def _shipment(customer, ids, quantity) -> ShipmentData:
    return ShipmentData(customer_id=customer.id, process_id=ids["P2"], cn_code="72083900", quantity=quantity,
                        shipped_on=date(2026, 5, 1))


@pytest.mark.parametrize("typed", ["-5", "1e308", "5e-324", "inf", "nan", "1,000", "abc"])
def test_a_shipment_quantity_is_refused_in_its_row_and_nothing_is_stored(engine, steel, typed):
    owner, org, period, customer, ids = steel
    with context(engine, owner, org) as ctx:
        before = len(ctx.session.exec(select(Shipment)).all())
    with pytest.raises(RowErrors) as refused, context(engine, owner, org) as ctx:
        apply_row_changes(ctx, [RowChange("+1", "add", lambda c: add_shipment(
            c, period_id=period.id, data=_shipment(customer, ids, typed)))])
    key, _ = refused.value.errors["+1"]["quantity"]
    assert key in ("reporting.error_positive", "numbers.error_too_large", "numbers.error_decimals",
                   "numbers.error_not_finite", "numbers.error_not_a_number")
    with context(engine, owner, org) as ctx:
        quantities = [s.quantity for s in ctx.session.exec(select(Shipment)).all()]
    assert len(quantities) == before and 5.0 not in quantities and 1308.0 not in quantities


def test_a_typed_quantity_is_stored_exactly(engine, steel):
    owner, org, period, customer, ids = steel
    with context(engine, owner, org) as ctx:
        row = add_shipment(ctx, period_id=period.id, data=_shipment(customer, ids, "12.345"))
    with context(engine, owner, org) as ctx:
        assert ctx.session.get(Shipment, row.id).quantity == 12.345


@pytest.mark.parametrize("field,typed", [("electricity_ef", "1e308"), ("heat_imported_ef", "nan"),
                                         ("activity_level", "-5"), ("electricity_consumed_mwh", "inf"),
                                         ("direct_emissions", "5e-324")])
def test_process_numbers_are_refused_never_altered(engine, steel, field, typed):
    owner, org, period, *_ = steel
    data = ProcessData(**{"code": "P9", "goods_category": "Iron or steel products", "cn_code": "72083900",
                          "activity_level": "100", field: typed})
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org) as ctx:
        add_process(ctx, period_id=period.id, data=data)
    assert field in refused.value.errors
    with context(engine, owner, org) as ctx:
        assert not ctx.session.exec(select(ProductionProcess).where(ProductionProcess.code == "P9")).all()


def test_an_emission_factor_starts_empty_and_is_stored_empty(engine, steel):
    owner, org, period, *_ = steel
    with context(engine, owner, org) as ctx:
        proc = add_process(ctx, period_id=period.id, data=ProcessData(
            code="P9", goods_category="Iron or steel products", cn_code="72083900", activity_level="100",
            electricity_consumed_mwh="50"))
    with context(engine, owner, org) as ctx:
        stored = ctx.session.get(ProductionProcess, proc.id)
        assert stored.electricity_ef is None and stored.heat_imported_ef is None
        assert stored.electricity_consumed_mwh == 50.0


def test_source_stream_precursor_and_input_numbers_are_refused(engine, steel):
    owner, org, period, customer, ids = steel
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org) as ctx:
        add_source_stream(ctx, process_id=ids["P2"], data=SourceStreamData(
            name="gas", method="combustion", params={"activity_data": "1e308", "activity_unit": "t", "ncv": "inf",
                                                     "ncv_unit": "GJ/t", "ef": "-5", "ef_unit": "tCO2/TJ"}))
    assert set(refused.value.errors) == {"params.activity_data", "params.ncv", "params.ef"}
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org) as ctx:
        add_purchased_precursor(ctx, period_id=period.id, data=PurchasedPrecursorData(
            code="PP9", goods_category="Pig iron", cn_code="72011011", country="CN", see_direct="5e-324",
            see_indirect="nan", data_source="actual", supplier_installation="Works"))
    assert {"see_direct", "see_indirect"} <= set(refused.value.errors)
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org) as ctx:
        add_process_input(ctx, process_id=ids["P2"], data=ProcessInputData(from_process_id=ids["P1"], mass="-5"))
    assert refused.value.errors["mass"][0] == "reporting.error_positive"
    with context(engine, owner, org) as ctx:
        assert all(s.name != "gas" for s in ctx.session.exec(select(SourceStream)).all())
        assert all(p.code != "PP9" for p in ctx.session.exec(select(PurchasedPrecursor)).all())
        assert all(i.mass > 0 for i in ctx.session.exec(select(ProcessInput)).all())


@pytest.mark.parametrize("typed", ["-5", "1e308", "inf", "nan", "80.555", "abc", "1,5"])
def test_a_price_path_cell_is_refused_in_its_cell(typed):
    paths = {k: dict(v) for k, v in DEFAULT_PRICE_PATHS.items()}
    paths["base"][2030] = typed
    with pytest.raises(ValidationFailed) as refused:
        check_price_paths(paths)
    assert set(refused.value.errors) == {"base.2030"}
    key, params = refused.value.errors["base.2030"]
    assert params["path"] == "base" and params["year"] == 2030 and t(key, "zh", **params) != key


def test_a_typed_price_is_kept_exactly():
    paths = {k: {y: str(v) for y, v in p.items()} for k, p in DEFAULT_PRICE_PATHS.items()}
    paths["high"][2034] = "180.1"
    assert check_price_paths(paths)["high"][2034] == Decimal("180.1")


def test_direct_emissions_given_but_left_empty_is_refused_not_read_as_streams(engine, steel):
    owner, org, period, *_ = steel
    with pytest.raises(ValidationFailed) as refused, context(engine, owner, org) as ctx:
        add_process(ctx, period_id=period.id, data=ProcessData(
            code="P9", goods_category="Iron or steel products", cn_code="72083900", activity_level="100",
            direct_emissions=" "))
    assert refused.value.errors["direct_emissions"][0] == "validation.required"
