"""Amount, issue and address constructors: what people type becomes an STAmount, or a clear
InvalidInput before anything is sent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xpay.amounts import MAX_NATIVE_DROPS, STAmount
from xpay.client import XRP, InvalidInput, Wallet, account_id, drops, iou, issue, xrp
from xpay.client.amount import (
    amount_from_json,
    amount_to_json,
    issue_from_json,
    issue_to_json,
    value_decimal,
)

ISSUER = Wallet.from_seed("sEdTM1uX8pu2do5XvTnutH6HsouMaM2").address


def test_xrp_in_xrp_is_a_million_drops_each() -> None:
    assert xrp("1.5") == STAmount.from_drops(1_500_000)
    assert xrp(2) == drops(2_000_000)
    assert xrp(Decimal("0.000001")) == drops(1)
    assert amount_to_json(xrp("12.25")) == "12250000"


@pytest.mark.parametrize("value", [0.1, 1.0, True])
def test_floats_and_bools_are_refused_because_they_have_been_rounded(value: object) -> None:
    with pytest.raises(InvalidInput, match=r"float|bool|str, int or Decimal"):
        xrp(value)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        iou(value, "USD", ISSUER)  # type: ignore[arg-type]


def test_xrp_finer_than_a_drop_is_refused() -> None:
    with pytest.raises(InvalidInput, match="whole number of drops"):
        xrp("0.0000001")


@pytest.mark.parametrize("value", ["abc", "1..2", "NaN", "Infinity", ""])
def test_xrp_that_is_not_a_number_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        xrp(value)


def test_drops_range_is_the_xrpl_native_range() -> None:
    assert drops(MAX_NATIVE_DROPS).mantissa == MAX_NATIVE_DROPS
    with pytest.raises(InvalidInput, match="outside"):
        drops(MAX_NATIVE_DROPS + 1)
    with pytest.raises(InvalidInput, match="outside"):
        drops(-1)
    with pytest.raises(InvalidInput, match="int"):
        drops("10")  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=MAX_NATIVE_DROPS))
def test_xrp_of_drops_divided_by_a_million_round_trips(count: int) -> None:
    assert xrp(Decimal(count) / 1_000_000) == drops(count)


def test_iou_json_is_rippleds_form() -> None:
    amount = iou("100.25", "USD", ISSUER)
    assert amount_to_json(amount) == {"currency": "USD", "issuer": ISSUER, "value": "100.25"}
    assert amount_from_json(amount_to_json(amount)) == amount
    assert iou(Decimal("1E+3"), "EUR", ISSUER) == iou("1000", "EUR", ISSUER)


def test_iou_with_more_than_16_significant_digits_is_refused_not_truncated() -> None:
    with pytest.raises(InvalidInput, match="precision"):
        iou("1.2345678901234567", "USD", ISSUER)


@pytest.mark.parametrize(
    ("currency", "issuer", "reason"),
    [
        ("XRP", ISSUER, "native asset"),
        ("US", ISSUER, "currency"),
        ("USD", "rNotAnAddress", "address"),
        ("USD", ISSUER[:-1] + ("a" if ISSUER[-1] != "a" else "b"), "address"),
    ],
)
def test_bad_currencies_and_issuers_are_refused(currency: str, issuer: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        iou("1", currency, issuer)


def test_issue_xrp_has_no_issuer_and_an_iou_needs_one() -> None:
    assert issue("XRP") is XRP
    assert issue_to_json(XRP) == {"currency": "XRP"}
    with pytest.raises(InvalidInput, match="no issuer"):
        issue("XRP", ISSUER)
    with pytest.raises(InvalidInput, match="needs an issuer"):
        issue("USD")
    usd = issue("USD", ISSUER)
    assert issue_from_json(issue_to_json(usd)) == usd


def test_the_zero_account_as_xrps_issuer_reads_as_xrp() -> None:
    assert issue_from_json({"currency": "XRP", "issuer": "rrrrrrrrrrrrrrrrrrrrrhoLvTp"}) is XRP


def test_account_id_checks_the_checksum() -> None:
    assert len(account_id(ISSUER)) == 20
    with pytest.raises(InvalidInput, match="Destination"):
        account_id(ISSUER[:-2] + "zz", field="Destination")
    with pytest.raises(InvalidInput, match="string"):
        account_id(b"r..." , field="Account")  # type: ignore[arg-type]


def test_value_decimal_is_exact() -> None:
    assert value_decimal("-0.1") == Decimal("-0.1")
    assert value_decimal("1e-3") == Decimal("0.001")
    with pytest.raises(InvalidInput):
        value_decimal("nan")
