"""IOUAmount: an issued-currency value with rippled's classic (pre-`Number`) semantics.

A value is mantissa * 10**exponent, kept normalised: zero is (0, -100) so it sorts below every
positive value; otherwise 10**15 <= |mantissa| <= 10**16 - 1 and -96 <= exponent <= 80. Values
too small to represent become zero, values too large raise AmountOverflow (rippled's
IOUAmount::normalize and STAmount::canonicalize). Addition aligns the exponents by truncating
the smaller operand toward zero, and a sum within 10 units of the last place of the larger
operand's scale is zero, exactly as rippled's classic operator+.

The module-level functions work on bare (mantissa, exponent) pairs so that STAmount shares the
same arithmetic without building intermediate IOUAmount objects.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any, ClassVar, NoReturn

from xpay.amounts.errors import AmountOverflow
from xpay.amounts.text import format_amount_text, parse_amount_text
from xpay.amounts.xrp_amount import UINT32_MAX, _mixed_equality

MIN_MANTISSA = 10**15
MAX_MANTISSA = 10**16 - 1
MIN_EXPONENT = -96
MAX_EXPONENT = 80
ZERO_EXPONENT = -100
"""The exponent of a zero IOU value: below every real exponent, so zero sorts first."""

_POW10: tuple[int, ...] = tuple(10**i for i in range(64))
_TWICE_MAX_MANTISSA = 2 * MAX_MANTISSA
_TEN17 = 10**17
_TEN18 = 10**18


def decimal_digits(value: int) -> int:
    """Number of decimal digits of a positive int, without string work."""
    if value < _POW10[-1]:
        return bisect_right(_POW10, value)
    # Only absurd constructor arguments get here; bit_length * log10(2) estimates the count.
    digits = ((value.bit_length() * 1233) >> 12) + 1
    while value >= 10**digits:
        digits += 1
    while digits > 1 and value < 10 ** (digits - 1):
        digits -= 1
    return digits


def pow10(n: int) -> int:
    """10**n for n >= 0, from a table for the common small n."""
    if n < 64:
        return _POW10[n]
    result: int = 10**n
    return result


def normalize_iou(mantissa: int, exponent: int) -> tuple[int, int]:
    """Canonical (mantissa, exponent) of an issued-currency value, as classic normalize().

    Digits beyond the sixteenth are truncated (toward zero); values below 10**15 * 10**-96
    become zero; a value whose exponent would exceed 80 raises AmountOverflow.
    """
    if mantissa == 0:
        return 0, ZERO_EXPONENT
    negative = mantissa < 0
    magnitude = -mantissa if negative else mantissa
    if magnitude < MIN_MANTISSA:
        if exponent > MIN_EXPONENT:
            # rippled multiplies by ten while the exponent stays above -96.
            shift = 16 - decimal_digits(magnitude)
            room = exponent - MIN_EXPONENT
            if shift > room:
                shift = room
            magnitude *= _POW10[shift]
            exponent -= shift
        if magnitude < MIN_MANTISSA:
            return 0, ZERO_EXPONENT
    elif magnitude > MAX_MANTISSA:
        shift = decimal_digits(magnitude) - 16
        magnitude //= pow10(shift)
        exponent += shift
    if exponent > MAX_EXPONENT:
        raise AmountOverflow(
            f"IOU exponent {exponent} out of range [{MIN_EXPONENT}, {MAX_EXPONENT}]: "
            f"{format_amount_text(-magnitude if negative else magnitude, exponent)} is too large"
        )
    if exponent < MIN_EXPONENT:
        return 0, ZERO_EXPONENT
    return (-magnitude if negative else magnitude), exponent


def add_iou(m1: int, e1: int, m2: int, e2: int) -> tuple[int, int]:
    """Classic IOU addition of two normalised non-zero values (IOUAmount::operator+=).

    The operand with the smaller exponent is scaled to the larger one by truncating division;
    a sum in [-10, 10] at that scale is treated as zero (rippled's guard against dust left by
    the truncation), anything else is normalised.
    """
    if e1 != e2:
        # Divide by 10**places truncating toward zero, as C++ integer division does. A
        # canonical mantissa has 16 digits, so a larger shift leaves nothing.
        if e1 < e2:
            places = e2 - e1
            if places > 16:
                m1 = 0
            else:
                divisor = _POW10[places]
                m1 = m1 // divisor if m1 >= 0 else -(-m1 // divisor)
            e1 = e2
        else:
            places = e1 - e2
            if places > 16:
                m2 = 0
            else:
                divisor = _POW10[places]
                m2 = m2 // divisor if m2 >= 0 else -(-m2 // divisor)
    total = m1 + m2
    magnitude = total if total >= 0 else -total
    if magnitude <= 10:
        return 0, ZERO_EXPONENT
    if MIN_MANTISSA <= magnitude <= MAX_MANTISSA:
        return total, e1
    if MAX_MANTISSA < magnitude <= _TWICE_MAX_MANTISSA and e1 < MAX_EXPONENT:
        # A carry into a 17th digit: one truncating division restores 16.
        magnitude //= 10
        return (magnitude if total > 0 else -magnitude), e1 + 1
    return normalize_iou(total, e1)


def iou_less(m1: int, e1: int, m2: int, e2: int) -> bool:
    """m1 * 10**e1 < m2 * 10**e2 for canonical values, as rippled's operator< (sign, exponent,
    mantissa)."""
    # Different signs, a zero, or equal exponents: the mantissas alone decide.
    if e1 == e2 or not m1 or not m2 or (m1 < 0) != (m2 < 0):
        return m1 < m2
    # Same sign, different exponents: the larger exponent has the larger magnitude.
    return (e1 < e2) if m1 > 0 else (e1 > e2)


def canonical_iou(magnitude: int, exponent: int, negative: bool) -> tuple[int, int]:
    """normalize_iou for a magnitude and a sign, fast for the 16- to 18-digit magnitudes that
    products and quotients of canonical mantissas produce."""
    if magnitude > MAX_MANTISSA:
        if magnitude < _TEN17:
            magnitude //= 10
            exponent += 1
        elif magnitude < _TEN18:
            magnitude //= 100
            exponent += 2
    if MIN_MANTISSA <= magnitude <= MAX_MANTISSA and MIN_EXPONENT <= exponent <= MAX_EXPONENT:
        return (-magnitude if negative else magnitude), exponent
    return normalize_iou(-magnitude if negative else magnitude, exponent)


class IOUAmount:
    """An issued-currency value without its issue (rippled's IOUAmount, classic arithmetic).

    `IOUAmount(mantissa, exponent)` normalises; the stored fields are always canonical.
    """

    __slots__ = ("exponent", "mantissa")

    mantissa: int
    exponent: int
    _amount_kind: ClassVar[str] = "IOUAmount"
    ZERO: ClassVar[IOUAmount]

    def __init__(self, mantissa: int, exponent: int) -> None:
        if type(mantissa) is not int or type(exponent) is not int:
            raise TypeError("IOUAmount takes an int mantissa and an int exponent")
        mantissa, exponent = normalize_iou(mantissa, exponent)
        _set_mantissa(self, mantissa)
        _set_exponent(self, exponent)

    @classmethod
    def normalize(cls, mantissa: int, exponent: int) -> IOUAmount:
        """The canonical IOUAmount for mantissa * 10**exponent (same as the constructor)."""
        return IOUAmount(mantissa, exponent)

    @classmethod
    def from_string(cls, text: str) -> IOUAmount:
        """Parse value text as rippled's amountFromString does for an issued currency."""
        mantissa, exponent, negative = parse_amount_text(text)
        m, e = normalize_iou(-mantissa if negative else mantissa, exponent)
        return _iou(m, e)

    @classmethod
    def min_positive(cls) -> IOUAmount:
        """The smallest positive IOU value, 10**15 * 10**-96 (rippled's minPositiveAmount)."""
        return _MIN_POSITIVE

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"IOUAmount is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"IOUAmount is immutable (cannot delete {name!r})")

    def __reduce__(self) -> tuple[type[IOUAmount], tuple[int, int]]:
        return (IOUAmount, (self.mantissa, self.exponent))

    def __copy__(self) -> IOUAmount:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> IOUAmount:
        return self

    # -- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: IOUAmount) -> IOUAmount:
        if type(other) is not IOUAmount:
            return NotImplemented
        if other.mantissa == 0:
            return self
        if self.mantissa == 0:
            return other
        m, e = add_iou(self.mantissa, self.exponent, other.mantissa, other.exponent)
        return _iou(m, e)

    def __sub__(self, other: IOUAmount) -> IOUAmount:
        if type(other) is not IOUAmount:
            return NotImplemented
        if other.mantissa == 0:
            return self
        if self.mantissa == 0:
            return _iou(-other.mantissa, other.exponent)
        m, e = add_iou(self.mantissa, self.exponent, -other.mantissa, other.exponent)
        return _iou(m, e)

    def __neg__(self) -> IOUAmount:
        if self.mantissa == 0:
            return self
        return _iou(-self.mantissa, self.exponent)

    def __pos__(self) -> IOUAmount:
        return self

    def __abs__(self) -> IOUAmount:
        if self.mantissa >= 0:
            return self
        return _iou(-self.mantissa, self.exponent)

    def signum(self) -> int:
        """-1, 0 or 1 as the value is negative, zero or positive."""
        m = self.mantissa
        return (m > 0) - (m < 0)

    def __bool__(self) -> bool:
        return self.mantissa != 0

    def mul_ratio(self, num: int, den: int, round_up: bool) -> IOUAmount:
        """self * num / den for uint32 num and den, as rippled's mulRatio(IOUAmount).

        The quotient is computed with extra digits from the remainder, truncated to a canonical
        value, then moved one unit in the last place away from zero when a remainder was seen
        and the caller asked to round that way (up for positive values, down for negative).
        A rounded-up positive result that underflowed is the smallest positive value.
        """
        if not (0 <= num <= UINT32_MAX and 0 <= den <= UINT32_MAX):
            raise AmountOverflow(f"mul_ratio takes uint32 num and den, got {num} / {den}")
        if den == 0:
            raise ZeroDivisionError("mul_ratio: division by zero")
        negative = self.mantissa < 0
        product = (-self.mantissa if negative else self.mantissa) * num
        low, remainder = divmod(product, den)
        exponent = self.exponent
        if remainder:
            # Grow `low` to 18 digits (the int64 room rippled keeps) and fold in the remainder.
            room = 18 - _log10_ceil(low)
            if room > 0:
                exponent -= room
                low *= _POW10[room]
                remainder *= _POW10[room]
            extra, remainder = divmod(remainder, den)
            low += extra
        has_remainder = remainder != 0
        shrink = _log10_ceil(low) - 18
        if shrink > 0:
            kept = low // _POW10[shrink]
            if not has_remainder:
                has_remainder = low != kept * _POW10[shrink]
            low = kept
            exponent += shrink
        m, e = normalize_iou(-low if negative else low, exponent)
        if has_remainder:
            if round_up and not negative:
                if m == 0:
                    return _MIN_POSITIVE
                return IOUAmount(m + 1, e)
            if not round_up and negative:
                if m == 0:
                    return _iou(-MIN_MANTISSA, MIN_EXPONENT)
                return IOUAmount(m - 1, e)
        return _iou(m, e)

    # -- comparisons --------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is IOUAmount:
            return self.mantissa == other.mantissa and self.exponent == other.exponent
        return _mixed_equality(self, other)

    def __hash__(self) -> int:
        return hash((self.mantissa, self.exponent))

    def __lt__(self, other: IOUAmount) -> bool:
        if type(other) is not IOUAmount:
            return NotImplemented
        return iou_less(self.mantissa, self.exponent, other.mantissa, other.exponent)

    def __le__(self, other: IOUAmount) -> bool:
        if type(other) is not IOUAmount:
            return NotImplemented
        return not iou_less(other.mantissa, other.exponent, self.mantissa, self.exponent)

    def __gt__(self, other: IOUAmount) -> bool:
        if type(other) is not IOUAmount:
            return NotImplemented
        return iou_less(other.mantissa, other.exponent, self.mantissa, self.exponent)

    def __ge__(self, other: IOUAmount) -> bool:
        if type(other) is not IOUAmount:
            return NotImplemented
        return not iou_less(self.mantissa, self.exponent, other.mantissa, other.exponent)

    # -- text ---------------------------------------------------------------------------------

    def to_string(self) -> str:
        """The value as rippled's STAmount::getText renders it ("1.5", "-2", "1e-90", "0")."""
        return format_amount_text(self.mantissa, self.exponent)

    def __str__(self) -> str:
        return format_amount_text(self.mantissa, self.exponent)

    def __repr__(self) -> str:
        return f"IOUAmount({self.mantissa}, {self.exponent})"


_set_mantissa: Callable[[IOUAmount, int], None] = IOUAmount.__dict__["mantissa"].__set__
_set_exponent: Callable[[IOUAmount, int], None] = IOUAmount.__dict__["exponent"].__set__


class _IOUBlank:
    """IOUAmount's slot layout without its write guard: the hot path's building form (_iou)."""

    __slots__ = IOUAmount.__slots__
    mantissa: int
    exponent: int


def _iou(mantissa: int, exponent: int) -> IOUAmount:
    """Build an IOUAmount from an already canonical pair (the hot path: no checks).

    The write guard leaves only the slot descriptors to fill an IOUAmount, and two descriptor
    calls cost more than an addition. Filling a guard-free twin with the identical slot layout
    and then re-labelling it (a `__class__` assignment, which CPython allows between identical
    layouts) takes half the time; the result is an ordinary, guarded IOUAmount.
    """
    amount = _IOUBlank()
    amount.mantissa = mantissa
    amount.exponent = exponent
    amount.__class__ = IOUAmount  # type: ignore[assignment]
    return amount  # type: ignore[return-value]


def _log10_ceil(value: int) -> int:
    """Smallest n with 10**n >= value (0 for value <= 1), as mulRatio's log10Ceil."""
    if value <= 1:
        return 0
    return decimal_digits(value - 1)


IOUAmount.ZERO = _iou(0, ZERO_EXPONENT)
_MIN_POSITIVE = _iou(MIN_MANTISSA, MIN_EXPONENT)
