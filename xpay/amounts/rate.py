"""Rates in parts per billion: transfer rates and trust-line qualities (rippled's Rate2.cpp).

An account's TransferRate and a trust line's QualityIn / QualityOut are uint32 values where
QUALITY_ONE = 1,000,000,000 means 1:1; a transfer rate of 1,002,000,000 charges 0.2 %. Applying
a rate multiplies (or divides) an amount by value / 10**9 with the STAmount arithmetic, and the
parity rate returns the amount untouched, as rippled does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NoReturn

from xpay.amounts.arithmetic import div_round, divide, mul_round, multiply
from xpay.amounts.errors import AmountError
from xpay.amounts.issue import NO_ISSUE, Issue
from xpay.amounts.st_amount import STAmount, canonical
from xpay.amounts.xrp_amount import UINT32_MAX, _mixed_equality

QUALITY_ONE = 1_000_000_000
"""1:1 in parts per billion (rippled's QUALITY_ONE)."""


class Rate:
    """A uint32 rate in parts per billion (rippled's Rate); 0 is not a rate."""

    __slots__ = ("amount", "value")

    value: int
    amount: STAmount
    """value * 10**-9 as an STAmount of NO_ISSUE (rippled's detail::as_amount)."""
    _amount_kind: ClassVar[str] = "Rate"

    def __init__(self, value: int) -> None:
        if type(value) is not int:
            raise TypeError(f"Rate takes an int, not {type(value).__name__}")
        if not 0 < value <= UINT32_MAX:
            raise AmountError(
                f"a rate is a non-zero uint32 in parts per billion, got {value} "
                "(a ledger field of 0 means QUALITY_ONE)"
            )
        _set_value(self, value)
        _set_amount(self, canonical(value, -9, False, NO_ISSUE))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Rate is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Rate is immutable (cannot delete {name!r})")

    def __reduce__(self) -> tuple[type[Rate], tuple[int]]:
        return (Rate, (self.value,))

    def __copy__(self) -> Rate:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Rate:
        return self

    def __eq__(self, other: object) -> bool:
        if type(other) is Rate:
            return self.value == other.value
        return _mixed_equality(self, other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: Rate) -> bool:
        if type(other) is not Rate:
            return NotImplemented
        return self.value < other.value

    def __le__(self, other: Rate) -> bool:
        if type(other) is not Rate:
            return NotImplemented
        return self.value <= other.value

    def __gt__(self, other: Rate) -> bool:
        if type(other) is not Rate:
            return NotImplemented
        return self.value > other.value

    def __ge__(self, other: Rate) -> bool:
        if type(other) is not Rate:
            return NotImplemented
        return self.value >= other.value

    def __repr__(self) -> str:
        return f"Rate({self.value})"


_set_value: Callable[[Rate, int], None] = Rate.__dict__["value"].__set__
_set_amount: Callable[[Rate, STAmount], None] = Rate.__dict__["amount"].__set__

PARITY_RATE = Rate(QUALITY_ONE)
"""1:1, no fee (rippled's parityRate)."""


def multiply_by_rate(amount: STAmount, rate: Rate) -> STAmount:
    """amount * rate in the amount's issue (rippled's multiply(STAmount, Rate))."""
    if rate.value == QUALITY_ONE:
        return amount
    return multiply(amount, rate.amount, amount.issue)


def divide_by_rate(amount: STAmount, rate: Rate) -> STAmount:
    """amount / rate in the amount's issue (rippled's divide(STAmount, Rate))."""
    if rate.value == QUALITY_ONE:
        return amount
    return divide(amount, rate.amount, amount.issue)


def multiply_round(
    amount: STAmount, rate: Rate, round_up: bool, issue: Issue | None = None
) -> STAmount:
    """amount * rate rounded as asked, in `issue` (default: the amount's), as multiplyRound."""
    if rate.value == QUALITY_ONE:
        return amount
    return mul_round(amount, rate.amount, amount.issue if issue is None else issue, round_up)


def divide_round(
    amount: STAmount, rate: Rate, round_up: bool, issue: Issue | None = None
) -> STAmount:
    """amount / rate rounded as asked, in `issue` (default: the amount's), as divideRound."""
    if rate.value == QUALITY_ONE:
        return amount
    return div_round(amount, rate.amount, amount.issue if issue is None else issue, round_up)
