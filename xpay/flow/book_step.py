"""BookStep: value converted through an order book, as rippled's BookStep.cpp.

Each call consumes offers of one quality only, the book's best, oldest first: a strand that needs
more liquidity runs again, and the engine re-ranks strands between runs. For each offer:

* the taker pays `in * trIn` where trIn is the transfer fee of the book's in-issuer when the
  previous step redeemed into it (the issuer keeps the fee);
* the owner gives `out * trOut` when the owner pays the transfer fee (offer crossing, and
  payments as the XRPL runs them), so the owner's funds may limit the offer;
* an offer limited by funds is scaled at its own quality, rounding so that what is left never
  has a better quality than its book (rippled's fixReducedOffersV1/V2).

Offers consumed to their funded limit, and unusable ones found on the way, are deleted from the
book; those found unusable (not made so by this payment) are reported for removal even if the
payment fails. A step that looks at 1000 offers marks its strand inactive (rippled's fix1515).

In offer crossing (the `offer_crossing` variant) the strand's destination is the offer's owner,
so an own offer at the tip of the book, at least as good as the new one, is deleted rather than
crossed; offers worse than the new offer's quality are not looked at; and no transfer fee is
charged between an owner and itself.
"""

from __future__ import annotations

from collections.abc import Callable

from xpay.amounts import PARITY_RATE, QUALITY_ONE, Quality, Rate, STAmount, composed_quality
from xpay.amounts.arithmetic import get_rate
from xpay.flow.amount_spec import StepAmount, sum_amounts, to_st_amount, zero_of
from xpay.flow.book_tip import tip_quality
from xpay.flow.offer import TOffer
from xpay.flow.offer_stream import FlowOfferStream, StepCounter
from xpay.flow.steps import (
    Book,
    DebtDirection,
    FlowException,
    OfferCrossing,
    Step,
    StrandContext,
    StrandDirection,
)
from xpay.ledger import keylet
from xpay.ledger.funds import require_auth, transfer_rate
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import account_send
from xpay.ledger.views import ReadView
from xpay.protocol.flags import lsfHighNoRipple, lsfLowNoRipple
from xpay.protocol.ids import AccountID, Hash256
from xpay.protocol.ter import TER, Tec, Tef, Tem, Ter, Tes

MAX_OFFERS_TO_CONSUME = 1000
"""Offers one step may look at in one run (rippled's fix1515 limit)."""

_ISSUES = DebtDirection.ISSUES
_REDEEMS = DebtDirection.REDEEMS

# Callback(offer, ofr_in, ofr_out, stp_in, stp_out, owner_gives, rate_in, rate_out) -> continue?
_OfferCallback = Callable[
    [TOffer, StepAmount, StepAmount, StepAmount, StepAmount, StepAmount, int, int],
    bool,
]


