"""FlowOfferStream: the usable offers of a book, best first (rippled's OfferStream.cpp).

Walking the book from its tip, the stream skips, and marks for removal, every offer that cannot
be crossed:

* its directory names a missing entry (the stale index is dropped from the directory);
* it has expired (Expiration <= the parent ledger's close time);
* one of its amounts is zero;
* the owner's line for what it would receive is deep-frozen;
* its owner holds nothing of what it gives ("found unfunded": removed even if the payment fails;
  an offer that *became* unfunded within this payment is only skipped);
* it is a tiny remainder whose effective quality, after funding, is worse than its book's
  (rippled's fixRmSmallIncreasedQOffers).

Offers to remove permanently are collected in `perm_to_remove`; the payment engine deletes them
even when the payment fails. A step counter caps the offers one step may look at.
"""

from __future__ import annotations

from xpay.amounts import IOUAmount, Issue, XRPAmount
from xpay.amounts.iou_amount import _iou
from xpay.amounts.xrp_amount import _xrp
from xpay.flow.amount_spec import StepAmount, ceil_out_strict, quality_of
from xpay.flow.book_tip import BookTip
from xpay.flow.offer import TOffer
from xpay.flow.steps import Book
from xpay.ledger import keylet
from xpay.ledger.entries import DirectoryNode
from xpay.ledger.funds import account_holds
from xpay.ledger.views import ReadView, Sandbox
from xpay.protocol.flags import lsfHighDeepFreeze, lsfLowDeepFreeze
from xpay.protocol.ids import AccountID, Hash256

_IOU_MIN_POSITIVE = IOUAmount.min_positive()
_XRP_ONE_DROP = XRPAmount(1)


class StepCounter:
    """Counts the offers a step looked at, and stops it at `limit`."""

    __slots__ = ("count", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    def step(self) -> bool:
        if self.count >= self.limit:
            return False
        self.count += 1
        return True


def _is_deep_frozen(view: ReadView, account: AccountID, issue: Issue) -> bool:
    """Either side deep-froze the account's line for `issue` (rippled's isDeepFrozen)."""
    if issue.is_xrp or issue.account == account:
        return False
    line = view.read(keylet.line(account, issue.account, issue.currency))
    return line is not None and bool(line.flags & (lsfLowDeepFreeze | lsfHighDeepFreeze))


def _owner_funds(view: ReadView, owner: AccountID, default: StepAmount, issue: Issue) -> StepAmount:
    """What the owner can give of `issue`: an issuer's own IOUs are unlimited (rippled's
    accountFundsHelper, frozen balances count as zero)."""
    if issue.is_xrp:
        held = account_holds(view, owner, issue.currency, issue.account, zero_if_frozen=True)
        return _xrp(held.mantissa)
    if issue.account == owner:
        return default
    held = account_holds(view, owner, issue.currency, issue.account, zero_if_frozen=True)
    return _iou(held.mantissa, held.exponent)


class FlowOfferStream:
    """Usable offers of `book` in `view`, best quality first, oldest first within a quality."""

    __slots__ = ("_cancel_view", "_counter", "_expire", "_offer", "_tip", "_view", "owner_funds", "perm_to_remove")

    def __init__(self, view: Sandbox, cancel_view: Sandbox, book: Book, when: int, counter: StepCounter) -> None:
        self._view = view
        self._cancel_view = cancel_view
        self._expire = when
        self._tip = BookTip(view, book)
        self._counter = counter
        self._offer: TOffer | None = None
        self.owner_funds: StepAmount | None = None
        self.perm_to_remove: set[Hash256] = set()

    def tip(self) -> TOffer:
        assert self._offer is not None
        return self._offer

    def perm_rm_offer(self, key: Hash256) -> None:
        self.perm_to_remove.add(key)

    def _erase(self, view: Sandbox) -> None:
        """Drop a directory entry whose offer is missing (without the usual page cleanup, as
        rippled does: changing that would change ledgers)."""
        tip = self._tip
        assert tip.dir is not None
        page = view.read_key(tip.dir)
        if type(page) is not DirectoryNode or tip.index not in page.indexes:
            return
        view.update(page._replace(indexes=tuple(k for k in page.indexes if k != tip.index)))

    def step(self) -> bool:
        """Advance to the next usable offer; False when there is none (or the counter is spent)."""
        tip = self._tip
        view = self._view
        while True:
            self.owner_funds = None
            self._offer = None
            if not tip.step():
                return False
            entry = tip.entry
            if not self._counter.step():
                return False
            if entry is None:
                self._erase(view)
                self._erase(self._cancel_view)
                continue
            if entry.expiration is not None and entry.expiration <= self._expire:
                self.perm_rm_offer(entry.key)
                continue
            assert tip.quality is not None
            offer: TOffer = TOffer(entry, tip.quality)
            if offer.amount_in.signum() <= 0 or offer.amount_out.signum() <= 0:
                self.perm_rm_offer(entry.key)
                continue
            if _is_deep_frozen(view, offer.owner, offer.issue_in):
                self.perm_rm_offer(entry.key)
                continue
            funds = _owner_funds(view, offer.owner, offer.amount_out, offer.issue_out)
            if funds.signum() <= 0:
                # Found unfunded (the owner's balance is what it was before this payment):
                # remove for good. Became unfunded in this payment: just skip it.
                original = _owner_funds(self._cancel_view, offer.owner, offer.amount_out, offer.issue_out)
                if original == funds:
                    self.perm_rm_offer(entry.key)
                continue
            self.owner_funds = funds
            self._offer = offer
            if self._should_rm_small_increased_q_offer(offer, funds):
                original = _owner_funds(self._cancel_view, offer.owner, offer.amount_out, offer.issue_out)
                if original == funds:
                    self.perm_rm_offer(entry.key)
                self.owner_funds = None
                self._offer = None
                continue
            return True

    @staticmethod
    def _should_rm_small_increased_q_offer(offer: TOffer, funds: StepAmount) -> bool:
        """A remainder so small that rounding makes its quality worse than its book's blocks the
        book; it is removed. Offers that give XRP cannot get that bad and are kept."""
        out = offer.amount_out
        in_ = offer.amount_in
        if type(out) is XRPAmount:
            return False
        in_is_xrp = type(in_) is XRPAmount
        if not in_is_xrp and in_ >= out:  # type: ignore[operator]
            return False
        eff_in, eff_out = in_, out
        if offer.owner != offer.issue_out.account and funds < out:  # type: ignore[operator]
            eff_in, eff_out = ceil_out_strict(offer.quality, in_, out, funds, False)
        if eff_in.signum() <= 0 or eff_out.signum() <= 0:
            return True
        min_positive = _XRP_ONE_DROP if in_is_xrp else _IOU_MIN_POSITIVE
        if eff_in > min_positive:  # type: ignore[operator]
            return False
        return quality_of(eff_out, eff_in) < offer.quality
