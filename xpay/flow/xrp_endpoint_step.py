"""XRPEndpointStep: XRP leaving the source's balance or arriving in the destination's, as
rippled's XRPEndpointStep.cpp.

The first step of a strand that spends XRP takes at most the source's liquid XRP (its balance
above the reserve, with deferred credits and the highest owner count of the payment counted);
the last step of a strand that delivers XRP credits the destination with whatever arrives.
Offer crossing lets the taker dig one owner reserve deeper when it has no trust line yet for what
it buys, because the line the crossing creates is paid for from that reserve.
"""

from __future__ import annotations

from xpay.amounts import XRP_ISSUE, Quality, STAmount, XRPAmount
from xpay.amounts.arithmetic import get_rate
from xpay.flow.amount_spec import StepAmount
from xpay.flow.step_checks import check_freeze
from xpay.flow.steps import DebtDirection, OfferCrossing, Step, StrandContext, StrandDirection
from xpay.ledger import keylet
from xpay.ledger.funds import xrp_liquid
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import XRP_ACCOUNT, account_send
from xpay.ledger.views import ReadView
from xpay.protocol.ids import XRP_CURRENCY, AccountID, Hash256
from xpay.protocol.ter import TER, Tem, Ter, Tes

_ZERO = XRPAmount.ZERO
_QUALITY_ONE = Quality(get_rate(STAmount.from_drops(1), STAmount.from_drops(1)))


class XRPEndpointStep(Step):
    """The XRP source (first step) or destination (last step) of a strand."""

    __slots__ = ("_cache", "acc", "is_last", "offer_crossing", "reserve_reduction")

    def __init__(self, ctx: StrandContext, acc: AccountID) -> None:
        self.acc = acc
        self.is_last = ctx.is_last
        self.offer_crossing = ctx.offer_crossing != OfferCrossing.NO
        self.reserve_reduction = 0
        if self.offer_crossing and ctx.is_first:
            deliver = ctx.strand_deliver
            if ctx.view.read(keylet.line(acc, deliver.account, deliver.currency)) is None:
                self.reserve_reduction = -1
        self._cache: XRPAmount | None = None

    def __repr__(self) -> str:
        return f"XRPEndpointStep({self.acc.hex()[:8]}, last={self.is_last})"

    def same_as(self, other: Step) -> bool:
        return (
            type(other) is XRPEndpointStep
            and other.acc == self.acc
            and other.is_last == self.is_last
            and other.offer_crossing == self.offer_crossing
        )

    def direct_step_accts(self) -> tuple[AccountID, AccountID] | None:
        if self.is_last:
            return XRP_ACCOUNT, self.acc
        return self.acc, XRP_ACCOUNT

    def cached_in(self) -> StepAmount | None:
        return self._cache

    def cached_out(self) -> StepAmount | None:
        return self._cache

    def debt_direction(self, sb: ReadView, direction: StrandDirection) -> DebtDirection:
        return DebtDirection.ISSUES

    def quality_upper_bound(
        self, view: ReadView, prev_step_dir: DebtDirection
    ) -> tuple[Quality | None, DebtDirection]:
        return _QUALITY_ONE, DebtDirection.ISSUES

    def _move(self, sb: PaymentSandbox, amount: StepAmount) -> tuple[StepAmount, StepAmount]:
        assert type(amount) is XRPAmount
        if self.is_last:
            result = amount
            sender, receiver = XRP_ACCOUNT, self.acc
        else:
            balance = xrp_liquid(sb, self.acc, self.reserve_reduction)
            result = balance if balance < amount else amount
            sender, receiver = self.acc, XRP_ACCOUNT
        if account_send(sb, sender, receiver, STAmount.from_drops(result.drops)) != Tes.tesSUCCESS:
            return _ZERO, _ZERO
        self._cache = result
        return result, result

    def rev(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], out: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        return self._move(sb, out)

    def fwd(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], in_: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        return self._move(sb, in_)

    def check(self, ctx: StrandContext) -> TER:
        if not any(self.acc):
            return Tem.temBAD_PATH
        if ctx.view.read(keylet.account(self.acc)) is None:
            return Ter.terNO_ACCOUNT
        if not ctx.is_first and not ctx.is_last:
            return Tem.temBAD_PATH
        src, dst = (XRP_ACCOUNT, self.acc) if self.is_last else (self.acc, XRP_ACCOUNT)
        ter = check_freeze(ctx.view, src, dst, XRP_CURRENCY)
        if ter != Tes.tesSUCCESS:
            return ter
        seen = ctx.seen_direct_issues[0 if self.is_last else 1]
        if XRP_ISSUE.key in seen:
            return Tem.temBAD_PATH_LOOP
        seen.add(XRP_ISSUE.key)
        return Tes.tesSUCCESS


def make_xrp_endpoint_step(ctx: StrandContext, acc: AccountID) -> tuple[TER, XRPEndpointStep | None]:
    """Build and check an XRP endpoint (rippled's make_XRPEndpointStep)."""
    step = XRPEndpointStep(ctx, acc)
    ter = step.check(ctx)
    if ter != Tes.tesSUCCESS:
        return ter, None
    return ter, step
