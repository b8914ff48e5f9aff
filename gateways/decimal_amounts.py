"""Amounts as a bank's books write them: exact Decimals, converted to and from the XRPL's amounts.

An issued-currency amount on the XRP Ledger has at most 16 significant digits (STAmount's
mantissa); XRP is whole drops. A bank's book keeps decimals. These functions convert between the
two without ever losing a digit silently: a value that does not fit is refused (`parse_value`),
and where the gateway computes an amount (a SendMax that covers a transfer fee, a market maker's
price times size) it rounds on purpose, in the direction that is safe for the side paying.

No float: a float has already been rounded before it reaches us.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, InvalidOperation
from typing import Final

from xpay.amounts import DROPS_PER_XRP, Issue, STAmount
from xpay.client import amount_to_json, drops, iou
from xpay.client.amount import issue_to_json
from xpay.codec import encode_account_id

IOU_DIGITS: Final = 16
"""Significant digits of an issued-currency amount (STAmount's mantissa)."""
ARITHMETIC: Final = Context(prec=50)
"""Decimal arithmetic on book values: far more digits than any amount has, so sums are exact."""


class AmountInputError(ValueError):
    """A value that is not a usable amount (not a number, too many digits, not positive)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


def parse_value(raw: object, *, field: str, positive: bool = True, allow_zero: bool = False) -> Decimal:
    """A decimal value from configuration or a request: a string or an int, never a float (JSON
    numbers with a fraction arrive as floats, and have already been rounded). At most 16
    significant digits, as an issued-currency amount can hold."""
    if isinstance(raw, bool | float):
        raise AmountInputError(
            f"{raw!r} must be written as a string (\"12.50\") or an integer: a float has already been rounded",
            field=field,
        )
    if not isinstance(raw, str | int):
        raise AmountInputError(f"expected a decimal string, not {type(raw).__name__}", field=field)
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise AmountInputError(f"{raw!r} is not a number", field=field) from None
    if not value.is_finite():
        raise AmountInputError(f"{raw!r} is not a finite number", field=field)
    if positive and (value < 0 or (value == 0 and not allow_zero)):
        raise AmountInputError(f"{raw!r} must be {'zero or more' if allow_zero else 'positive'}", field=field)
    if value != 0 and significant_digits(value) > IOU_DIGITS:
        raise AmountInputError(
            f"{raw!r} has more than {IOU_DIGITS} significant digits, more than an XRPL amount holds",
            field=field,
        )
    return value


def significant_digits(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def round_to_amount(value: Decimal, *, up: bool) -> Decimal:
    """`value` rounded to 16 significant digits, up (towards +inf) or down."""
    if value == 0:
        return Decimal(0)
    exponent = value.adjusted() - IOU_DIGITS + 1
    quantum = Decimal(1).scaleb(exponent)
    return value.quantize(quantum, rounding=ROUND_CEILING if up else ROUND_FLOOR, context=ARITHMETIC).normalize()


def value_text(value: Decimal) -> str:
    """The plain decimal text of a value ("100", "0.25", never "1E+2")."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def to_amount(value: Decimal, issue: Issue, *, field: str = "amount") -> STAmount:
    """The XRPL amount of `value` in `issue` (for XRP, `value` is in XRP and must be whole drops)."""
    if issue.is_xrp:
        scaled = value * DROPS_PER_XRP
        if scaled != scaled.to_integral_value():
            raise AmountInputError(f"{value} XRP is not a whole number of drops", field=field)
        return drops(int(scaled), field=field)
    currency = issue_to_json(issue)
    return iou(value_text(value), currency["currency"], currency["issuer"], field=field)


def amount_value(amount: STAmount) -> Decimal:
    """The exact value of an XRPL amount (XRP in XRP, not drops)."""
    if amount.native:
        return Decimal(amount.mantissa) / DROPS_PER_XRP
    json = amount_to_json(amount)
    assert isinstance(json, dict)
    return Decimal(json["value"])


def issue_label(issue: Issue) -> str:
    """`USD.r…` for an issued currency, `XRP` for the native asset (for logs and messages)."""
    if issue.is_xrp:
        return "XRP"
    return f"{issue_to_json(issue)['currency']}.{encode_account_id(issue.account)}"


__all__ = [
    "ARITHMETIC",
    "IOU_DIGITS",
    "AmountInputError",
    "amount_value",
    "issue_label",
    "parse_value",
    "round_to_amount",
    "significant_digits",
    "to_amount",
    "value_text",
]
