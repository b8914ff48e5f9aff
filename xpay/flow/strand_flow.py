"""Running strands: one strand's reverse and forward passes, and the best-strand-first loop over
many, as rippled's StrandFlow.h.

One strand (`strand_flow`): walk the steps from the last to the first asking each how much must
come in for what the next one needs (the reverse pass). A step that cannot deliver what is asked
is the *limiting* step: everything computed so far is thrown away, the limiting step is run again
for what it can do, and the steps after it are run forward from its output (the forward pass).
If the first step needs more than SendMax allows, it is the limiting step, run forward from the
allowance. The result is the strand's (in, out) and a sandbox holding its effect.

Many strands (`flow_strands`): repeatedly rank the strands still active by the best quality they
could give, run them in that order and take the first that delivers anything at an acceptable
quality; apply its sandbox, reduce what remains to deliver (and what remains of SendMax), and go
again until the payment is complete, every strand is dry, or the limits on passes and offers
are reached. Offers found unusable along the way are deleted between passes and reported.
"""

from __future__ import annotations

from typing import NamedTuple

from xpay.amounts import Quality, STAmount, XRPAmount, composed_quality
from xpay.amounts.arithmetic import get_rate
from xpay.flow.amount_spec import StepAmount, quality_of, sum_amounts, to_step_amount
from xpay.flow.steps import DebtDirection, FlowException, OfferCrossing, Strand, offers_used
from xpay.ledger.entries import Offer
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import offer_delete
from xpay.ledger.views import ReadView
from xpay.protocol.ids import Hash256
from xpay.protocol.ter import TER, Tec, Tef, Tel, Tes

MAX_TRIES = 1000
"""Passes of the liquidity loop before the payment is abandoned (telFAILED_PROCESSING)."""
MAX_OFFERS_TO_CONSIDER = 1500
"""Offers the whole payment may look at; after that it ends with what it has."""

_QUALITY_ONE = Quality(get_rate(STAmount.from_drops(1), STAmount.from_drops(1)))


class StrandResult(NamedTuple):
    """The outcome of one strand (rippled's StrandResult)."""

    success: bool
    in_: StepAmount | None
    out: StepAmount | None
    sandbox: PaymentSandbox | None
    ofrs_to_rm: set[Hash256]
    ofrs_used: int
    inactive: bool


def _failed(strand: Strand, ofrs_to_rm: set[Hash256]) -> StrandResult:
    return StrandResult(False, None, None, None, ofrs_to_rm, offers_used(strand), False)


