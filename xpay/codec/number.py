"""STNumber: the XRPL's general decimal field type (rippled's `Number` serialised by `STNumber`).

A Number is a signed 64-bit mantissa and a signed 32-bit exponent, written as 12 bytes. xpay's
ledger does not compute with Numbers (they belong to vaults and loans); the codec carries them
so that XRPL objects with Number fields round-trip, and converts their text the way rippled's
`Number` constructor and `to_string` do (as xrpl-py mirrors them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from xpay.codec.errors import CodecError

MIN_MANTISSA: Final = 10**18
MAX_MANTISSA: Final = 10**19 - 1
MAX_REP: Final = 2**63 - 1
"""The largest mantissa an int64 holds: a normalised mantissa above it loses one more digit."""
MIN_EXPONENT: Final = -32768
MAX_EXPONENT: Final = 32768
ZERO_EXPONENT: Final = -(2**31)
"""rippled writes zero as mantissa 0 with the smallest int32 exponent."""

_TEXT: Final = re.compile(r"([-+]?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?")
_MAX_TEXT: Final = 200


@dataclass(frozen=True, slots=True)
class STNumber:
    """A Number field's value exactly as serialised: mantissa * 10**exponent."""

    mantissa: int
    exponent: int

    def to_wire(self) -> bytes:
        """The 12 bytes: int64 mantissa, int32 exponent, big-endian."""
        try:
            return self.mantissa.to_bytes(8, "big", signed=True) + self.exponent.to_bytes(
                4, "big", signed=True
            )
        except OverflowError:
            raise CodecError("Number out of range") from None

    @classmethod
    def from_wire(cls, data: bytes) -> STNumber:
        """The Number of 12 serialised bytes."""
        if len(data) != 12:
            raise CodecError("a Number is 12 bytes")
        return cls(
            int.from_bytes(data[:8], "big", signed=True),
            int.from_bytes(data[8:], "big", signed=True),
        )

    @classmethod
    def from_text(cls, text: str) -> STNumber:
        """Parse decimal text (`"12.5"`, `"-3e7"`) and normalise it as rippled's Number does."""
        if type(text) is not str:
            raise CodecError(f"a Number is written as a string, not {type(text).__name__}")
        match = _TEXT.fullmatch(text) if len(text) <= _MAX_TEXT else None
        if match is None:
            raise CodecError(f"cannot parse {text!r} as a Number")
        sign, whole, fraction, exp_text = match.groups()
        mantissa = int(whole + (fraction or ""))
        exponent = -len(fraction or "") + int(exp_text or "0")
        if mantissa == 0:
            return cls(0, ZERO_EXPONENT)
        if sign == "-":
            mantissa = -mantissa
        return cls(*_normalize(mantissa, exponent))

    def to_text(self) -> str:
        """The text rippled's `to_string(Number)` prints."""
        mantissa, exponent = self.mantissa, self.exponent
        if mantissa == 0:
            return "0"
        if abs(mantissa) < MIN_MANTISSA:
            mantissa *= 10
            exponent -= 1
        if exponent == 0:
            return str(mantissa)
        # Far from 1, rippled switches to scientific notation with the trailing zeros removed.
        if exponent < -28 or exponent > -8:
            while mantissa % 10 == 0 and exponent < MAX_EXPONENT:
                mantissa //= 10
                exponent += 1
            return f"{mantissa}e{exponent}"
        negative = mantissa < 0
        digits = str(abs(mantissa))
        point = len(digits) + exponent  # position of the decimal point within the digits
        if point <= 0:
            whole, frac = "0", "0" * -point + digits
        else:
            whole, frac = digits[:point], digits[point:]
        whole = whole.lstrip("0") or "0"
        frac = frac.rstrip("0")
        text = whole + ("." + frac if frac else "")
        return "-" + text if negative else text


def _normalize(mantissa: int, exponent: int) -> tuple[int, int]:
    """rippled's Number::normalize: 19 significant digits, rounding half up on the last digit
    dropped, then at most int64's range."""
    negative = mantissa < 0
    m = -mantissa if negative else mantissa
    while m < MIN_MANTISSA and exponent > MIN_EXPONENT:
        m *= 10
        exponent -= 1
    dropped = 0
    while m > MAX_MANTISSA:
        if exponent >= MAX_EXPONENT:
            raise CodecError("Number overflow")
        dropped = m % 10
        m //= 10
        exponent += 1
    if exponent < MIN_EXPONENT or m < MIN_MANTISSA:
        return 0, ZERO_EXPONENT
    if m > MAX_REP:
        if exponent >= MAX_EXPONENT:
            raise CodecError("Number overflow")
        dropped = m % 10
        m //= 10
        exponent += 1
    if dropped >= 5:
        m += 1
        if m > MAX_REP:
            dropped = m % 10
            m //= 10
            exponent += 1
            if dropped >= 5:
                m += 1
    if exponent > MAX_EXPONENT:
        raise CodecError("Number overflow")
    return (-m if negative else m), exponent
