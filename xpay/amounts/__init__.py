"""XRP drops, IOU amounts with STAmount semantics, currencies, issues, Quality and rates.

Mirrors rippled's classic (pre-`Number`) XRPAmount, IOUAmount, STAmount, Quality and Rate2
arithmetic with integers only, so every validator computes the same bytes.
"""

from xpay.amounts.arithmetic import (
    amount_from_quality,
    div_round,
    div_round_strict,
    divide,
    get_rate,
    mul_round,
    mul_round_strict,
    multiply,
)
from xpay.amounts.currency import (
    BAD_CURRENCY,
    NO_CURRENCY,
    currency_from_code,
    currency_to_code,
    is_standard_currency,
)
from xpay.amounts.errors import AmountError, AmountOverflow
from xpay.amounts.iou_amount import (
    MAX_EXPONENT,
    MAX_MANTISSA,
    MIN_EXPONENT,
    MIN_MANTISSA,
    IOUAmount,
)
from xpay.amounts.issue import NO_ISSUE, XRP_ISSUE, Issue
from xpay.amounts.quality import Quality, composed_quality
from xpay.amounts.rate import (
    PARITY_RATE,
    QUALITY_ONE,
    Rate,
    divide_by_rate,
    divide_round,
    multiply_by_rate,
    multiply_round,
)
from xpay.amounts.st_amount import MAX_NATIVE_DROPS, STAmount
from xpay.amounts.xrp_amount import DROPS_PER_XRP, INITIAL_XRP, XRPAmount
from xpay.protocol.ids import XRP_CURRENCY, Currency

__all__ = [
    "BAD_CURRENCY",
    "DROPS_PER_XRP",
    "INITIAL_XRP",
    "MAX_EXPONENT",
    "MAX_MANTISSA",
    "MAX_NATIVE_DROPS",
    "MIN_EXPONENT",
    "MIN_MANTISSA",
    "NO_CURRENCY",
    "NO_ISSUE",
    "PARITY_RATE",
    "QUALITY_ONE",
    "XRP_CURRENCY",
    "XRP_ISSUE",
    "AmountError",
    "AmountOverflow",
    "Currency",
    "IOUAmount",
    "Issue",
    "Quality",
    "Rate",
    "STAmount",
    "XRPAmount",
    "amount_from_quality",
    "composed_quality",
    "currency_from_code",
    "currency_to_code",
    "div_round",
    "div_round_strict",
    "divide",
    "divide_by_rate",
    "divide_round",
    "get_rate",
    "is_standard_currency",
    "mul_round",
    "mul_round_strict",
    "multiply",
    "multiply_by_rate",
    "multiply_round",
]