def strand_flow(
    base_view: PaymentSandbox,
    strand: Strand,
    max_in: StepAmount | None,
    out: StepAmount,
    *,
    xrp_to_xrp: bool = False,
) -> StrandResult:
    """Request `out` from one strand, spending at most `max_in` (rippled's flow(strand)).
    `xrp_to_xrp` tells that the payment spends and delivers XRP."""
    ofrs_to_rm: set[Hash256] = set()
    if not strand:
        return _failed(strand, ofrs_to_rm)
    if xrp_to_xrp and len(strand) == 2:
        # XRP to XRP is the Payment transactor's job, not the engine's.
        return _failed(strand, ofrs_to_rm)
    try:
        s = len(strand)
        limiting_step = s
        sb = PaymentSandbox(base_view)
        # Balances before the strand ran: tells "found unfunded" from "became unfunded".
        af_view = PaymentSandbox(base_view)
        limit_step_out: StepAmount | None = None
        step_out = out
        for i in range(s - 1, -1, -1):
            step = strand[i]
            r_in, r_out = step.rev(sb, af_view, ofrs_to_rm, step_out)
            if not r_out:
                return _failed(strand, ofrs_to_rm)
            if i == 0 and max_in is not None and max_in < r_in:  # type: ignore[operator]
                # The source cannot spend that much: throw the pass away, run forward from max_in.
                sb = PaymentSandbox(base_view)
                limiting_step = i
                r_in, r_out = step.fwd(sb, af_view, ofrs_to_rm, max_in)
                limit_step_out = r_out
                if not r_out:
                    return _failed(strand, ofrs_to_rm)
                if r_in != max_in:
                    # Throwing the sandbox away can only add liquidity; this should not happen.
                    return _failed(strand, ofrs_to_rm)
            elif r_out != step_out:
                # This step limits the strand: start again from what it can deliver.
                sb = PaymentSandbox(base_view)
                af_view = PaymentSandbox(base_view)
                limiting_step = i
                step_out = r_out
                r_in, r_out = step.rev(sb, af_view, ofrs_to_rm, step_out)
                limit_step_out = r_out
                if not r_out:
                    # A tiny input can make a step produce nothing.
                    return _failed(strand, ofrs_to_rm)
                if r_out != step_out:
                    return _failed(strand, ofrs_to_rm)
            step_out = r_in

        step_in = limit_step_out
        for i in range(limiting_step + 1, s):
            assert step_in is not None
            r_in, r_out = strand[i].fwd(sb, af_view, ofrs_to_rm, step_in)
            if not r_out:
                return _failed(strand, ofrs_to_rm)
            if r_in != step_in:
                # The limits were already found; the forward pass must not find a new one.
                return _failed(strand, ofrs_to_rm)
            step_in = r_out

        strand_in = strand[0].cached_in()
        strand_out = strand[-1].cached_out()
        inactive = any(step.inactive() for step in strand)
        return StrandResult(True, strand_in, strand_out, sb, ofrs_to_rm, offers_used(strand), inactive)
    except FlowException:
        return _failed(strand, ofrs_to_rm)


def quality_upper_bound(view: ReadView, strand: Strand) -> Quality | None:
    """The best quality the strand could give, composed over its steps; None if a step is dry."""
    q = _QUALITY_ONE
    direction = DebtDirection.ISSUES
    for step in strand:
        step_q, direction = step.quality_upper_bound(view, direction)
        if step_q is None:
            return None
        if step_q != _QUALITY_ONE:
            q = composed_quality(q, step_q) if q != _QUALITY_ONE else step_q
    return q


class _ActiveStrands:
    """Strands still worth asking for liquidity, best theoretical quality first."""

    __slots__ = ("cur", "next")

    def __init__(self, strands: list[Strand]) -> None:
        self.cur: list[Strand] = []
        self.next: list[Strand] = list(strands)

    def activate_next(self, view: ReadView, limit_quality: Quality | None) -> None:
        self.cur = []
        if len(self.next) > 1:
            ranked: list[tuple[Quality, Strand]] = []
            for strand in self.next:
                q = quality_upper_bound(view, strand)
                if q is None:
                    continue
                if limit_quality is not None and q < limit_quality:
                    # Not good enough, and a strand's quality only gets worse.
                    continue
                ranked.append((q, strand))
            # Stable sort, best quality first, for the same order on every validator.
            ranked.sort(key=lambda item: item[0].value)
            self.next = [strand for _, strand in ranked]
        self.cur, self.next = self.next, self.cur


class FlowStrandsResult(NamedTuple):
    result: TER
    in_: StepAmount | None
    out: StepAmount | None
    sandbox: PaymentSandbox | None
    removable_offers: frozenset[Hash256]


