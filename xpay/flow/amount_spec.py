"""Step amounts: XRPAmount or IOUAmount without an issue, as rippled's EitherAmount / AmountSpec.

Inside the payment engine an amount is what flows between two steps, and its issuer changes from
step to step (alice's USD becomes the gateway's USD), so rippled computes with bare XRPAmount and
IOUAmount values and attaches an issue only where a ledger entry is written (`to_st_amount`).
Quality scaling (ceil_in / ceil_out) goes through STAmount as rippled's templated Quality
methods do: an IOU value in noIssue(), XRP as drops.

Sums are taken as rippled's flow takes them: the parts sorted ascending, then added left to
right, because classic IOU addition truncates and the order changes the result.
"""

from __future__ import annotations

from typing import TypeAlias, TypeVar

from xpay.amounts import (
    NO_ISSUE,
    IOUAmount,
    Issue,
    Quality,
    STAmount,
    XRPAmount,
)
from xpay.amounts.arithmetic import get_rate
from xpay.amounts.iou_amount import _iou
from xpay.amounts.xrp_amount import _xrp

StepAmount: TypeAlias = XRPAmount | IOUAmount
"""What flows between two steps (rippled's EitherAmount)."""

A = TypeVar("A", XRPAmount, IOUAmount)

XRP_ZERO = XRPAmount.ZERO
IOU_ZERO = IOUAmount.ZERO


def zero_of(native: bool) -> StepAmount:
    """Zero drops, or a zero IOU value."""
    return XRP_ZERO if native else IOU_ZERO


def to_st_amount(amount: StepAmount, issue: Issue) -> STAmount:
    """The amount with its issue attached (rippled's toSTAmount(amount, issue))."""
    if isinstance(amount, XRPAmount):
        return STAmount.from_drops(amount.drops)
    return STAmount.from_iou(amount, issue)


def to_step_amount(amount: STAmount) -> StepAmount:
    """The bare value of an STAmount (rippled's toAmount<XRPAmount|IOUAmount>)."""
    if amount.native:
        return _xrp(amount.mantissa)
    return _iou(amount.mantissa, amount.exponent)


def _as_st(amount: StepAmount) -> STAmount:
    """rippled's toSTAmount(amount) without an issue: XRP, or an IOU value in noIssue()."""
    if isinstance(amount, XRPAmount):
        return STAmount.from_drops(amount.drops)
    return STAmount.from_iou(amount, NO_ISSUE)


def ceil_in_strict(
    quality: Quality, in_: StepAmount, out: StepAmount, limit: StepAmount, round_up: bool
) -> tuple[StepAmount, StepAmount]:
    """(in, out) of an offer at `quality` with `in` capped at `limit` (Quality::ceil_in_strict)."""
    if in_ <= limit:  # type: ignore[operator]
        return in_, out
    st_in, st_out = quality.ceil_in_strict(_as_st(in_), _as_st(out), _as_st(limit), round_up)
    return to_step_amount(st_in), to_step_amount(st_out)


def ceil_out_strict(
    quality: Quality, in_: StepAmount, out: StepAmount, limit: StepAmount, round_up: bool
) -> tuple[StepAmount, StepAmount]:
    """(in, out) of an offer at `quality` with `out` capped at `limit` (Quality::ceil_out_strict)."""
    if out <= limit:  # type: ignore[operator]
        return in_, out
    st_in, st_out = quality.ceil_out_strict(_as_st(in_), _as_st(out), _as_st(limit), round_up)
    return to_step_amount(st_in), to_step_amount(st_out)


def quality_of(out: StepAmount, in_: StepAmount) -> Quality:
    """The quality of receiving `out` for `in_` (rippled's Quality(out, in) = getRate(out, in))."""
    return Quality(get_rate(_as_st(out), _as_st(in_)))


def sum_amounts(parts: list[A], zero: A) -> A:
    """The sum of `parts`, smallest first (rippled's flat_multiset accumulate)."""
    if not parts:
        return zero
    ordered = sorted(parts)
    total = ordered[0]
    for part in ordered[1:]:
        total = total + part
    return total
