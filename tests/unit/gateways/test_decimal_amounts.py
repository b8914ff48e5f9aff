"""Book values and XRPL amounts: parsing refuses what an amount cannot hold, rounding goes the
way asked, and conversions are exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateways.decimal_amounts import (
    AmountInputError,
    amount_value,
    parse_value,
    round_to_amount,
    significant_digits,
    to_amount,
    value_text,
)
from xpay.amounts import XRP_ISSUE
from xpay.client import Wallet, drops, iou, issue

ISSUER = Wallet.generate().address


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (12.5, "float"),
        (True, "float"),
        (None, "decimal string"),
        ("abc", "not a number"),
        ("NaN", "not a finite number"),
        ("Infinity", "not a finite number"),
        ("-1", "positive"),
        ("0", "positive"),
        ("1.23456789012345678", "16 significant digits"),
    ],
)
def test_parse_value_refuses_what_an_amount_cannot_be(raw: object, why: str) -> None:
    with pytest.raises(AmountInputError, match=why) as refused:
        parse_value(raw, field="amount")
    assert refused.value.field == "amount"


def test_parse_value_takes_strings_and_ints_exactly() -> None:
    assert parse_value(" 125.50 ", field="x") == Decimal("125.50")
    assert parse_value(7, field="x") == Decimal(7)
    assert parse_value("0", field="x", allow_zero=True) == 0
    assert parse_value("1234567890.123456", field="x") == Decimal("1234567890.123456")


def test_round_to_amount_rounds_to_sixteen_digits_in_the_direction_asked() -> None:
    value = Decimal("1.23456789012345678")
    assert round_to_amount(value, up=True) == Decimal("1.234567890123457")
    assert round_to_amount(value, up=False) == Decimal("1.234567890123456")
    assert round_to_amount(Decimal("-1.00000000000000001"), up=True) == Decimal(-1)
    assert round_to_amount(Decimal(0), up=True) == 0


@given(st.decimals(min_value=Decimal("1e-20"), max_value=Decimal("1e20"), allow_nan=False, allow_infinity=False,
                   places=25))
def test_rounding_brackets_the_value_within_sixteen_digits(value: Decimal) -> None:
    if value == 0:
        return
    up, down = round_to_amount(value, up=True), round_to_amount(value, up=False)
    assert down <= value <= up
    assert significant_digits(up) <= 16 and significant_digits(down) <= 16


def test_amounts_round_trip_between_the_book_and_the_ledger() -> None:
    usd = issue("USD", ISSUER)
    assert to_amount(Decimal("100.25"), usd) == iou("100.25", "USD", ISSUER)
    assert amount_value(iou("0.000001", "USD", ISSUER)) == Decimal("0.000001")
    assert to_amount(Decimal("1.5"), XRP_ISSUE) == drops(1_500_000)
    assert amount_value(drops(12)) == Decimal("0.000012")
    with pytest.raises(AmountInputError, match="whole number of drops"):
        to_amount(Decimal("0.0000001"), XRP_ISSUE)
    assert value_text(Decimal("1E+2")) == "100" and value_text(Decimal("0.50")) == "0.5"
