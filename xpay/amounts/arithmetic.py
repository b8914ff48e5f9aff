"""Multiplication, division and rates of STAmounts: rippled's classic STAmount arithmetic.

Operands are taken as unsigned mantissas with a sign; XRP drop counts below 10**15 are scaled
up by powers of ten to 16 digits (larger drop counts are used as they are). The mantissas are
combined in exact integer arithmetic and the result is canonicalised in the requested issue:

* multiply: floor(m1 * m2 / 10**14) + 7 at exponent e1 + e2 + 14, then truncated to 16 digits;
* divide:   floor(m1 * 10**17 / m2) + 5 at exponent e1 - e2 - 17, then truncated.

The "+7" and "+5" are rippled's and part of the values every validator must agree on. (With
two 16-digit operands they only touch the 17th or 18th digit; a drop count of 17 digits makes
the intermediate one digit shorter and moves them into the last place, as in rippled.)

mul_round / div_round take an explicit direction: round_up=True rounds toward +infinity,
False toward -infinity (for a negative result the magnitude is rounded the other way).
Rounding toward zero is exact truncation. Rounding away from zero reproduces rippled's
canonicalizeRound, which is *not* an exact directed rounding:

* IOU results: an 18-digit intermediate loses its last digit before the 17th is rounded up,
  so a "rounded up" result can fall short of the exact value by under a tenth of a unit in the
  last place (7 / 6.7 rounds "up" to 1.044776119402985 < 1.04477611940298507...).
* XRP results: the value is truncated to tenths of a drop first, so a remainder under 0.1 drop
  is lost (21 drops * 1.05 "rounds up" to 22), and a result computed with exactly one digit
  below the drop always gains a drop, even when that digit is zero.

mul_round_strict (rippled's mulRoundStrict) tracks every discarded digit for XRP results and is
a true ceiling there; for IOU results it is the same as mul_round. In classic arithmetic
div_round_strict is identical to div_round, as in rippled. A positive result rounded up never
comes out as zero: it becomes the smallest positive amount (1 drop, or 10**15 * 10**-96).

get_rate and amount_from_quality convert between an offer's in/out ratio and the 64-bit quality
encoding: the exponent + 100 in the top 8 bits, the 56-bit mantissa below.
"""

from __future__ import annotations

from xpay.amounts.errors import AmountError, AmountOverflow
from xpay.amounts.iou_amount import (
    MAX_MANTISSA,
    MIN_EXPONENT,
    MIN_MANTISSA,
    canonical_iou,
    decimal_digits,
    pow10,
)
from xpay.amounts.issue import NO_ISSUE, Issue
from xpay.amounts.st_amount import STAmount, _st, canonical

_TEN14 = 10**14
_TEN14_MINUS_1 = _TEN14 - 1
_TEN17 = 10**17
_UINT64_MAX = (1 << 64) - 1
_TEN_MAX_MANTISSA = 10 * MAX_MANTISSA
_MANTISSA_MASK_56 = (1 << 56) - 1
_MAX_NATIVE_DROPS = 10**17


def _zero(issue: Issue) -> STAmount:
    return _st(0, 0 if issue.is_xrp else -100, issue, issue.is_xrp)


def _native_product(a1: int, a2: int, negative: bool, issue: Issue) -> STAmount:
    """XRP * XRP in XRP: an exact product of drops, with rippled's overflow guards."""
    low, high = (a1, a2) if a1 < a2 else (a2, a1)
    # rippled: min > sqrt(cMaxNative) or (max >> 32) * min > cMaxNative / 2**32 overflows.
    if low > 3_000_000_000 or (high >> 32) * low > 2_095_475_792:
        raise AmountOverflow(f"native value overflow: {a1} * {a2} drops")
    product = low * high
    if product > _MAX_NATIVE_DROPS:
        raise AmountOverflow(f"native value overflow: {a1} * {a2} = {product} drops")
    return _st(-product if negative else product, 0, issue, True)


def _check_uint64(value: int, what: str) -> int:
    # rippled computes these intermediates in 128 bits and throws if they exceed 64.
    if value > _UINT64_MAX:
        raise AmountOverflow(f"overflow: {what} = {value} does not fit in 64 bits")
    return value


