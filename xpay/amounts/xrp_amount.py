"""XRPAmount: a signed count of drops, as rippled's XRPAmount (an int64 wrapper).

One XRP is 1,000,000 drops; the network started with INITIAL_XRP = 100 billion XRP = 10**17 drops,
which is also the largest native amount the wire format accepts (rippled's cMaxNativeN). The type
itself only guards the int64 range, as rippled's does, so intermediate sums may exceed 10**17;
STAmount enforces the wire range.

Values are immutable and slotted; arithmetic and comparisons only accept another XRPAmount, so
adding drops to an IOU value is a TypeError at the line that does it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NoReturn

from xpay.amounts.errors import AmountOverflow

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
UINT32_MAX = (1 << 32) - 1
DROPS_PER_XRP = 1_000_000


class XRPAmount:
    """A signed number of drops (rippled's XRPAmount)."""

    __slots__ = ("drops",)

    drops: int
    _amount_kind: ClassVar[str] = "XRPAmount"
    ZERO: ClassVar[XRPAmount]
    MAX: ClassVar[XRPAmount]
    """The largest native amount that can exist: INITIAL_XRP, 10**17 drops (cMaxNativeN)."""

    def __init__(self, drops: int) -> None:
        if type(drops) is not int:
            raise TypeError(f"XRPAmount takes an int number of drops, not {type(drops).__name__}")
        if not INT64_MIN <= drops <= INT64_MAX:
            raise AmountOverflow(f"XRP amount {drops} drops is outside the int64 range")
        _set_drops(self, drops)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"XRPAmount is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"XRPAmount is immutable (cannot delete {name!r})")

    def __reduce__(self) -> tuple[type[XRPAmount], tuple[int]]:
        return (XRPAmount, (self.drops,))

    def __copy__(self) -> XRPAmount:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> XRPAmount:
        return self

    # -- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: XRPAmount) -> XRPAmount:
        if type(other) is not XRPAmount:
            return NotImplemented
        return _checked(self.drops + other.drops)

    def __sub__(self, other: XRPAmount) -> XRPAmount:
        if type(other) is not XRPAmount:
            return NotImplemented
        return _checked(self.drops - other.drops)

    def __neg__(self) -> XRPAmount:
        return _checked(-self.drops)

    def __pos__(self) -> XRPAmount:
        return self

    def __abs__(self) -> XRPAmount:
        return self if self.drops >= 0 else _checked(-self.drops)

    def signum(self) -> int:
        """-1, 0 or 1 as the amount is negative, zero or positive."""
        drops = self.drops
        return (drops > 0) - (drops < 0)

    def __bool__(self) -> bool:
        return self.drops != 0

    def mul_ratio(self, num: int, den: int, round_up: bool) -> XRPAmount:
        """self * num / den with uint32 num and den, rounded as rippled's mulRatio(XRPAmount).

        The exact quotient is truncated toward zero, then moved one drop away from zero when
        there is a remainder and the caller asked to round in that direction (up for positive
        amounts, down for negative ones).
        """
        _check_ratio(num, den)
        product = self.drops * num
        magnitude, remainder = divmod(-product if product < 0 else product, den)
        result = -magnitude if product < 0 else magnitude
        if remainder:
            if product >= 0 and round_up:
                result += 1
            elif product < 0 and not round_up:
                result -= 1
        return _checked(result)

    # -- comparisons --------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is XRPAmount:
            return self.drops == other.drops
        return _mixed_equality(self, other)

    def __hash__(self) -> int:
        return hash(self.drops)

    def __lt__(self, other: XRPAmount) -> bool:
        if type(other) is not XRPAmount:
            return NotImplemented
        return self.drops < other.drops

    def __le__(self, other: XRPAmount) -> bool:
        if type(other) is not XRPAmount:
            return NotImplemented
        return self.drops <= other.drops

    def __gt__(self, other: XRPAmount) -> bool:
        if type(other) is not XRPAmount:
            return NotImplemented
        return self.drops > other.drops

    def __ge__(self, other: XRPAmount) -> bool:
        if type(other) is not XRPAmount:
            return NotImplemented
        return self.drops >= other.drops

    # -- text ---------------------------------------------------------------------------------

    def to_string(self) -> str:
        """The drops as a decimal integer, as rippled's to_string(XRPAmount)."""
        return str(self.drops)

    def __str__(self) -> str:
        return str(self.drops)

    def __repr__(self) -> str:
        return f"XRPAmount({self.drops})"


_set_drops: Callable[[XRPAmount, int], None] = XRPAmount.__dict__["drops"].__set__


class _XRPBlank:
    """XRPAmount's slot layout without its write guard (see iou_amount._iou for why)."""

    __slots__ = XRPAmount.__slots__
    drops: int


def _xrp(drops: int) -> XRPAmount:
    """Build an XRPAmount from drops already known to be an in-range int (the hot path)."""
    amount = _XRPBlank()
    amount.drops = drops
    amount.__class__ = XRPAmount  # type: ignore[assignment]
    return amount  # type: ignore[return-value]


def _checked(drops: int) -> XRPAmount:
    if INT64_MIN <= drops <= INT64_MAX:
        return _xrp(drops)
    raise AmountOverflow(f"XRP amount {drops} drops is outside the int64 range")


def xrp_of(drops: int) -> XRPAmount:
    """XRPAmount(drops) for a value computed from other amounts' drops (so known to be an int):
    the int64 range is checked, the type is not. The engine's hot paths (fees, balances) build
    one per transaction and more."""
    if INT64_MIN <= drops <= INT64_MAX:
        return _xrp(drops)
    raise AmountOverflow(f"XRP amount {drops} drops is outside the int64 range")


def _check_ratio(num: int, den: int) -> None:
    if not (0 <= num <= UINT32_MAX and 0 <= den <= UINT32_MAX):
        raise AmountOverflow(f"mul_ratio takes uint32 num and den, got {num} / {den}")
    if den == 0:
        raise ZeroDivisionError("mul_ratio: division by zero")


def _mixed_equality(amount: object, other: object) -> bool:
    """Equality with a foreign object: a TypeError for another number-like kind, else unequal.

    Comparing drops with an IOU value or a bare int is a bug the XRPL's type system would refuse
    to compile; anything else (None, a string) is simply not equal.
    """
    if isinstance(other, int) or hasattr(other, "_amount_kind"):
        raise TypeError(
            f"cannot compare {type(amount).__name__} with {type(other).__name__}: "
            "amounts of different kinds are not comparable"
        )
    return False


XRPAmount.ZERO = _xrp(0)
INITIAL_XRP = _xrp(100_000_000_000 * DROPS_PER_XRP)
"""The XRP created in the genesis ledger, 10**17 drops; no more can ever exist."""
XRPAmount.MAX = INITIAL_XRP