def flow_strands(
    base_view: PaymentSandbox,
    strands: list[Strand],
    out_req: StepAmount,
    in_zero: StepAmount,
    *,
    partial_payment: bool,
    offer_crossing: OfferCrossing,
    limit_quality: Quality | None,
    send_max: STAmount | None,
    xrp_to_xrp: bool = False,
) -> FlowStrandsResult:
    """Deliver `out_req` through `strands`, cheapest liquidity first (rippled's flow(strands))."""
    out_zero = XRPAmount.ZERO if type(out_req) is XRPAmount else type(out_req).ZERO
    send_max_amount: StepAmount | None = None
    if send_max is not None:
        candidate = to_step_amount(send_max)
        if candidate.signum() >= 0:
            send_max_amount = candidate
    remaining_in = send_max_amount
    remaining_out = out_req
    sb = PaymentSandbox(base_view)
    active = _ActiveStrands(strands)
    saved_ins: list[StepAmount] = []
    saved_outs: list[StepAmount] = []
    ofrs_to_rm_on_fail: set[Hash256] = set()
    offers_considered = 0
    cur_try = 0

    while remaining_out.signum() > 0 and (remaining_in is None or remaining_in.signum() > 0):
        cur_try += 1
        if cur_try >= MAX_TRIES:
            return FlowStrandsResult(Tel.telFAILED_PROCESSING, None, None, None, frozenset(ofrs_to_rm_on_fail))
        active.activate_next(sb, limit_quality)
        ofrs_to_rm: set[Hash256] = set()
        best: StrandResult | None = None
        cur = active.cur
        for index, strand in enumerate(cur):
            if offer_crossing != OfferCrossing.NO and limit_quality is not None:
                strand_q = quality_upper_bound(sb, strand)
                if strand_q is None or strand_q < limit_quality:
                    continue
            f = strand_flow(sb, strand, remaining_in, remaining_out, xrp_to_xrp=xrp_to_xrp)
            # Unusable offers are removed even when the strand fails.
            ofrs_to_rm |= f.ofrs_to_rm
            offers_considered += f.ofrs_used
            if not f.success or f.out is None or not f.out:
                continue
            assert f.in_ is not None
            if limit_quality is not None and quality_of(f.out, f.in_) < limit_quality:
                continue
            if not f.inactive:
                active.next.append(strand)
            best = f
            active.next.extend(cur[index + 1 :])
            break

        should_break = best is None or offers_considered >= MAX_OFFERS_TO_CONSIDER
        if best is not None:
            assert best.in_ is not None and best.out is not None and best.sandbox is not None
            saved_ins.append(best.in_)
            saved_outs.append(best.out)
            remaining_out = out_req - sum_amounts(saved_outs, out_zero)  # type: ignore[operator,type-var]
            if send_max_amount is not None:
                remaining_in = send_max_amount - sum_amounts(saved_ins, in_zero)  # type: ignore[operator,type-var]
            best.sandbox.apply()
        if ofrs_to_rm:
            ofrs_to_rm_on_fail |= ofrs_to_rm
            for key in sorted(ofrs_to_rm):
                offer = sb.read_key(key)
                if type(offer) is Offer:
                    offer_delete(sb, offer)
        if should_break:
            break

    actual_out = sum_amounts(saved_outs, out_zero)  # type: ignore[type-var]
    actual_in = sum_amounts(saved_ins, in_zero)  # type: ignore[type-var]
    removable = frozenset(ofrs_to_rm_on_fail)
    if actual_out != out_req:
        if actual_out > out_req:  # type: ignore[operator]
            return FlowStrandsResult(Tef.tefEXCEPTION, None, None, None, removable)
        if not partial_payment:
            # Offer crossing without partial payment is FillOrKill; with tfSell it is judged
            # on what was spent instead, below.
            if offer_crossing != OfferCrossing.SELL:
                return FlowStrandsResult(Tec.tecPATH_PARTIAL, actual_in, actual_out, None, removable)
        elif not actual_out:
            return FlowStrandsResult(Tec.tecPATH_DRY, None, None, None, removable)
    if (
        offer_crossing == OfferCrossing.SELL
        and not partial_payment
        and remaining_in is not None
        and remaining_in.signum() != 0
    ):
        # FillOrKill with tfSell: everything offered must be sold.
        return FlowStrandsResult(Tec.tecPATH_PARTIAL, actual_in, actual_out, None, removable)
    return FlowStrandsResult(Tes.tesSUCCESS, actual_in, actual_out, sb, removable)