def multiply(v1: STAmount, v2: STAmount, issue: Issue) -> STAmount:
    """v1 * v2 expressed in `issue` (rippled's multiply)."""
    m1 = v1.mantissa
    m2 = v2.mantissa
    if m1 == 0 or m2 == 0:
        return _zero(issue)
    negative = (m1 < 0) != (m2 < 0)
    a1 = -m1 if m1 < 0 else m1
    a2 = -m2 if m2 < 0 else m2
    if v1.native and v2.native and issue.is_xrp:
        return _native_product(a1, a2, negative, issue)
    e1 = v1.exponent
    e2 = v2.exponent
    if a1 < MIN_MANTISSA:  # only XRP drops can be below the IOU mantissa range
        shift = 16 - decimal_digits(a1)
        a1 *= pow10(shift)
        e1 -= shift
    if a2 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a2)
        a2 *= pow10(shift)
        e2 -= shift
    product = _check_uint64(a1 * a2 // _TEN14, "multiply")
    return canonical(product + 7, e1 + e2 + 14, negative, issue)


def divide(num: STAmount, den: STAmount, issue: Issue) -> STAmount:
    """num / den expressed in `issue` (rippled's divide)."""
    d = den.mantissa
    if d == 0:
        raise ZeroDivisionError(f"division by zero: {num!r} / {den!r}")
    n = num.mantissa
    if n == 0:
        return _zero(issue)
    negative = (n < 0) != (d < 0)
    a1 = -n if n < 0 else n
    a2 = -d if d < 0 else d
    e1 = num.exponent
    e2 = den.exponent
    if a1 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a1)
        a1 *= pow10(shift)
        e1 -= shift
    if a2 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a2)
        a2 *= pow10(shift)
        e2 -= shift
    quotient = _check_uint64(a1 * _TEN17 // a2, "divide")
    return canonical(quotient + 5, e1 - e2 - 17, negative, issue)


def _round_drops_legacy(value: int, offset: int) -> int:
    """canonicalizeRound for an XRP result: whole drops, rounded away from zero rippled's way.

    The value is truncated to tenths of a drop, then 10 (when one digit was dropped so far) or 9
    (more than one) is added before the final division by ten. So a remainder under a tenth of
    a drop is lost, and an exact tenths value always gains a drop: rippled's legacy rounding.
    """
    if offset >= 0:
        return value * pow10(offset)
    loops = -1 - offset
    if loops > 0:
        value //= pow10(loops)
    return (value + (9 if loops >= 2 else 10)) // 10


def _round_drops_strict(value: int, offset: int, round_up: bool) -> int:
    """canonicalizeRoundStrict for an XRP result: every discarded digit counts.

    Adds 10 before the final division only when a dropped digit was non-zero and the caller
    rounds up (so a positive result is a true ceiling), and 9 otherwise.
    """
    if offset >= 0:
        return value * pow10(offset)
    loops = -1 - offset
    had_remainder = False
    if loops > 0:
        divisor = pow10(loops)
        had_remainder = value % divisor != 0
        value //= divisor
    return (value + (10 if had_remainder and round_up else 9)) // 10


def _round_iou(value: int, offset: int) -> tuple[int, int]:
    """canonicalizeRound for an IOU result (the strict form is the same).

    Truncate to 17 digits, then add 9 before dropping the 17th: a round-up of the 17th digit
    only, which is why a "rounded up" IOU result can miss an 18th digit of remainder.
    """
    while value > _TEN_MAX_MANTISSA:
        value //= 10
        offset += 1
    return (value + 9) // 10, offset + 1


def _smallest_positive(issue: Issue) -> STAmount:
    if issue.is_xrp:
        return _st(1, 0, issue, True)
    return _st(MIN_MANTISSA, MIN_EXPONENT, issue, False)


def _mul_round(v1: STAmount, v2: STAmount, issue: Issue, round_up: bool, strict: bool) -> STAmount:
    m1 = v1.mantissa
    m2 = v2.mantissa
    if m1 == 0 or m2 == 0:
        return _zero(issue)
    negative = (m1 < 0) != (m2 < 0)
    a1 = -m1 if m1 < 0 else m1
    a2 = -m2 if m2 < 0 else m2
    xrp = issue.is_xrp
    if v1.native and v2.native and xrp:
        return _native_product(a1, a2, negative, issue)
    e1 = v1.exponent
    e2 = v2.exponent
    if a1 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a1)
        a1 *= pow10(shift)
        e1 -= shift
    if a2 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a2)
        a2 *= pow10(shift)
        e2 -= shift
    # Round the magnitude away from zero when that is the direction asked for (up for a
    # positive result, down for a negative one); otherwise truncation does the job.
    away = negative != round_up
    product = a1 * a2
    value = _check_uint64((product + _TEN14_MINUS_1) // _TEN14 if away else product // _TEN14, "mul_round")
    offset = e1 + e2 + 14
    if away:
        if xrp:
            if strict:
                value = _round_drops_strict(value, offset, round_up)
            else:
                value = _round_drops_legacy(value, offset)
            offset = 0
        elif value > MAX_MANTISSA:
            value, offset = _round_iou(value, offset)
    result = canonical(value, offset, negative, issue)
    if round_up and not negative and result.mantissa == 0:
        return _smallest_positive(issue)
    return result


def mul_round(v1: STAmount, v2: STAmount, issue: Issue, round_up: bool) -> STAmount:
    """v1 * v2 in `issue`, rounded up (toward +inf) or down, as rippled's mulRound."""
    return _mul_round(v1, v2, issue, round_up, False)


def mul_round_strict(v1: STAmount, v2: STAmount, issue: Issue, round_up: bool) -> STAmount:
    """As mul_round, but XRP results see every discarded digit (rippled's mulRoundStrict)."""
    return _mul_round(v1, v2, issue, round_up, True)


def div_round(num: STAmount, den: STAmount, issue: Issue, round_up: bool) -> STAmount:
    """num / den in `issue`, rounded up (toward +inf) or down, as rippled's divRound."""
    d = den.mantissa
    if d == 0:
        raise ZeroDivisionError(f"division by zero: {num!r} / {den!r}")
    n = num.mantissa
    if n == 0:
        return _zero(issue)
    negative = (n < 0) != (d < 0)
    a1 = -n if n < 0 else n
    a2 = -d if d < 0 else d
    e1 = num.exponent
    e2 = den.exponent
    if a1 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a1)
        a1 *= pow10(shift)
        e1 -= shift
    if a2 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a2)
        a2 *= pow10(shift)
        e2 -= shift
    away = negative != round_up
    scaled = a1 * _TEN17
    value = _check_uint64((scaled + a2 - 1) // a2 if away else scaled // a2, "div_round")
    offset = e1 - e2 - 17
    xrp = issue.is_xrp
    if away:
        # rippled's divRoundImpl uses the legacy rounding for both divRound and divRoundStrict.
        if xrp:
            value = _round_drops_legacy(value, offset)
            offset = 0
        elif value > MAX_MANTISSA:
            value, offset = _round_iou(value, offset)
    result = canonical(value, offset, negative, issue)
    if round_up and not negative and result.mantissa == 0:
        return _smallest_positive(issue)
    return result


def div_round_strict(num: STAmount, den: STAmount, issue: Issue, round_up: bool) -> STAmount:
    """rippled's divRoundStrict; with classic arithmetic it computes exactly what div_round does."""
    return div_round(num, den, issue, round_up)


def get_rate(offer_out: STAmount, offer_in: STAmount) -> int:
    """The 64-bit quality of an offer: in / out, encoded; 0 for a worthless or absurd offer.

    A lower rate is better for the taker (more out for each unit in). As rippled's getRate
    (divide(in, out, noIssue()) then encoded), zero out, a quotient that underflows to zero, or
    an overflow all give 0. Computed without building the intermediate STAmount: books call
    this for every offer they index.
    """
    d = offer_out.mantissa
    n = offer_in.mantissa
    if d == 0 or n == 0:
        return 0
    a1 = -n if n < 0 else n
    a2 = -d if d < 0 else d
    e1 = offer_in.exponent
    e2 = offer_out.exponent
    if a1 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a1)
        a1 *= pow10(shift)
        e1 -= shift
    if a2 < MIN_MANTISSA:
        shift = 16 - decimal_digits(a2)
        a2 *= pow10(shift)
        e2 -= shift
    quotient = a1 * _TEN17 // a2
    if quotient > _UINT64_MAX:
        return 0
    try:
        m, e = canonical_iou(quotient + 5, e1 - e2 - 17, False)
    except AmountOverflow:
        return 0
    if m == 0:
        return 0
    return ((e + 100) << 56) | m


def amount_from_quality(rate: int) -> STAmount:
    """The STAmount (in NO_ISSUE) encoded by a 64-bit quality value, as amountFromQuality."""
    if type(rate) is not int or not 0 <= rate <= _UINT64_MAX:
        raise AmountError(f"a quality is a uint64, got {rate!r}")
    if rate == 0:
        return _zero(NO_ISSUE)
    return canonical(rate & _MANTISSA_MASK_56, (rate >> 56) - 100, False, NO_ISSUE)
