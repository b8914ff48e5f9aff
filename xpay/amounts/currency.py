"""Currency codes: the XRPL's 160-bit currency and its text forms (rippled's UintTypes.cpp).

A currency is 20 bytes. All zeroes is XRP, the native asset. The "standard" form carries a
3-character ISO-4217-like code in bytes 12..14 with every other byte zero; the characters come
from a fixed set (letters, digits and `<>(){}[]|?!@#$%^&*`). Anything else is a nonstandard
currency written as 40 hex digits. "XRP" may not name an issued currency: the standard-form bytes
for "XRP" (rippled's badCurrency()) are printed as hex and rejected as a code.
"""

from __future__ import annotations

from typing import Final

from xpay.amounts.errors import AmountError
from xpay.protocol.ids import XRP_CURRENCY, Currency

ISO_CHARACTERS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<>(){}[]|?!@#$%^&*"
)
_ISO_OFFSET: Final = 12
_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")

NO_CURRENCY: Final = Currency(bytes(19) + b"\x01")
"""rippled's noCurrency(): the placeholder currency of noIssue(), used for rates."""
BAD_CURRENCY: Final = Currency(bytes(12) + b"XRP" + bytes(5))
"""rippled's badCurrency(): "XRP" in the standard form, which no issuer may use."""


def _standard(code: str) -> Currency:
    return Currency(bytes(_ISO_OFFSET) + code.encode("ascii") + bytes(5))


def is_standard_currency(currency: Currency) -> bool:
    """True when the 20 bytes are a standard-form code printable as 3 characters."""
    if currency[:_ISO_OFFSET] != bytes(_ISO_OFFSET) or currency[15:] != bytes(5):
        return False
    code = currency[_ISO_OFFSET:15]
    return code != b"XRP" and all(chr(b) in ISO_CHARACTERS for b in code)


def currency_from_code(code: str, *, allow_xrp: bool = False) -> Currency:
    """The 20-byte currency for a 3-character code or 40 hex digits (rippled's to_currency).

    "XRP" as an issued currency code is rejected, as is the all-zero hex form; pass
    allow_xrp=True where the native asset may be named (an Issue written `{"currency": "XRP"}`),
    and "XRP" then gives the zero currency.
    """
    if type(code) is not str:
        raise TypeError(f"currency code must be str, not {type(code).__name__}")
    if code == "XRP":
        if allow_xrp:
            return XRP_CURRENCY
        raise AmountError("'XRP' is the native asset and may not be used as an issued currency code")
    if len(code) == 3:
        if not all(c in ISO_CHARACTERS for c in code):
            raise AmountError(
                f"bad currency code {code!r}: a 3-character code may only use letters, digits "
                "and <>(){}[]|?!@#$%^&*"
            )
        return _standard(code)
    if len(code) == 40 and all(c in _HEX_DIGITS for c in code):
        currency = Currency(bytes.fromhex(code))
        if currency == XRP_CURRENCY and not allow_xrp:
            raise AmountError(
                f"bad currency code {code!r}: all zeroes is XRP, which is not an issued currency"
            )
        return currency
    raise AmountError(f"bad currency code {code!r}: expected 3 characters or 40 hex digits")


def currency_to_code(currency: Currency) -> str:
    """"XRP" for the zero currency, the 3 characters of a standard code, else 40 upper-case hex."""
    if len(currency) != 20:
        raise AmountError(f"a currency is 20 bytes, got {len(currency)}")
    if currency == XRP_CURRENCY:
        return "XRP"
    if is_standard_currency(currency):
        return currency[_ISO_OFFSET:15].decode("ascii")
    return currency.hex().upper()
