"""Currency codes (rippled's to_currency / to_string in UintTypes.cpp)."""

from __future__ import annotations

import pytest

from xpay.amounts import (
    BAD_CURRENCY,
    NO_CURRENCY,
    XRP_CURRENCY,
    AmountError,
    Currency,
    currency_from_code,
    currency_to_code,
    is_standard_currency,
)


def test_standard_code_sits_in_bytes_12_to_14() -> None:
    usd = currency_from_code("USD")
    assert usd == bytes(12) + b"USD" + bytes(5)
    assert currency_to_code(usd) == "USD"
    assert is_standard_currency(usd)


@pytest.mark.parametrize("code", ["usd", "A1b", "<>(", "){}", "[]|", "?!@", "#$%", "^&*", "000"])
def test_every_allowed_character_round_trips(code: str) -> None:
    assert currency_to_code(currency_from_code(code)) == code


@pytest.mark.parametrize("code", ["US", "USDX", "US ", "U-D", "U.D", "U\u00e9D", "", "U_D", "U\0D"])
def test_bad_codes_raise_amount_error_naming_the_code(code: str) -> None:
    with pytest.raises(AmountError) as raised:
        currency_from_code(code)
    assert repr(code) in str(raised.value)


def test_xrp_is_not_an_issued_currency_code() -> None:
    with pytest.raises(AmountError, match="native asset"):
        currency_from_code("XRP")
    with pytest.raises(AmountError, match="all zeroes is XRP"):
        currency_from_code("0" * 40)
    assert currency_from_code("XRP", allow_xrp=True) == XRP_CURRENCY
    assert currency_from_code("0" * 40, allow_xrp=True) == XRP_CURRENCY
    assert currency_to_code(XRP_CURRENCY) == "XRP"


def test_hex_codes_round_trip_upper_case() -> None:
    # STAmount_test: a custom currency prints back as the same 40 hex digits.
    code = "015841551A748AD2C1F76FF6ECB0CCCD00000000"
    currency = currency_from_code(code)
    assert currency_to_code(currency) == code
    assert currency_to_code(currency_from_code(code.lower())) == code
    assert not is_standard_currency(currency)


def test_hex_of_a_standard_code_reads_as_the_code() -> None:
    assert currency_to_code(currency_from_code("0000000000000000000000005553440000000000")) == "USD"


def test_bad_currency_and_no_currency_print_as_hex() -> None:
    # "XRP" in the standard form may not be shown as "XRP" (it is not the native asset).
    assert currency_to_code(BAD_CURRENCY) == "0000000000000000000000005852500000000000"
    assert not is_standard_currency(BAD_CURRENCY)
    assert currency_to_code(NO_CURRENCY) == "0000000000000000000000000000000000000001"
    # Standard layout but characters outside the set, or stray bytes: hex.
    assert currency_to_code(Currency(bytes(12) + b"U D" + bytes(5))) == (bytes(12) + b"U D" + bytes(5)).hex().upper()
    assert currency_to_code(Currency(bytes(12) + b"USD" + bytes(4) + b"\x01")).endswith("01")


@pytest.mark.parametrize("code", ["G" * 40, "0" * 39, "0" * 41, "0x" + "0" * 38])
def test_bad_hex_raises(code: str) -> None:
    with pytest.raises(AmountError):
        currency_from_code(code)


def test_non_string_code_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        currency_from_code(b"USD")  # type: ignore[arg-type]


def test_to_code_rejects_wrong_length() -> None:
    with pytest.raises(AmountError, match="20 bytes"):
        currency_to_code(Currency(b"USD"))
