"""Quality: the 64-bit exchange rate that orders an order book (rippled's Quality).

A quality stores in / out of an offer (what the taker pays per unit received) in the STAmount
rate encoding of get_rate: exponent + 100 in the top 8 bits, a 56-bit mantissa below. A LOWER
stored value is a BETTER quality for the taker, so `q1 > q2` means q1 is better, exactly as
rippled's operators; a book sorts ascending by `value` to put the best offer first.

ceil_in / ceil_out scale an offer's (in, out) down to a limit on one side at the quality's rate
and clamp the other side so the offer never gives more than it has (rippled's ceil_in_impl /
ceil_out_impl). The plain forms use div_round / mul_round, the strict forms the *_strict
functions, each with the caller's rounding direction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NoReturn

from xpay.amounts.arithmetic import (
    amount_from_quality,
    div_round,
    div_round_strict,
    get_rate,
    mul_round,
    mul_round_strict,
)
from xpay.amounts.errors import AmountError
from xpay.amounts.st_amount import STAmount
from xpay.amounts.xrp_amount import _mixed_equality

_UINT64_MAX = (1 << 64) - 1
_MANTISSA_MASK_56 = (1 << 56) - 1
# Quality::round's modulus table: rounding to `digits` significant digits of the 16.
_ROUND_MODULUS = tuple(10 ** (16 - digits) for digits in range(17))


class Quality:
    """An offer's rate in / out as rippled's 64-bit Quality; lower value = better for the taker."""

    __slots__ = ("_rate", "value")

    value: int
    """The raw uint64 encoding; sort ascending for best-first."""
    _rate: STAmount | None
    _amount_kind: ClassVar[str] = "Quality"
    MIN_TICK_SIZE: ClassVar[int] = 3
    MAX_TICK_SIZE: ClassVar[int] = 16

    def __init__(self, value: int) -> None:
        if type(value) is not int:
            raise TypeError(f"Quality takes an int, not {type(value).__name__}")
        if not 0 <= value <= _UINT64_MAX:
            raise AmountError(f"a quality is a uint64, got {value}")
        _set_value(self, value)
        _set_rate(self, None)

    @classmethod
    def from_amounts(cls, out: STAmount, in_: STAmount) -> Quality:
        """The quality of an offer paying `out` (TakerGets) for `in_` (TakerPays): get_rate."""
        return _quality(get_rate(out, in_))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Quality is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Quality is immutable (cannot delete {name!r})")

    def __reduce__(self) -> tuple[type[Quality], tuple[int]]:
        return (Quality, (self.value,))

    def __copy__(self) -> Quality:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Quality:
        return self

    def rate(self) -> STAmount:
        """in / out as an STAmount of NO_ISSUE (rippled's Quality::rate)."""
        rate = self._rate
        if rate is None:
            rate = amount_from_quality(self.value)
            _set_rate(self, rate)
        return rate

    def increment(self) -> Quality:
        """The next better quality (rippled's operator++: the stored value minus one)."""
        if self.value == 0:
            raise AmountError("Quality(0) has no better quality")
        return _quality(self.value - 1)

    def decrement(self) -> Quality:
        """The next worse quality (rippled's operator--: the stored value plus one)."""
        if self.value == _UINT64_MAX:
            raise AmountError("the worst quality has no worse quality")
        return _quality(self.value + 1)

    def round(self, digits: int) -> Quality:
        """Round the rate UP to `digits` significant digits (rippled's Quality::round, tick size).

        Rounding the rate up makes the quality no better than it was.
        """
        if not 0 <= digits <= 16:
            raise AmountError(f"Quality.round takes 0..16 digits, got {digits}")
        modulus = _ROUND_MODULUS[digits]
        mantissa = (self.value & _MANTISSA_MASK_56) + modulus - 1
        mantissa -= mantissa % modulus
        return _quality((self.value >> 56 << 56) | mantissa)

    # -- scaling an offer to a limit ----------------------------------------------------------

    def ceil_in(
        self, in_: STAmount, out: STAmount, limit: STAmount, round_up: bool = True
    ) -> tuple[STAmount, STAmount]:
        """(in, out) with `in` capped at `limit`; out = limit / rate, never above `out`."""
        if in_ > limit:
            result_out = div_round(limit, self.rate(), out.issue, round_up)
            if result_out > out:
                result_out = out
            return limit, result_out
        return in_, out

    def ceil_in_strict(
        self, in_: STAmount, out: STAmount, limit: STAmount, round_up: bool
    ) -> tuple[STAmount, STAmount]:
        """ceil_in with div_round_strict (rippled's ceil_in_strict)."""
        if in_ > limit:
            result_out = div_round_strict(limit, self.rate(), out.issue, round_up)
            if result_out > out:
                result_out = out
            return limit, result_out
        return in_, out

    def ceil_out(
        self, in_: STAmount, out: STAmount, limit: STAmount, round_up: bool = True
    ) -> tuple[STAmount, STAmount]:
        """(in, out) with `out` capped at `limit`; in = limit * rate, never above `in_`."""
        if out > limit:
            result_in = mul_round(limit, self.rate(), in_.issue, round_up)
            if result_in > in_:
                result_in = in_
            return result_in, limit
        return in_, out

    def ceil_out_strict(
        self, in_: STAmount, out: STAmount, limit: STAmount, round_up: bool
    ) -> tuple[STAmount, STAmount]:
        """ceil_out with mul_round_strict (rippled's ceil_out_strict)."""
        if out > limit:
            result_in = mul_round_strict(limit, self.rate(), in_.issue, round_up)
            if result_in > in_:
                result_in = in_
            return result_in, limit
        return in_, out

    # -- comparisons: higher quality = lower stored value -------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is Quality:
            return self.value == other.value
        return _mixed_equality(self, other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: Quality) -> bool:
        if type(other) is not Quality:
            return NotImplemented
        return self.value > other.value

    def __le__(self, other: Quality) -> bool:
        if type(other) is not Quality:
            return NotImplemented
        return self.value >= other.value

    def __gt__(self, other: Quality) -> bool:
        if type(other) is not Quality:
            return NotImplemented
        return self.value < other.value

    def __ge__(self, other: Quality) -> bool:
        if type(other) is not Quality:
            return NotImplemented
        return self.value <= other.value

    def __repr__(self) -> str:
        return f"Quality(0x{self.value:016X})"


_set_value: Callable[[Quality, int], None] = Quality.__dict__["value"].__set__
_set_rate: Callable[[Quality, STAmount | None], None] = Quality.__dict__["_rate"].__set__


class _QualityBlank:
    """Quality's slot layout without its write guard (see iou_amount._iou for why)."""

    __slots__ = Quality.__slots__
    value: int
    _rate: STAmount | None


def _quality(value: int) -> Quality:
    quality = _QualityBlank()
    quality.value = value
    quality._rate = None
    quality.__class__ = Quality  # type: ignore[assignment]
    return quality  # type: ignore[return-value]


def composed_quality(lhs: Quality, rhs: Quality) -> Quality:
    """The quality of two hops in sequence: the rates multiplied, rounded up (worse).

    rippled's composed_quality; both qualities must be non-zero.
    """
    lhs_rate = lhs.rate()
    rhs_rate = rhs.rate()
    if lhs_rate.mantissa == 0 or rhs_rate.mantissa == 0:
        raise AmountError("composed_quality needs two non-zero qualities")
    rate = mul_round(lhs_rate, rhs_rate, lhs_rate.issue, True)
    stored_exponent = rate.exponent + 100
    if not 0 < stored_exponent <= 255:
        raise AmountError(f"composed quality exponent {rate.exponent} cannot be encoded")
    return _quality((stored_exponent << 56) | rate.mantissa)
