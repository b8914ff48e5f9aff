"""A slow, step-by-step model of rippled's classic STAmount arithmetic, for differential tests.

xpay.amounts computes the same results with shortcuts (one division by 10**k instead of k
divisions by ten, a table lookup for digit counts, signed mantissas). This model keeps rippled's
shape instead: an unsigned magnitude with a separate sign flag, and one decimal digit per loop
iteration, so a shortcut that changes a result shows up as a disagreement.

A model value is a tuple (magnitude, offset, negative, native).
"""

from __future__ import annotations

MIN_VALUE = 10**15
MAX_VALUE = 10**16 - 1
MIN_OFFSET = -96
MAX_OFFSET = 80
MAX_NATIVE = 10**17
UINT64_MAX = 2**64 - 1

Value = tuple[int, int, bool, bool]


class ModelOverflow(Exception):
    """The model's stand-in for rippled throwing on overflow."""


def canonicalize(magnitude: int, offset: int, negative: bool, native: bool) -> Value:
    if native:
        if magnitude == 0 or offset <= -20:
            return (0, 0, False, True)
        if offset > 17:
            raise ModelOverflow("native offset")
        while offset < 0:
            magnitude //= 10
            offset += 1
        while offset > 0:
            if magnitude > MAX_NATIVE:
                raise ModelOverflow("native scale")
            magnitude *= 10
            offset -= 1
        if magnitude > MAX_NATIVE:
            raise ModelOverflow("native value")
        # rippled can leave a "negative zero" drop count here; xpay's signed mantissa cannot
        # represent one, and both compare equal to zero, so the model drops the sign too.
        return (magnitude, 0, negative and magnitude != 0, True)
    if magnitude == 0:
        return (0, -100, False, False)
    while magnitude < MIN_VALUE and offset > MIN_OFFSET:
        magnitude *= 10
        offset -= 1
    while magnitude > MAX_VALUE:
        if offset >= MAX_OFFSET:
            raise ModelOverflow("iou overflow")
        magnitude //= 10
        offset += 1
    if offset < MIN_OFFSET or magnitude < MIN_VALUE:
        return (0, -100, False, False)
    if offset > MAX_OFFSET:
        raise ModelOverflow("iou overflow")
    return (magnitude, offset, negative, False)


