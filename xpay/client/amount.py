"""Amounts and issues as an SDK user writes them, checked before anything is sent.

An amount is xpay's `STAmount` (XRPL semantics: whole drops for the native asset, 16 significant
digits for an issued currency). These constructors turn what people type into one, refusing what
a node would refuse, and convert to and from rippled's JSON forms: drops as a string for XRP,
`{"currency", "issuer", "value"}` for an issued currency, `{"currency": "XRP"}` or
`{"currency", "issuer"}` for an issue.

No float anywhere: 0.1 + 0.2 is not 0.3 in binary, and an amount typed as a float has already
been rounded. Values are strings, ints or Decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeAlias

from xpay.amounts import (
    DROPS_PER_XRP,
    MAX_NATIVE_DROPS,
    XRP_ISSUE,
    AmountError,
    Issue,
    STAmount,
    currency_from_code,
    currency_to_code,
)
from xpay.client.errors import InvalidInput
from xpay.codec import CodecError, decode_account_id, encode_account_id, field_from_json
from xpay.codec import field_to_json as _field_to_json
from xpay.protocol.ids import AccountID

XRP: Final = XRP_ISSUE
"""The native asset's issue (`{"currency": "XRP"}` on the wire)."""

_XRP_ISSUER_ADDRESS: Final = encode_account_id(bytes(20))

DecimalLike: TypeAlias = str | int | Decimal
AmountJSON: TypeAlias = str | dict[str, str]
"""rippled's JSON form of an amount: a string of drops, or currency / issuer / value."""


def _reject_bad_number(value: object, what: str, field: str | None) -> None:
    if isinstance(value, bool | float):
        raise InvalidInput(
            f"{what} must be a str, int or Decimal, not {type(value).__name__} "
            "(a float has already been rounded)",
            field=field,
        )
    if not isinstance(value, str | int | Decimal):
        raise InvalidInput(f"{what} must be a str, int or Decimal, not {type(value).__name__}", field=field)


def account_id(address: str, *, field: str | None = None) -> AccountID:
    """The account ID of a classic address (`r…`); InvalidInput naming `field` otherwise."""
    if not isinstance(address, str):
        raise InvalidInput(f"an address is a string, not {type(address).__name__}", field=field)
    try:
        return decode_account_id(address)
    except CodecError as error:
        raise InvalidInput(f"{address!r} is not a valid XRPL address ({error})", field=field) from None


def drops(count: int, *, field: str | None = None) -> STAmount:
    """An amount of XRP in drops (1 XRP = 1,000,000 drops)."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise InvalidInput(f"drops must be an int, not {type(count).__name__}", field=field)
    if not 0 <= count <= MAX_NATIVE_DROPS:
        raise InvalidInput(f"{count} drops is outside 0..{MAX_NATIVE_DROPS}", field=field)
    return STAmount.from_drops(count)


def xrp(value: DecimalLike, *, field: str | None = None) -> STAmount:
    """An amount of XRP given in XRP (`"12.5"` is 12,500,000 drops); at most six decimals, since
    the drop is the smallest unit."""
    _reject_bad_number(value, "an XRP value", field)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"{value!r} is not a number", field=field) from None
    if not number.is_finite():
        raise InvalidInput(f"{value!r} is not a finite number", field=field)
    scaled = number * DROPS_PER_XRP
    if scaled != scaled.to_integral_value():
        raise InvalidInput(f"{value!r} XRP is not a whole number of drops", field=field)
    return drops(int(scaled), field=field)


def issue(currency: str, issuer: str | None = None, *, field: str | None = None) -> Issue:
    """An issue: `issue("XRP")` for the native asset, `issue("USD", "r…")` for an issued currency
    (a 3-character code or 40 hex digits)."""
    if currency == "XRP":
        if issuer is not None:
            raise InvalidInput("XRP has no issuer", field=field)
        return XRP_ISSUE
    if issuer is None:
        raise InvalidInput(f"issued currency {currency!r} needs an issuer", field=field)
    try:
        code = currency_from_code(currency)
    except (AmountError, TypeError) as error:
        raise InvalidInput(str(error), field=field) from None
    return Issue(code, account_id(issuer, field=field))


def iou(value: DecimalLike, currency: str, issuer: str, *, field: str | None = None) -> STAmount:
    """An amount of an issued currency: `iou("100.25", "USD", "r…")`. More than 16 significant
    digits is refused rather than silently truncated."""
    _reject_bad_number(value, "an IOU value", field)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInput(f"{value!r} is not a finite number", field=field)
        text = format(value, "f") if -30 < value.adjusted() < 30 else str(value)
    else:
        text = str(value)
    if currency == "XRP":
        raise InvalidInput("XRP is the native asset: use xrp() or drops()", field=field)
    issue(currency, issuer, field=field)  # the clearer message for a bad currency or issuer
    return amount_from_json({"currency": currency, "issuer": issuer, "value": text}, field=field)


def amount_from_json(value: Any, *, field: str | None = None) -> STAmount:
    """The amount of rippled's JSON form (what queries and streams return), checked as the
    binary codec checks it."""
    try:
        amount = field_from_json("Amount", value) if value is not None else None
    except CodecError as error:
        raise InvalidInput(f"bad amount {value!r:.100}: {error.message}", field=field) from None
    if type(amount) is not STAmount:
        raise InvalidInput(f"{value!r:.100} is not an XRP or issued-currency amount", field=field)
    return amount


def amount_to_json(amount: STAmount) -> AmountJSON:
    """rippled's JSON form of an amount."""
    result: AmountJSON = _field_to_json("Amount", amount)
    return result


def issue_to_json(value: Issue) -> dict[str, str]:
    """rippled's JSON form of an issue (book_offers' taker_gets, a book subscription, ...)."""
    if value.is_xrp:
        return {"currency": "XRP"}
    return {"currency": currency_to_code(value.currency), "issuer": encode_account_id(value.account)}


def issue_from_json(value: Any, *, field: str | None = None) -> Issue:
    """The issue of `{"currency": "XRP"}` or `{"currency", "issuer"}`."""
    if not isinstance(value, Mapping) or not isinstance(value.get("currency"), str):
        raise InvalidInput(f"{value!r:.100} is not an issue", field=field)
    issuer = value.get("issuer")
    if issuer is not None and not isinstance(issuer, str):
        raise InvalidInput(f"{value!r:.100} is not an issue", field=field)
    if value["currency"] == "XRP" and issuer == _XRP_ISSUER_ADDRESS:
        issuer = None  # some answers name the zero account (rrrr…hoLvTp) as XRP's issuer
    return issue(value["currency"], issuer, field=field)


def value_decimal(value: Any, *, field: str | None = None) -> Decimal:
    """A value-text field of a response (`"-12.5"`, `"1e-3"`) as an exact Decimal."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidInput(f"{value!r:.100} is not a value", field=field)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"{value!r:.100} is not a number", field=field) from None
    if not number.is_finite():
        raise InvalidInput(f"{value!r:.100} is not a finite number", field=field)
    return number
