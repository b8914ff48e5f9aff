"""DirectStepI: value moving along one trust line, as rippled's DirectStep.cpp.

The source either *redeems* (it holds the destination's IOUs and gives them back) or *issues*
(it creates its own IOUs for the destination, up to the destination's limit). The rates that
apply depend on which:

* redeeming: the source's QualityOut (raised to the previous step's destination QualityIn);
* issuing after a redeeming step: the source is an issuer being rippled through, and its
  TransferRate is charged; the destination's QualityIn applies (capped at 1:1 on the last step).

Liquidity is what the source holds of the destination's IOUs (redeeming) or the room left under
the destination's limit (issuing). A payment needs the trust line to exist, honour freezes,
NoRipple and RequireAuth; offer crossing (the `offer_crossing` variant) ignores line qualities,
and on the last step ignores the taker's limit (the crossing creates or grows the line).
"""

from __future__ import annotations

from xpay.amounts import NO_ISSUE, QUALITY_ONE, IOUAmount, Issue, Quality, STAmount
from xpay.amounts.arithmetic import get_rate
from xpay.amounts.iou_amount import _iou
from xpay.amounts.issue import issue_from_key
from xpay.flow.amount_spec import StepAmount
from xpay.flow.step_checks import check_freeze, check_no_ripple
from xpay.flow.steps import (
    DebtDirection,
    QualityDirection,
    Step,
    StrandContext,
    StrandDirection,
)
from xpay.ledger import keylet
from xpay.ledger.entries import RippleState
from xpay.ledger.funds import transfer_rate
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.transfers import ripple_credit
from xpay.ledger.views import ReadView
from xpay.protocol.flags import (
    lsfHighAuth,
    lsfHighNoRipple,
    lsfLowAuth,
    lsfLowNoRipple,
    lsfRequireAuth,
)
from xpay.protocol.ids import XRP_CURRENCY, AccountID, Currency, Hash256
from xpay.protocol.ter import TER, Tec, Tem, Ter, Tes

_ISSUES = DebtDirection.ISSUES
_REDEEMS = DebtDirection.REDEEMS
_SMALL_DIFF = IOUAmount(1, -9)
_ZERO = IOUAmount.ZERO


class _Cache:
    __slots__ = ("in_", "out", "src_debt_dir", "src_to_dst")

    def __init__(self, in_: IOUAmount, src_to_dst: IOUAmount, out: IOUAmount, src_debt_dir: DebtDirection) -> None:
        self.in_ = in_
        self.src_to_dst = src_to_dst
        self.out = out
        self.src_debt_dir = src_debt_dir