def _c_div10(value: int) -> int:
    """C++ signed division by ten: truncation toward zero."""
    return -((-value) // 10) if value < 0 else value // 10


def add(a: Value, b: Value) -> Value:
    if b[0] == 0:
        return a
    if a[0] == 0:
        return (b[0], b[1], b[2], a[3])
    if a[3]:
        total = (-a[0] if a[2] else a[0]) + (-b[0] if b[2] else b[0])
        return (abs(total), 0, total < 0, True)
    o1, o2 = a[1], b[1]
    v1 = -a[0] if a[2] else a[0]
    v2 = -b[0] if b[2] else b[0]
    while o1 < o2:
        v1 = _c_div10(v1)
        o1 += 1
    while o2 < o1:
        v2 = _c_div10(v2)
        o2 += 1
    total = v1 + v2
    if -10 <= total <= 10:
        return (0, -100, False, False)
    return canonicalize(abs(total), o1, total < 0, False)


def _scaled(value: Value) -> tuple[int, int]:
    magnitude, offset = value[0], value[1]
    if value[3]:
        while magnitude < MIN_VALUE:
            magnitude *= 10
            offset -= 1
    return magnitude, offset


def _native_product(a: Value, b: Value) -> Value:
    low, high = min(a[0], b[0]), max(a[0], b[0])
    if low > 3_000_000_000 or (high >> 32) * low > 2_095_475_792:
        raise ModelOverflow("native product")
    product = low * high
    if product > MAX_NATIVE:
        raise ModelOverflow("native product range")
    return (product, 0, a[2] != b[2], True)


def _zero(native: bool) -> Value:
    return (0, 0, False, True) if native else (0, -100, False, False)


def multiply(a: Value, b: Value, native: bool) -> Value:
    if a[0] == 0 or b[0] == 0:
        return _zero(native)
    if a[3] and b[3] and native:
        return _native_product(a, b)
    v1, o1 = _scaled(a)
    v2, o2 = _scaled(b)
    product = v1 * v2 // 10**14
    if product > UINT64_MAX:
        raise ModelOverflow("muldiv")
    return canonicalize(product + 7, o1 + o2 + 14, a[2] != b[2], native)


def divide(a: Value, b: Value, native: bool) -> Value:
    if b[0] == 0:
        raise ZeroDivisionError
    if a[0] == 0:
        return _zero(native)
    v1, o1 = _scaled(a)
    v2, o2 = _scaled(b)
    quotient = v1 * 10**17 // v2
    if quotient > UINT64_MAX:
        raise ModelOverflow("muldiv")
    return canonicalize(quotient + 5, o1 - o2 - 17, a[2] != b[2], native)


def _round_legacy(native: bool, value: int, offset: int) -> tuple[int, int]:
    if native:
        if offset < 0:
            loops = 0
            while offset < -1:
                value //= 10
                offset += 1
                loops += 1
            value += 9 if loops >= 2 else 10
            value //= 10
            offset += 1
    elif value > MAX_VALUE:
        while value > 10 * MAX_VALUE:
            value //= 10
            offset += 1
        value += 9
        value //= 10
        offset += 1
    return value, offset


def _round_strict(native: bool, value: int, offset: int, round_up: bool) -> tuple[int, int]:
    if native:
        if offset < 0:
            had_remainder = False
            while offset < -1:
                had_remainder |= value % 10 != 0
                value //= 10
                offset += 1
            value += 10 if (had_remainder and round_up) else 9
            value //= 10
            offset += 1
    elif value > MAX_VALUE:
        while value > 10 * MAX_VALUE:
            value //= 10
            offset += 1
        value += 9
        value //= 10
        offset += 1
    return value, offset


def _smallest(native: bool) -> Value:
    return (1, 0, False, True) if native else (MIN_VALUE, MIN_OFFSET, False, False)


def mul_round(a: Value, b: Value, native: bool, round_up: bool, strict: bool) -> Value:
    if a[0] == 0 or b[0] == 0:
        return _zero(native)
    if a[3] and b[3] and native:
        return _native_product(a, b)
    v1, o1 = _scaled(a)
    v2, o2 = _scaled(b)
    negative = a[2] != b[2]
    rounding = 10**14 - 1 if negative != round_up else 0
    value = (v1 * v2 + rounding) // 10**14
    if value > UINT64_MAX:
        raise ModelOverflow("muldiv_round")
    offset = o1 + o2 + 14
    if negative != round_up:
        if strict:
            value, offset = _round_strict(native, value, offset, round_up)
        else:
            value, offset = _round_legacy(native, value, offset)
    result = canonicalize(value, offset, negative, native)
    if round_up and not negative and result[0] == 0:
        return _smallest(native)
    return result


def div_round(a: Value, b: Value, native: bool, round_up: bool) -> Value:
    if b[0] == 0:
        raise ZeroDivisionError
    if a[0] == 0:
        return _zero(native)
    v1, o1 = _scaled(a)
    v2, o2 = _scaled(b)
    negative = a[2] != b[2]
    rounding = v2 - 1 if negative != round_up else 0
    value = (v1 * 10**17 + rounding) // v2
    if value > UINT64_MAX:
        raise ModelOverflow("muldiv_round")
    offset = o1 - o2 - 17
    if negative != round_up:
        value, offset = _round_legacy(native, value, offset)
    result = canonicalize(value, offset, negative, native)
    if round_up and not negative and result[0] == 0:
        return _smallest(native)
    return result


def get_rate(out: Value, in_: Value) -> int:
    if out[0] == 0:
        return 0
    try:
        rate = divide(in_, out, False)
    except ModelOverflow:
        return 0
    if rate[0] == 0:
        return 0
    return ((rate[1] + 100) << 56) | rate[0]


def mul_ratio_iou(mantissa: int, exponent: int, num: int, den: int, round_up: bool) -> tuple[int, int]:
    """IOU mulRatio on a signed, normalised (mantissa, exponent); returns the same shape."""
    powers = [10**i for i in range(30)]

    def log10_ceil(v: int) -> int:
        return next(i for i, p in enumerate(powers) if p >= v)

    negative = mantissa < 0
    product = abs(mantissa) * num
    low = product // den
    remainder = product - low * den
    if remainder:
        room = 18 - log10_ceil(low)
        if room > 0:
            exponent -= room
            low *= powers[room]
            remainder *= powers[room]
        extra = remainder // den
        low += extra
        remainder -= extra * den
    has_remainder = remainder != 0
    shrink = log10_ceil(low) - 18
    if shrink > 0:
        saved = low
        exponent += shrink
        low //= powers[shrink]
        if not has_remainder:
            has_remainder = saved - low * powers[shrink] != 0
    m, e, neg, _ = canonicalize(low, exponent, negative, False)
    signed = -m if neg else m
    if has_remainder:
        if round_up and not negative:
            if signed == 0:
                return MIN_VALUE, MIN_OFFSET
            m2, e2, n2, _ = canonicalize(signed + 1, e, False, False)
            return (-m2 if n2 else m2), e2
        if not round_up and negative:
            if signed == 0:
                return -MIN_VALUE, MIN_OFFSET
            m2, e2, _, _ = canonicalize(-(signed - 1), e, True, False)
            return -m2, e2
    return signed, e
