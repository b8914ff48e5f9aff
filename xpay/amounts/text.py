"""Amount value text: rippled's `partsFromString` (amountFromString) and `STAmount::getText`.

Parsing accepts exactly what rippled's number regex accepts: an optional sign, an integer part
without leading zeroes (unless it is "0"), an optional fraction, an optional e/E exponent. The
integer and fraction digits together must fit in a uint64 (rippled's lexical_cast throws beyond
that) and the exponent in an int32. No normalisation happens here: the caller canonicalises, which
is where more than 16 significant digits are truncated, as rippled does.

Formatting follows getText: "0" for zero; scientific `<mantissa>e<exponent>` when the exponent is
non-zero and outside [-25, -5]; otherwise plain decimal with leading and trailing zeroes cropped.
"""

from __future__ import annotations

import re

from xpay.amounts.errors import AmountError

_UINT64_MAX = (1 << 64) - 1
_INT32_MAX = (1 << 31) - 1

# rippled's reNumber, anchored by fullmatch (a `$` would also accept a trailing newline).
_NUMBER = re.compile(r"([-+]?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?)([0-9]+))?")


def parse_amount_text(text: str) -> tuple[int, int, bool]:
    """Split value text into (mantissa >= 0, exponent, negative), as rippled's partsFromString.

    Raises AmountError naming the text when it is not a number, when its digits do not fit in a
    uint64, or when its exponent does not fit in an int32.
    """
    if type(text) is not str:
        raise TypeError(f"amount text must be str, not {type(text).__name__}")
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise AmountError(f"{text!r} is not a number")
    sign, integer, fraction, exponent_sign, exponent_digits = match.groups()
    digits = (integer + fraction) if fraction else integer
    # Leading zeroes of "0.000123" are harmless to rippled's lexical_cast; strip them before the
    # length check so only real significant digits count against the uint64.
    significant = digits.lstrip("0")
    if len(significant) > 20 or (significant and int(significant) > _UINT64_MAX):
        raise AmountError(f"{text!r}: the digits {digits} do not fit in a 64-bit mantissa")
    mantissa = int(significant) if significant else 0
    exponent = -len(fraction) if fraction else 0
    if exponent_digits is not None:
        magnitude = exponent_digits.lstrip("0")
        if len(magnitude) > 10 or (magnitude and int(magnitude) > _INT32_MAX):
            raise AmountError(f"{text!r}: the exponent does not fit in 32 bits")
        shift = int(magnitude) if magnitude else 0
        exponent = exponent - shift if exponent_sign == "-" else exponent + shift
    return mantissa, exponent, sign == "-"


def format_amount_text(mantissa: int, exponent: int) -> str:
    """Render mantissa * 10**exponent as STAmount::getText renders an issued-currency value."""
    if mantissa == 0:
        return "0"
    if mantissa < 0:
        sign = "-"
        magnitude = -mantissa
    else:
        sign = ""
        magnitude = mantissa
    if exponent == 0:
        return f"{sign}{magnitude}"
    if exponent < -25 or exponent > -5:
        return f"{sign}{magnitude}e{exponent}"
    places = -exponent
    whole, fraction = divmod(magnitude, 10**places)
    fraction_text = str(fraction).rjust(places, "0").rstrip("0")
    if fraction_text:
        return f"{sign}{whole}.{fraction_text}"
    return f"{sign}{whole}"
