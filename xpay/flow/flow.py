"""flow(): the payment engine's entry point, as rippled's Flow.cpp.

The Payment transactor calls it for everything but a direct XRP-to-XRP payment; OfferCreate calls
it to cross the books (`offer_crossing`, the new offer's owner being both source and
destination). It turns the paths into strands, runs them (strand_flow.flow_strands) in a payment
sandbox of its own, and on success applies that sandbox into the caller's. On failure nothing is
applied; the offers found unusable are reported in `removable_offers` so the caller may delete
them anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from xpay.amounts import XRP_ISSUE, Issue, Quality, STAmount
from xpay.flow.amount_spec import to_st_amount, to_step_amount, zero_of
from xpay.flow.steps import OfferCrossing
from xpay.flow.strand import PathStep, to_strands
from xpay.flow.strand_flow import flow_strands
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.protocol.ids import AccountID, Hash256
from xpay.protocol.ter import TER, Tes


class FlowResult(NamedTuple):
    """What the engine did (rippled's RippleCalc::Output). A NamedTuple: one per payment and
    per offer crossing.

    `actual_in` is in the source's issue (SendMax's, or the delivered currency issued by the
    source, or XRP) and `actual_out` in the delivered issue; both are zero when nothing was
    delivered. `removable_offers` are the offers found unfunded, expired or otherwise unusable
    (on success they are already deleted in the sandbox).
    """

    result: TER
    actual_in: STAmount
    actual_out: STAmount
    removable_offers: frozenset[Hash256]


def flow(
    sandbox: PaymentSandbox,
    deliver: STAmount,
    src: AccountID,
    dst: AccountID,
    paths: Sequence[Sequence[PathStep]],
    *,
    default_path: bool,
    partial_payment: bool,
    owner_pays_transfer_fee: bool,
    offer_crossing: bool,
    limit_quality: Quality | None,
    send_max: STAmount | None,
    offer_crossing_sell: bool = False,
) -> FlowResult:
    """Deliver `deliver` from `src` to `dst` through the default path and `paths`.

    On tesSUCCESS the effect is applied into `sandbox`; otherwise `sandbox` is untouched.
    `offer_crossing_sell` marks an OfferCreate with tfSell (rippled's OfferCrossing::sell).
    """
    if send_max is not None:
        src_issue = send_max.issue
    elif not deliver.native:
        src_issue = Issue(deliver.issue.currency, src)
    else:
        src_issue = XRP_ISSUE
    dst_issue = deliver.issue
    crossing = OfferCrossing.NO
    if offer_crossing:
        crossing = OfferCrossing.SELL if offer_crossing_sell else OfferCrossing.YES

    ter, strands = to_strands(
        sandbox,
        src,
        dst,
        dst_issue,
        limit_quality,
        send_max.issue if send_max is not None else None,
        paths,
        default_path,
        owner_pays_transfer_fee,
        crossing,
    )
    if ter != Tes.tesSUCCESS:
        return FlowResult(ter, STAmount.zero(src_issue), STAmount.zero(dst_issue), frozenset())

    in_zero = zero_of(src_issue.is_xrp)
    f = flow_strands(
        sandbox,
        strands,
        to_step_amount(deliver),
        in_zero,
        partial_payment=partial_payment,
        offer_crossing=crossing,
        limit_quality=limit_quality,
        send_max=send_max,
        xrp_to_xrp=src_issue.is_xrp and dst_issue.is_xrp,
    )
    if f.result == Tes.tesSUCCESS:
        assert f.sandbox is not None
        f.sandbox.apply()
    actual_in = to_st_amount(f.in_, src_issue) if f.in_ is not None else STAmount.zero(src_issue)
    actual_out = to_st_amount(f.out, dst_issue) if f.out is not None else STAmount.zero(dst_issue)
    return FlowResult(f.result, actual_in, actual_out, f.removable_offers)
