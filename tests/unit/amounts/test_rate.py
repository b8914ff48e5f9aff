"""Transfer rates and trust-line qualities in parts per billion (rippled's Rate2.cpp)."""

from __future__ import annotations

import pytest

from xpay.amounts import (
    NO_ISSUE,
    PARITY_RATE,
    QUALITY_ONE,
    XRP_ISSUE,
    AmountError,
    Issue,
    Rate,
    STAmount,
    currency_from_code,
    divide_by_rate,
    divide_round,
    multiply_by_rate,
    multiply_round,
)
from xpay.protocol.ids import AccountID

USD = Issue(currency_from_code("USD"), AccountID(bytes(19) + b"\x09"))
EUR = Issue(currency_from_code("EUR"), AccountID(bytes(19) + b"\x09"))
FEE_0_2_PERCENT = Rate(1_002_000_000)


def usd(text: str) -> STAmount:
    return STAmount.from_value_text(text, USD)


def test_rate_is_parts_per_billion() -> None:
    assert QUALITY_ONE == 1_000_000_000
    assert Rate(QUALITY_ONE) == PARITY_RATE
    assert FEE_0_2_PERCENT.amount == STAmount.from_value_text("1.002", NO_ISSUE)
    assert Rate(1) < PARITY_RATE < FEE_0_2_PERCENT
    assert len({Rate(5), Rate(5), Rate(6)}) == 2
    assert repr(FEE_0_2_PERCENT) == "Rate(1002000000)"


def test_parity_returns_the_amount_itself() -> None:
    a = usd("1.23")
    assert multiply_by_rate(a, PARITY_RATE) is a
    assert divide_by_rate(a, PARITY_RATE) is a
    assert multiply_round(a, PARITY_RATE, True) is a
    assert divide_round(a, PARITY_RATE, False, EUR) is a


def test_transfer_fee_applied_and_removed() -> None:
    assert multiply_by_rate(usd("100"), FEE_0_2_PERCENT) == usd("100.2")
    assert divide_by_rate(usd("100.2"), FEE_0_2_PERCENT) == usd("100")
    assert multiply_by_rate(STAmount.from_drops(1_000_000), FEE_0_2_PERCENT) == STAmount.from_drops(
        1_002_000
    )


def test_rounded_rate_arithmetic_honours_the_direction() -> None:
    third = Rate(333_333_333)
    assert multiply_round(usd("1"), third, False) == usd("0.333333333")
    assert divide_round(usd("1"), Rate(3 * QUALITY_ONE), False) == usd("0.3333333333333333")
    assert divide_round(usd("1"), Rate(3 * QUALITY_ONE), True) == usd("0.3333333333333334")
    # 7 drops * 1.002 = 7.014 drops.
    seven = STAmount.from_drops(7)
    assert multiply_round(seven, FEE_0_2_PERCENT, False) == STAmount.from_drops(7)
    assert multiply_round(seven, FEE_0_2_PERCENT, True) == STAmount.from_drops(7)  # legacy: < 0.1
    assert multiply_round(STAmount.from_drops(70), FEE_0_2_PERCENT, True) == STAmount.from_drops(71)


def test_result_issue_can_be_chosen() -> None:
    assert multiply_round(usd("2"), FEE_0_2_PERCENT, True, EUR) == STAmount.from_value_text("2.004", EUR)
    assert divide_round(usd("2.004"), FEE_0_2_PERCENT, False, EUR) == STAmount.from_value_text("2", EUR)
    assert multiply_round(usd("2"), Rate(2 * QUALITY_ONE), True, XRP_ISSUE) == STAmount.from_drops(4)


@pytest.mark.parametrize("value", [0, -1, 2**32])
def test_rate_must_be_a_non_zero_uint32(value: int) -> None:
    with pytest.raises(AmountError, match="uint32"):
        Rate(value)


def test_rate_type_errors() -> None:
    with pytest.raises(TypeError):
        Rate(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PARITY_RATE == QUALITY_ONE  # noqa: B015
    with pytest.raises(AttributeError):
        PARITY_RATE.value = 5