class BookStep(Step):
    """Offers of `book` crossed by the strand (payment or offer crossing)."""

    __slots__ = (
        "_cache",
        "_inactive",
        "_offers_used",
        "book",
        "default_path",
        "in_zero",
        "offer_crossing",
        "out_zero",
        "owner_pays_transfer_fee",
        "prev_step",
        "quality_threshold",
        "strand_dst",
        "strand_src",
    )

    def __init__(self, ctx: StrandContext, book: Book) -> None:
        self.book = book
        self.strand_src = ctx.strand_src
        self.strand_dst = ctx.strand_dst
        self.prev_step = ctx.prev_step
        self.owner_pays_transfer_fee = ctx.owner_pays_transfer_fee
        self.offer_crossing = ctx.offer_crossing != OfferCrossing.NO
        self.default_path = ctx.is_default_path
        if self.offer_crossing and ctx.limit_quality is None:
            raise FlowException(Tef.tefINTERNAL, "offer crossing requires a quality")
        self.quality_threshold = ctx.limit_quality
        self.in_zero = zero_of(book.in_.is_xrp)
        self.out_zero = zero_of(book.out.is_xrp)
        self._inactive = False
        self._offers_used = 0
        self._cache: tuple[StepAmount, StepAmount] | None = None

    def __repr__(self) -> str:
        return f"BookStep({self.book.in_!r} -> {self.book.out!r})"

    def same_as(self, other: Step) -> bool:
        return type(other) is BookStep and other.book == self.book and other.offer_crossing == self.offer_crossing

    def cached_in(self) -> StepAmount | None:
        return None if self._cache is None else self._cache[0]

    def cached_out(self) -> StepAmount | None:
        return None if self._cache is None else self._cache[1]

    def debt_direction(self, sb: ReadView, direction: StrandDirection) -> DebtDirection:
        return _ISSUES if self.owner_pays_transfer_fee else _REDEEMS

    def book_step_book(self) -> Book | None:
        return self.book

    def offers_used(self) -> int:
        return self._offers_used

    def inactive(self) -> bool:
        return self._inactive

    # -- fees and quality ---------------------------------------------------------------------

    def _rate(self, view: ReadView, issue_is_xrp: bool, issuer: AccountID) -> Rate:
        """The issuer's transfer fee, waived for XRP and when the issuer is the destination."""
        if issue_is_xrp or issuer == self.strand_dst:
            return PARITY_RATE
        return transfer_rate(view, issuer)

    def _adjust_quality_with_fees(self, view: ReadView, offer_quality: Quality, prev_step_dir: DebtDirection) -> Quality:
        if self.offer_crossing:
            # Crossing charges no fee when the owner is the destination; an upper bound must
            # assume none is charged.
            return offer_quality
        book = self.book
        tr_in = self._rate(view, book.in_.is_xrp, book.in_.account) if prev_step_dir == _REDEEMS else PARITY_RATE
        tr_out = self._rate(view, book.out.is_xrp, book.out.account) if self.owner_pays_transfer_fee else PARITY_RATE
        if tr_in.value == QUALITY_ONE and tr_out.value == QUALITY_ONE:
            return offer_quality
        fees = Quality(get_rate(STAmount.from_drops(tr_out.value), STAmount.from_drops(tr_in.value)))
        return composed_quality(fees, offer_quality)

    def quality_upper_bound(
        self, view: ReadView, prev_step_dir: DebtDirection
    ) -> tuple[Quality | None, DebtDirection]:
        direction = self.debt_direction(view, StrandDirection.FORWARD)
        tip = tip_quality(view, self.book)
        if tip is None:
            return None, direction
        return self._adjust_quality_with_fees(view, tip, prev_step_dir), direction

    # -- walking the offers -------------------------------------------------------------------

    def _for_each_offer(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, prev_step_dir: DebtDirection, callback: _OfferCallback
    ) -> tuple[set[Hash256], int]:
        """Feed the usable offers at the best quality to `callback` until it returns False.
        Returns the offers to remove for good and the number of offers looked at."""
        book = self.book
        # The owner pays the transfer fee, even when it is the issuer.
        tr_in = self._rate(sb, book.in_.is_xrp, book.in_.account).value if prev_step_dir == _REDEEMS else QUALITY_ONE
        tr_out = self._rate(sb, book.out.is_xrp, book.out.account).value if self.owner_pays_transfer_fee else QUALITY_ONE
        counter = StepCounter(MAX_OFFERS_TO_CONSUME)
        offers = FlowOfferStream(sb, af_view, book, sb.parent_close_time, counter)
        offer_attempted = False
        ofr_q: Quality | None = None
        crossing = self.offer_crossing
        prev_src = self.prev_step.direct_step_src_acct() if self.prev_step is not None else None
        prev_is_book = self.prev_step is not None and self.prev_step.book_step_book() is not None

        def exec_offer(offer: TOffer) -> bool:
            nonlocal ofr_q, offer_attempted
            if ofr_q is None:
                ofr_q = offer.quality
            elif ofr_q != offer.quality:
                return False
            if crossing and self._limit_self_cross_quality(offer):
                # An own offer at least as good as the new one: delete it, do not cross it.
                offers.perm_rm_offer(offer.key)
                if not offer_attempted:
                    ofr_q = None
                return True
            if require_auth(af_view, offer.issue_in, offer.owner) != Tes.tesSUCCESS:
                # The owner may not hold what it would receive: remove the offer.
                offers.perm_rm_offer(offer.key)
                if not offer_attempted:
                    ofr_q = None
                return True
            if crossing and self.default_path:
                threshold = self.quality_threshold
                assert threshold is not None
                if offer.quality < threshold:
                    return False
            ofr_in_rate = tr_in
            ofr_out_rate = tr_out
            if crossing:
                # No fee when an owner pays itself.
                if offer.owner == prev_src:
                    ofr_in_rate = QUALITY_ONE
                if prev_is_book and offer.owner == self.strand_dst:
                    ofr_out_rate = QUALITY_ONE
            ofr_in = offer.amount_in
            ofr_out = offer.amount_out
            stp_in = ofr_in.mul_ratio(ofr_in_rate, QUALITY_ONE, True) if ofr_in_rate != QUALITY_ONE else ofr_in
            stp_out = ofr_out
            owner_gives = ofr_out.mul_ratio(ofr_out_rate, QUALITY_ONE, False) if ofr_out_rate != QUALITY_ONE else ofr_out
            funds = owner_gives if offer.is_funded() else offers.owner_funds
            assert funds is not None
            if funds < owner_gives:  # type: ignore[operator]
                owner_gives = funds
                stp_out = owner_gives.mul_ratio(QUALITY_ONE, ofr_out_rate, False)
                # Rounding down keeps the reduced offer no better than its book.
                ofr_in, ofr_out = offer.limit_out(ofr_in, ofr_out, stp_out, False)
                stp_in = ofr_in.mul_ratio(ofr_in_rate, QUALITY_ONE, True)
            offer_attempted = True
            return callback(offer, ofr_in, ofr_out, stp_in, stp_out, owner_gives, ofr_in_rate, ofr_out_rate)

        if offers.step():
            while exec_offer(offers.tip()) and offers.step():
                pass
        return offers.perm_to_remove, counter.count

    def _limit_self_cross_quality(self, offer: TOffer) -> bool:
        """Crossing on the default path meets an own offer at least as good as the new one."""
        threshold = self.quality_threshold
        assert threshold is not None
        return (
            self.default_path
            and offer.quality >= threshold
            and self.strand_src == offer.owner
            and self.strand_dst == offer.owner
        )

    def _consume_offer(
        self,
        sb: PaymentSandbox,
        offer: TOffer,
        ofr_in: StepAmount,
        ofr_out: StepAmount,
        owner_gives: StepAmount,
    ) -> None:
        """The owner receives `ofr_in` from the in-issuer and gives `owner_gives` to the out-issuer
        (the differences with the taker's amounts are transfer fees), and the offer shrinks."""
        book = self.book
        ter = account_send(sb, book.in_.account, offer.owner, to_st_amount(ofr_in, book.in_))
        if ter != Tes.tesSUCCESS:
            raise FlowException(ter)
        ter = account_send(sb, offer.owner, book.out.account, to_st_amount(owner_gives, book.out))
        if ter != Tes.tesSUCCESS:
            raise FlowException(ter)
        offer.consume(sb, ofr_in, ofr_out)

    def _limit_step_out(
        self,
        offer: TOffer,
        amounts: tuple[StepAmount, StepAmount, StepAmount, StepAmount, StepAmount],
        rate_in: int,
        rate_out: int,
        limit: StepAmount,
    ) -> tuple[StepAmount, StepAmount, StepAmount, StepAmount, StepAmount]:
        """(ofr_in, ofr_out, stp_in, stp_out, owner_gives) with the taker's out capped at `limit`
        (rippled's limitStepOut)."""
        ofr_in, ofr_out, stp_in, stp_out, owner_gives = amounts
        if not limit < stp_out:  # type: ignore[operator]
            return amounts
        stp_out = limit
        owner_gives = stp_out.mul_ratio(rate_out, QUALITY_ONE, False)
        ofr_in, ofr_out = offer.limit_out(ofr_in, ofr_out, stp_out, True)
        stp_in = ofr_in.mul_ratio(rate_in, QUALITY_ONE, True)
        return ofr_in, ofr_out, stp_in, stp_out, owner_gives

    def _limit_step_in(
        self,
        offer: TOffer,
        amounts: tuple[StepAmount, StepAmount, StepAmount, StepAmount, StepAmount],
        rate_in: int,
        rate_out: int,
        limit: StepAmount,
    ) -> tuple[StepAmount, StepAmount, StepAmount, StepAmount, StepAmount]:
        """(ofr_in, ofr_out, stp_in, stp_out, owner_gives) with the taker's in capped at `limit`
        (rippled's limitStepIn)."""
        ofr_in, ofr_out, stp_in, stp_out, owner_gives = amounts
        if not limit < stp_in:  # type: ignore[operator]
            return amounts
        stp_in = limit
        in_limit = stp_in.mul_ratio(QUALITY_ONE, rate_in, False)
        # Rounding down keeps what is left of the offer no better than its book.
        ofr_in, ofr_out = offer.limit_in(ofr_in, ofr_out, in_limit, False)
        stp_out = ofr_out
        owner_gives = ofr_out.mul_ratio(rate_out, QUALITY_ONE, False)
        return ofr_in, ofr_out, stp_in, stp_out, owner_gives

    def _prev_debt_dir(self, sb: PaymentSandbox, direction: StrandDirection) -> DebtDirection:
        prev = self.prev_step
        return prev.debt_direction(sb, direction) if prev is not None else _ISSUES

    def _note_offers(self, ofrs_to_rm: set[Hash256], to_rm: set[Hash256], consumed: int) -> None:
        self._offers_used = consumed
        ofrs_to_rm |= to_rm
        if consumed >= MAX_OFFERS_TO_CONSUME:
            # Use the liquidity found, but do not come back to this strand.
            self._inactive = True

    def rev(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], out: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        self._cache = None
        in_zero = self.in_zero
        saved_ins: list[StepAmount] = []
        saved_outs: list[StepAmount] = []
        result_in = in_zero
        result_out = self.out_zero
        remaining_out = out

        def each_offer(
            offer: TOffer,
            ofr_in: StepAmount,
            ofr_out: StepAmount,
            stp_in: StepAmount,
            stp_out: StepAmount,
            owner_gives: StepAmount,
            rate_in: int,
            rate_out: int,
        ) -> bool:
            nonlocal result_in, result_out, remaining_out
            if remaining_out.signum() <= 0:
                return False
            if stp_out <= remaining_out:  # type: ignore[operator]
                saved_ins.append(stp_in)
                saved_outs.append(stp_out)
                result_in = sum_amounts(saved_ins, in_zero)  # type: ignore[type-var]
                result_out = sum_amounts(saved_outs, self.out_zero)  # type: ignore[type-var]
                remaining_out = out - result_out  # type: ignore[operator]
                self._consume_offer(sb, offer, ofr_in, ofr_out, owner_gives)
                # Consume it even if the payment is now satisfied.
                return True
            ofr_in, ofr_out, stp_in, stp_out, owner_gives = self._limit_step_out(
                offer, (ofr_in, ofr_out, stp_in, stp_out, owner_gives), rate_in, rate_out, remaining_out
            )
            remaining_out = self.out_zero
            saved_ins.append(stp_in)
            saved_outs.append(remaining_out)
            result_in = sum_amounts(saved_ins, in_zero)  # type: ignore[type-var]
            result_out = out
            self._consume_offer(sb, offer, ofr_in, ofr_out, owner_gives)
            # Two IOU amounts within ten units of the last digit subtract to zero: the offer may
            # be used up even though it offered more than was asked.
            return offer.fully_consumed()

        to_rm, consumed = self._for_each_offer(sb, af_view, self._prev_debt_dir(sb, StrandDirection.REVERSE), each_offer)
        self._note_offers(ofrs_to_rm, to_rm, consumed)
        sign = remaining_out.signum()
        if sign < 0:
            self._cache = (in_zero, self.out_zero)
            return in_zero, self.out_zero
        if sign == 0:
            # Normalisation can leave nothing remaining without result_out == out.
            result_out = out
        self._cache = (result_in, result_out)
        return result_in, result_out

    def fwd(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], in_: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        cache = self._cache
        assert cache is not None
        in_zero = self.in_zero
        out_zero = self.out_zero
        saved_ins: list[StepAmount] = []
        saved_outs: list[StepAmount] = []
        result_in = in_zero
        result_out = out_zero
        remaining_in = in_

        def each_offer(
            offer: TOffer,
            ofr_in: StepAmount,
            ofr_out: StepAmount,
            stp_in: StepAmount,
            stp_out: StepAmount,
            owner_gives: StepAmount,
            rate_in: int,
            rate_out: int,
        ) -> bool:
            nonlocal result_in, result_out, remaining_in, saved_ins, saved_outs
            if remaining_in.signum() <= 0:
                return False
            adj_ofr_in, adj_ofr_out, adj_owner_gives = ofr_in, ofr_out, owner_gives
            if stp_in <= remaining_in:  # type: ignore[operator]
                saved_ins.append(stp_in)
                saved_outs.append(stp_out)
                result_in = sum_amounts(saved_ins, in_zero)  # type: ignore[type-var]
                result_out = sum_amounts(saved_outs, out_zero)  # type: ignore[type-var]
                process_more = True
            else:
                adj_ofr_in, adj_ofr_out, _, adj_stp_out, adj_owner_gives = self._limit_step_in(
                    offer, (ofr_in, ofr_out, stp_in, stp_out, owner_gives), rate_in, rate_out, remaining_in
                )
                saved_ins.append(remaining_in)
                saved_outs.append(adj_stp_out)
                result_out = sum_amounts(saved_outs, out_zero)  # type: ignore[type-var]
                result_in = in_
                process_more = False
            if result_out > cache[1] and result_in <= cache[0]:  # type: ignore[operator]
                # More out than the reverse pass found for no more in: deliver what the reverse
                # pass asked for, if this offer needs exactly the remaining input to do so.
                last_out = saved_outs.pop()
                rev_remaining_out = cache[1] - sum_amounts(saved_outs, out_zero)  # type: ignore[operator,type-var]
                rev_ofr_in, rev_ofr_out, rev_stp_in, _, rev_owner_gives = self._limit_step_out(
                    offer, (ofr_in, ofr_out, stp_in, stp_out, owner_gives), rate_in, rate_out, rev_remaining_out
                )
                if rev_stp_in == remaining_in:
                    result_in = in_
                    result_out = cache[1]
                    saved_ins = [result_in]
                    saved_outs = [result_out]
                    adj_ofr_in, adj_ofr_out = rev_ofr_in, rev_ofr_out
                    adj_owner_gives = rev_owner_gives
                else:
                    # Likely a problem; later checks catch it.
                    saved_outs.append(last_out)
            remaining_in = in_ - result_in  # type: ignore[operator]
            self._consume_offer(sb, offer, adj_ofr_in, adj_ofr_out, adj_owner_gives)
            return process_more or offer.fully_consumed()

        to_rm, consumed = self._for_each_offer(sb, af_view, self._prev_debt_dir(sb, StrandDirection.FORWARD), each_offer)
        self._note_offers(ofrs_to_rm, to_rm, consumed)
        sign = remaining_in.signum()
        if sign < 0:
            self._cache = (in_zero, out_zero)
            return in_zero, out_zero
        if sign == 0:
            result_in = in_
        self._cache = (result_in, result_out)
        return result_in, result_out

    # -- checks when the strand is built ------------------------------------------------------

    def check(self, ctx: StrandContext) -> TER:
        book = self.book
        if book.in_ == book.out:
            return Tem.temBAD_PATH
        # Two books may not output the same issue: one could unfund offers of the other.
        out_key = book.out.key
        if out_key in ctx.seen_book_outs or out_key in ctx.seen_direct_issues[0]:
            return Tem.temBAD_PATH_LOOP
        ctx.seen_book_outs.add(out_key)
        if out_key in ctx.seen_direct_issues[1]:
            return Tem.temBAD_PATH_LOOP
        view = ctx.view
        for issue in (book.in_, book.out):
            if not issue.is_xrp and view.read(keylet.account(issue.account)) is None:
                return Tec.tecNO_ISSUER
        prev = ctx.prev_step
        if prev is not None:
            prev_src = prev.direct_step_src_acct()
            if prev_src is not None:
                cur = book.in_.account
                line = view.read(keylet.line(prev_src, cur, book.in_.currency))
                if line is None:
                    return Ter.terNO_LINE
                if line.flags & (lsfHighNoRipple if cur > prev_src else lsfLowNoRipple):
                    return Ter.terNO_RIPPLE
        return Tes.tesSUCCESS


def make_book_step(ctx: StrandContext, book: Book) -> tuple[TER, BookStep | None]:
    """Build and check a book step (rippled's make_BookStepII / IX / XI)."""
    step = BookStep(ctx, book)
    ter = step.check(ctx)
    if ter != Tes.tesSUCCESS:
        return ter, None
    return ter, step
