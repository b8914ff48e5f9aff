"""Value text: rippled's partsFromString (amountFromString) and STAmount::getText."""

from __future__ import annotations

import pytest

from xpay.amounts import AmountError
from xpay.amounts.text import format_amount_text, parse_amount_text


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("0", (0, 0, False)),
        ("-0", (0, 0, True)),
        ("+7", (7, 0, False)),
        ("123", (123, 0, False)),
        ("-123", (123, 0, True)),
        ("3.14e2", (314, 0, False)),
        ("-3.14e2", (314, 0, True)),
        ("1.5", (15, -1, False)),
        ("0.000123", (123, -6, False)),
        ("1E-3", (1, -3, False)),
        ("1e+3", (1, 3, False)),
        ("1000e-2", (1000, -2, False)),
        ("0.0", (0, -1, False)),
        # 20 digits still fit in a uint64 (rippled's lexical_cast limit).
        ("18446744073709551615", (18446744073709551615, 0, False)),
        ("1.8446744073709551615", (18446744073709551615, -19, False)),
        # Leading zeroes of the fraction do not count against the 64 bits.
        ("0.00000000000000000000000000001", (1, -29, False)),
    ],
)
def test_parse_splits_sign_digits_and_exponent(text: str, parts: tuple[int, int, bool]) -> None:
    assert parse_amount_text(text) == parts


@pytest.mark.parametrize(
    "text",
    # rippled's STAmount_test "obvious non-numbers", leading zeroes and dangling dots, plus
    # whitespace, hex, unicode digits and a trailing newline that a `$` anchor would let by.
    ["", "e", "1e", "e2", "001", "000.0", ".1", "1.", "1.e3", "--1", "+-1", " 1", "1 ", "1\n",
     "0x10", "1,000", "١٢", "inf", "NaN", "1e1.5", "1.2.3", "-", "+"],
)
def test_parse_rejects_what_rippled_rejects(text: str) -> None:
    with pytest.raises(AmountError, match="is not a number") as raised:
        parse_amount_text(text)
    assert repr(text) in str(raised.value)


def test_parse_rejects_digits_beyond_uint64_naming_the_text() -> None:
    with pytest.raises(AmountError, match="64-bit mantissa") as raised:
        parse_amount_text("18446744073709551616")
    assert "18446744073709551616" in str(raised.value)
    with pytest.raises(AmountError, match="64-bit mantissa"):
        parse_amount_text("1" * 120)
    # A huge digit string is rejected before Python's int() would choke on it.
    with pytest.raises(AmountError):
        parse_amount_text("9" * 10_000)


def test_parse_rejects_exponent_beyond_int32() -> None:
    assert parse_amount_text("1e2147483647") == (1, 2147483647, False)
    with pytest.raises(AmountError, match="exponent"):
        parse_amount_text("1e2147483648")
    with pytest.raises(AmountError, match="exponent"):
        parse_amount_text("1e" + "9" * 50)


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        parse_amount_text(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mantissa", "exponent", "text"),
    [
        (0, -100, "0"),
        (0, 0, "0"),
        (31, 0, "31"),
        # getText goes scientific for any non-zero exponent outside [-25, -5]; canonical IOU
        # values have 16-digit mantissas, so only raw pairs like these print this way.
        (31, 1, "31e1"),
        (31, -1, "31e-1"),
        (31, -5, "0.00031"),
        (2000000000000000, 5, "2000000000000000e5"),
        (-2000000000000000, -35, "-2000000000000000e-35"),
        (1525330905250352, -15, "1.525330905250352"),
        (-2000000000000000, -15, "-2"),
        (1000000000000000, -9, "1000000"),
        (1000000000000000, -26, "1000000000000000e-26"),
        (1000000000000000, -25, "0.0000000001"),
        (1234567890123456, -5, "12345678901.23456"),
        (1234567890123456, -4, "1234567890123456e-4"),
        (1, -100, "1e-100"),
    ],
)
def test_format_follows_get_text(mantissa: int, exponent: int, text: str) -> None:
    assert format_amount_text(mantissa, exponent) == text