class DirectStepI(Step):
    """An IOU hop from `src` to `dst` along their trust line in `currency`."""

    __slots__ = (
        "_cache",
        "_dst_issue",
        "_line",
        "_src_issue",
        "_src_low",
        "currency",
        "dst",
        "is_last",
        "offer_crossing",
        "prev_step",
        "src",
    )

    def __init__(
        self, ctx: StrandContext, src: AccountID, dst: AccountID, currency: Currency
    ) -> None:
        self.src = src
        self.dst = dst
        self.currency = currency
        self.prev_step = ctx.prev_step
        self.is_last = ctx.is_last
        self.offer_crossing = bool(ctx.offer_crossing)
        self._cache: _Cache | None = None
        # The one line this step moves value on, read once per call (keylet computed once).
        self._line = keylet.line(src, dst, currency)
        self._src_low = src < dst
        # A malformed path can name XRP here; its check fails before any Issue is needed.
        is_iou = currency != XRP_CURRENCY
        # Through the shared issue cache (validated as the constructor does).
        self._src_issue = issue_from_key(currency + src) if is_iou else None
        self._dst_issue = issue_from_key(currency + dst) if is_iou else None

    def __repr__(self) -> str:
        return f"DirectStepI({self.src.hex()[:8]}->{self.dst.hex()[:8]})"

    def same_as(self, other: Step) -> bool:
        return (
            type(other) is DirectStepI
            and other.src == self.src
            and other.dst == self.dst
            and other.currency == self.currency
            and other.offer_crossing == self.offer_crossing
        )

    def cached_in(self) -> StepAmount | None:
        return None if self._cache is None else self._cache.in_

    def cached_out(self) -> StepAmount | None:
        return None if self._cache is None else self._cache.out

    def direct_step_src_acct(self) -> AccountID | None:
        return self.src

    def direct_step_accts(self) -> tuple[AccountID, AccountID] | None:
        return self.src, self.dst

    # -- qualities ----------------------------------------------------------------------------

    def quality(self, view: ReadView, direction: QualityDirection) -> int:
        """The destination's QualityIn or the source's QualityOut on their line (parts per
        billion); offer crossing ignores line qualities."""
        if self.offer_crossing or self.src == self.dst:
            return QUALITY_ONE
        return self._line_quality(view.read(self._line), direction)

    def _line_quality(self, line: RippleState | None, direction: QualityDirection) -> int:
        if self.offer_crossing or line is None:
            return QUALITY_ONE
        if direction == QualityDirection.IN:
            # The destination's side: low when the source is high.
            q = line.high_quality_in if self._src_low else line.low_quality_in
        else:
            q = line.low_quality_out if self._src_low else line.high_quality_out
        return q or QUALITY_ONE

    def line_quality_in(self, view: ReadView) -> int:
        return self.quality(view, QualityDirection.IN)

    def _qualities_src_redeems(self, view: ReadView, line: RippleState | None) -> tuple[int, int]:
        if self.prev_step is None:
            return QUALITY_ONE, QUALITY_ONE
        prev_q_in = self.prev_step.line_quality_in(view)
        src_q_out = self._line_quality(line, QualityDirection.OUT)
        if prev_q_in > src_q_out:
            src_q_out = prev_q_in
        return src_q_out, QUALITY_ONE

    def _qualities_src_issues(
        self, view: ReadView, line: RippleState | None, prev_step_dir: DebtDirection
    ) -> tuple[int, int]:
        # Rippling through an issuer (the previous step redeemed to it) pays its transfer fee.
        src_q_out = transfer_rate(view, self.src).value if prev_step_dir == _REDEEMS else QUALITY_ONE
        dst_q_in = self._line_quality(line, QualityDirection.IN)
        if self.is_last and dst_q_in > QUALITY_ONE:
            dst_q_in = QUALITY_ONE
        return src_q_out, dst_q_in

    def _qualities(
        self, view: ReadView, line: RippleState | None, src_debt_dir: DebtDirection, strand_dir: StrandDirection
    ) -> tuple[int, int]:
        """(srcQOut, dstQIn) for this step."""
        if src_debt_dir == _REDEEMS:
            return self._qualities_src_redeems(view, line)
        prev = self.prev_step
        prev_dir = prev.debt_direction(view, strand_dir) if prev is not None else _ISSUES
        return self._qualities_src_issues(view, line, prev_dir)

    def quality_upper_bound(
        self, view: ReadView, prev_step_dir: DebtDirection
    ) -> tuple[Quality | None, DebtDirection]:
        line = view.read(self._line)
        direction = self.debt_direction(view, StrandDirection.FORWARD)
        if direction == _REDEEMS:
            src_q_out, dst_q_in = self._qualities_src_redeems(view, line)
        else:
            src_q_out, dst_q_in = self._qualities_src_issues(view, line, prev_step_dir)
        if src_q_out == dst_q_in:
            return _QUALITY_RATE_ONE, direction
        # The rate of a trust-line hop is srcQOut / dstQIn: get_rate(out=dstQIn, in=srcQOut).
        rate = get_rate(_rate_amount(dst_q_in), _rate_amount(src_q_out))
        return Quality(rate), direction

    # -- liquidity ----------------------------------------------------------------------------

    def _src_owed(self, view: ReadView, line: RippleState | None) -> IOUAmount:
        """What the source holds of the destination's IOUs, as account_holds reports it (the
        payment sandbox's balance hook included)."""
        issue = self._dst_issue
        assert issue is not None
        if not isinstance(view, PaymentSandbox) or not view.credited(self.src, self.dst, self.currency):
            # The hook would return the balance as it is: no STAmount needed on the way.
            if line is None:
                return _ZERO
            balance = line.balance
            return _iou(balance.mantissa if self._src_low else -balance.mantissa, balance.exponent)
        if line is None:
            held = STAmount.zero(issue)
        else:
            balance = line.balance if self._src_low else -line.balance
            held = balance.with_issue(issue)
        held = view.balance_hook(self.src, self.dst, held)
        return _iou(held.mantissa, held.exponent)

    def _max_flow(self, view: ReadView, line: RippleState | None, desired: IOUAmount) -> tuple[IOUAmount, DebtDirection]:
        """The most that can flow at the best quality, and whether the source redeems."""
        if self.offer_crossing and self.is_last:
            # The crossing taker may exceed its own trust line limit: it asked for this much.
            return desired, _ISSUES
        src_owed = self._src_owed(view, line)
        if src_owed.mantissa > 0:
            return src_owed, _REDEEMS
        if line is None:
            return src_owed, _ISSUES
        # Room under the destination's limit on the source's IOUs.
        limit = line.high_limit if self._src_low else line.low_limit
        return _iou(limit.mantissa, limit.exponent) + src_owed, _ISSUES

    def debt_direction(self, sb: ReadView, direction: StrandDirection) -> DebtDirection:
        if direction == StrandDirection.FORWARD and self._cache is not None:
            return self._cache.src_debt_dir
        return _REDEEMS if self._src_owed(sb, sb.read(self._line)).mantissa > 0 else _ISSUES

    def _issue(self, src_debt_dir: DebtDirection) -> Issue:
        issue = self._dst_issue if src_debt_dir == _REDEEMS else self._src_issue
        assert issue is not None
        return issue

    def rev(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], out: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        assert type(out) is IOUAmount
        self._cache = None
        line = sb.read(self._line)
        max_src_to_dst, src_debt_dir = self._max_flow(sb, line, out)
        src_q_out, dst_q_in = self._qualities(sb, line, src_debt_dir, StrandDirection.REVERSE)
        if max_src_to_dst.mantissa <= 0:
            self._cache = _Cache(_ZERO, _ZERO, _ZERO, src_debt_dir)
            return _ZERO, _ZERO
        src_to_dst = out.mul_ratio(QUALITY_ONE, dst_q_in, True) if dst_q_in != QUALITY_ONE else out
        if src_to_dst <= max_src_to_dst:
            in_ = src_to_dst.mul_ratio(src_q_out, QUALITY_ONE, True) if src_q_out != QUALITY_ONE else src_to_dst
            self._cache = _Cache(in_, src_to_dst, out, src_debt_dir)
            ripple_credit(sb, self.src, self.dst, STAmount.from_iou(src_to_dst, self._issue(src_debt_dir)))
            return in_, out
        # This step limits the strand.
        in_ = max_src_to_dst.mul_ratio(src_q_out, QUALITY_ONE, True)
        actual_out = max_src_to_dst.mul_ratio(dst_q_in, QUALITY_ONE, False)
        self._cache = _Cache(in_, max_src_to_dst, actual_out, src_debt_dir)
        ripple_credit(sb, self.src, self.dst, STAmount.from_iou(max_src_to_dst, self._issue(src_debt_dir)))
        return in_, actual_out

    def _set_cache_limiting(
        self, fwd_in: IOUAmount, fwd_src_to_dst: IOUAmount, fwd_out: IOUAmount, src_debt_dir: DebtDirection
    ) -> None:
        """Keep the forward pass from delivering more than the reverse pass found (rounding can
        make it), unless the forward input grew by a lot, which is taken as is."""
        cache = self._cache
        assert cache is not None
        if cache.in_ < fwd_in:
            diff = fwd_in - cache.in_
            if diff > _SMALL_DIFF and (
                fwd_in.exponent != cache.in_.exponent
                or not cache.in_.mantissa
                # rippled compares the mantissas' ratio with 1.01 in floating point.
                or fwd_in.mantissa * 100 > cache.in_.mantissa * 101
            ):
                self._cache = _Cache(fwd_in, fwd_src_to_dst, fwd_out, src_debt_dir)
                return
        cache.in_ = fwd_in
        if fwd_src_to_dst < cache.src_to_dst:
            cache.src_to_dst = fwd_src_to_dst
        if fwd_out < cache.out:
            cache.out = fwd_out
        cache.src_debt_dir = src_debt_dir

    def fwd(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], in_: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        assert type(in_) is IOUAmount
        assert self._cache is not None
        line = sb.read(self._line)
        max_src_to_dst, src_debt_dir = self._max_flow(sb, line, self._cache.src_to_dst)
        src_q_out, dst_q_in = self._qualities(sb, line, src_debt_dir, StrandDirection.FORWARD)
        if max_src_to_dst.mantissa <= 0:
            self._cache = _Cache(_ZERO, _ZERO, _ZERO, src_debt_dir)
            return _ZERO, _ZERO
        src_to_dst = in_.mul_ratio(QUALITY_ONE, src_q_out, False) if src_q_out != QUALITY_ONE else in_
        if src_to_dst <= max_src_to_dst:
            out = src_to_dst.mul_ratio(dst_q_in, QUALITY_ONE, False) if dst_q_in != QUALITY_ONE else src_to_dst
            self._set_cache_limiting(in_, src_to_dst, out, src_debt_dir)
        else:
            actual_in = max_src_to_dst.mul_ratio(src_q_out, QUALITY_ONE, True)
            out = max_src_to_dst.mul_ratio(dst_q_in, QUALITY_ONE, False)
            self._set_cache_limiting(actual_in, max_src_to_dst, out, src_debt_dir)
        cache = self._cache
        ripple_credit(sb, self.src, self.dst, STAmount.from_iou(cache.src_to_dst, self._issue(src_debt_dir)))
        return cache.in_, cache.out

    # -- checks when the strand is built ------------------------------------------------------

    def check(self, ctx: StrandContext) -> TER:
        """Problems that make the step unusable: bad accounts, loops, freezes, NoRipple, and (for
        a payment) a missing or unauthorised line, or one with no room at all."""
        src, dst, currency = self.src, self.dst, self.currency
        if not any(src) or not any(dst):
            return Tem.temBAD_PATH
        if src == dst:
            return Tem.temBAD_PATH
        view = ctx.view
        src_root = view.read(keylet.account(src))
        if src_root is None:
            return Ter.terNO_ACCOUNT
        line = view.read(self._line)
        # A pure issue or redeem (the only step of the strand) cannot be frozen.
        if not (ctx.is_last and ctx.is_first):
            ter = check_freeze(view, src, dst, currency, line)
            if ter != Tes.tesSUCCESS:
                return ter
        prev = ctx.prev_step
        if prev is not None:
            prev_src = prev.direct_step_src_acct()
            if prev_src is not None:
                ter = check_no_ripple(view, prev_src, src, dst, currency, line)
                if ter != Tes.tesSUCCESS:
                    return ter
        # Issues as their 40-byte keys: the currency may be XRP on a malformed path, which no
        # Issue can hold with a non-XRP account.
        src_key = currency + src
        dst_key = currency + dst
        if src_key in ctx.seen_book_outs:
            if prev is None:
                return Tem.temBAD_PATH_LOOP
            # Fine when the previous step is the book that outputs this issue.
            book = prev.book_step_book()
            if book is not None and book.out.key != src_key:
                return Tem.temBAD_PATH_LOOP
        seen_src, seen_dst = ctx.seen_direct_issues
        if src_key in seen_src or dst_key in seen_dst:
            return Tem.temBAD_PATH_LOOP
        seen_src.add(src_key)
        seen_dst.add(dst_key)
        if self.offer_crossing:
            # Offer crossing needs no pre-existing line: the crossing may create it.
            return Tes.tesSUCCESS
        if line is None:
            return Ter.terNO_LINE
        auth_flag = lsfHighAuth if src > dst else lsfLowAuth
        if src_root.flags & lsfRequireAuth and not line.flags & auth_flag and not line.balance:
            return Ter.terNO_AUTH
        if (
            prev is not None
            and prev.book_step_book() is not None
            and line.flags & (lsfHighNoRipple if src > dst else lsfLowNoRipple)
        ):
            return Ter.terNO_RIPPLE
        # What the destination owes the source (rippled's creditBalance(dst, src)), and, when it
        # owes nothing, whether the source still has room under the destination's limit.
        owed = line.balance if self._src_low else -line.balance
        if owed.mantissa <= 0:
            limit = line.high_limit if self._src_low else line.low_limit
            if not _iou(limit.mantissa, limit.exponent) > _iou(-owed.mantissa, owed.exponent):
                return Tec.tecPATH_DRY
        return Tes.tesSUCCESS


def _rate_amount(value: int) -> STAmount:
    """A line quality as an IOU amount, for get_rate (rippled's STAmount(issue, q))."""
    return STAmount(value, 0, NO_ISSUE)


_QUALITY_RATE_ONE = Quality(get_rate(_rate_amount(QUALITY_ONE), _rate_amount(QUALITY_ONE)))


def make_direct_step(
    ctx: StrandContext, src: AccountID, dst: AccountID, currency: Currency
) -> tuple[TER, DirectStepI | None]:
    """Build and check a trust-line step (rippled's make_DirectStepI)."""
    step = DirectStepI(ctx, src, dst, currency)
    ter = step.check(ctx)
    if ter != Tes.tesSUCCESS:
        return ter, None
    return ter, step
