"""Trial payments through the engine, as rippled's RippleCalc::rippleCalculate does for the
pathfinder.

The pathfinder never guesses what a path can carry: it runs the real payment engine
(xpay.flow.flow) over the path in a sandbox that is then dropped. The sandbox sits on an open
view of the closed ledger, so a trial sees the ledger exactly as the next payment will (offers
expiring at the ledger's close time are already gone). Two trials in the same sandbox compose:
the second sees what the first consumed, which is how the pathfinder measures what is left.

The engine's sending limit follows rippled: a sending amount of -1 means "no limit", and is passed
on only to name the source issue when it differs from what a plain payment would assume.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pathfinding.path import Path, paths_to_native
from xpay.amounts import AmountOverflow, STAmount
from xpay.flow import flow
from xpay.flow.steps import FlowException
from xpay.ledger.ledger import Ledger
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.protocol.ids import AccountID
from xpay.protocol.ter import TER, Tef


@dataclass(frozen=True, slots=True)
class CalcResult:
    """What a trial payment did (rippled's RippleCalc::Output, without the removed offers)."""

    result: TER
    actual_in: STAmount
    actual_out: STAmount


def trial_sandbox(ledger: Ledger) -> PaymentSandbox:
    """A sandbox for trial payments over `ledger`, to be dropped afterwards."""
    return PaymentSandbox(ledger.open_view())


def ripple_calculate(
    sandbox: PaymentSandbox,
    max_amount: STAmount,
    dst_amount: STAmount,
    dst: AccountID,
    src: AccountID,
    paths: Sequence[Path],
    *,
    default_paths: bool = True,
    partial_payment: bool = False,
) -> CalcResult:
    """Run the engine for `dst_amount` from `src` to `dst` over `paths` (and the default path
    when allowed), spending at most `max_amount` (-1: no limit). On success the effect stays in
    `sandbox`; on failure it is untouched."""
    # rippled: SendMax is given unless the amount is "no limit" in the delivered currency issued
    # by the sender itself (what a payment without SendMax spends anyway).
    send_max: STAmount | None = max_amount
    if (
        max_amount.signum() < 0
        and max_amount.issue.currency == dst_amount.issue.currency
        and max_amount.issue.account == src
    ):
        send_max = None
    try:
        out = flow(
            sandbox,
            dst_amount,
            src,
            dst,
            paths_to_native(list(paths)),
            default_path=default_paths,
            partial_payment=partial_payment,
            owner_pays_transfer_fee=False,
            offer_crossing=False,
            limit_quality=None,
            send_max=send_max,
        )
    except (FlowException, AmountOverflow):
        # rippled catches what the engine throws and reports tefEXCEPTION; an amount overflow
        # (a trial asking for the largest amount through an extreme rate) is one of those.
        return CalcResult(Tef.tefEXCEPTION, STAmount.zero(max_amount.issue), STAmount.zero(dst_amount.issue))
    return CalcResult(out.result, out.actual_in, out.actual_out)
