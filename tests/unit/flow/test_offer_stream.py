"""BookTip and FlowOfferStream: a book walked best quality first, oldest first within a quality,
with unusable offers skipped and marked for removal (rippled's BookTip / OfferStream)."""

from __future__ import annotations

from tests.unit.flow.builder import XRP, LedgerBuilder, xrp
from xpay.amounts import Issue, STAmount
from xpay.flow.book_tip import BookTip, tip_quality
from xpay.flow.offer_stream import FlowOfferStream, StepCounter
from xpay.flow.steps import Book
from xpay.ledger import keylet
from xpay.ledger.entries import DirectoryNode, Offer
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.protocol.ids import ACCOUNT_ONE


def _market() -> tuple[LedgerBuilder, bytes, list[bytes], Book]:
    b = LedgerBuilder(close_time=1000)
    gw = b.account("gw", xrp(100000))
    makers = [b.account(f"mm{i}", xrp(100000)) for i in range(4)]
    for m in makers:
        b.trust(m, b.iou("USD", gw, 10**6), balance="1000")
    return b, gw, makers, Book(XRP, b.issue("USD", gw))


def test_book_tip_walks_best_quality_first_then_oldest_first() -> None:
    """Offers selling USD for XRP at prices 3, 1, 2, 1, 3 XRP per USD, placed in that order, come
    out as 1 (first placed), 1, 2, 3 (first placed), 3; each step deletes the offer stepped past."""
    b, gw, makers, book = _market()
    prices = [3, 1, 2, 1, 3]
    keys = [b.offer(makers[i % 4], xrp(price * 10), b.iou("USD", gw, 10)) for i, price in enumerate(prices)]
    expected = [keys[1], keys[3], keys[2], keys[0], keys[4]]
    sb = PaymentSandbox(b.sb)
    tip = BookTip(sb, book)
    seen = []
    while tip.step():
        assert tip.entry is not None
        seen.append(tip.entry.key)
        assert tip.quality is not None and tip.quality.value == keylet.quality_of(tip.entry.book_directory)
    assert seen == expected
    # Every offer stepped past (all of them) was deleted from the sandbox, not from the base.
    assert all(sb.read_key(k) is None for k in keys)
    assert all(isinstance(b.sb.read_key(k), Offer) for k in keys)


def test_tip_quality_is_the_best_directory_and_none_for_an_empty_book() -> None:
    b, gw, makers, book = _market()
    assert tip_quality(b.sb, book) is None
    b.offer(makers[0], xrp(30), b.iou("USD", gw, 10))
    k = b.offer(makers[1], xrp(20), b.iou("USD", gw, 10))
    entry = b.sb.read_key(k)
    assert isinstance(entry, Offer)
    q = tip_quality(b.sb, book)
    assert q is not None and q.value == keylet.quality_of(entry.book_directory)
    # The opposite book is still empty.
    assert tip_quality(b.sb, Book(book.out, book.in_)) is None


def test_book_tip_steps_over_an_empty_directory() -> None:
    """An empty quality directory (which should not exist) is skipped."""
    b, gw, makers, book = _market()
    k1 = b.offer(makers[0], xrp(10), b.iou("USD", gw, 10))
    k2 = b.offer(makers[1], xrp(20), b.iou("USD", gw, 10))
    first = b.sb.read_key(k1)
    assert isinstance(first, Offer)
    page = b.sb.read_key(first.book_directory)
    assert isinstance(page, DirectoryNode)
    b.sb.update(page._replace(indexes=()))
    tip = BookTip(PaymentSandbox(b.sb), book)
    assert tip.step() and tip.entry is not None and tip.entry.key == k2
    assert not tip.step()


def test_offer_stream_skips_expired_and_unfunded_offers_and_marks_them() -> None:
    """Expired offers and offers whose owner holds nothing are skipped and marked for removal;
    the first usable offer is the stream's tip."""
    b, gw, makers, book = _market()
    expired = b.offer(makers[0], xrp(10), b.iou("USD", gw, 10), expiration=1000)
    b.update_line(makers[1], gw, "USD", balance=STAmount.zero(Issue(b.issue("USD", gw).currency, ACCOUNT_ONE)))
    unfunded = b.offer(makers[1], xrp(10), b.iou("USD", gw, 10))
    good = b.offer(makers[2], xrp(10), b.iou("USD", gw, 10))
    sb = PaymentSandbox(b.sb)
    af = PaymentSandbox(b.sb)
    stream = FlowOfferStream(sb, af, book, b.open.parent_close_time, StepCounter(100))
    assert stream.step()
    assert stream.tip().key == good
    assert stream.owner_funds is not None and str(stream.owner_funds) == "1000"
    assert stream.perm_to_remove == {expired, unfunded}


def test_offer_that_became_unfunded_in_this_payment_is_skipped_not_marked() -> None:
    """The owner spent its USD earlier in this payment (the sandbox differs from the view before
    the strand): the offer is skipped but not marked for permanent removal."""
    b, gw, makers, book = _market()
    k = b.offer(makers[0], xrp(10), b.iou("USD", gw, 10))
    sb = PaymentSandbox(b.sb)
    af = PaymentSandbox(b.sb)
    line = sb.read(keylet.line(makers[0], gw, b.issue("USD", gw).currency))
    assert line is not None
    sb.update(line._replace(balance=line.balance - line.balance))
    stream = FlowOfferStream(sb, af, book, b.open.parent_close_time, StepCounter(100))
    assert not stream.step()
    assert stream.perm_to_remove == set()
    assert sb.read_key(k) is None  # still stepped past, so deleted from the strand's sandbox


def test_offer_stream_removes_a_directory_entry_without_an_offer() -> None:
    b, gw, makers, book = _market()
    k = b.offer(makers[0], xrp(10), b.iou("USD", gw, 10))
    good = b.offer(makers[1], xrp(10), b.iou("USD", gw, 10))
    entry = b.sb.read_key(k)
    assert isinstance(entry, Offer)
    b.sb.erase(entry)
    sb = PaymentSandbox(b.sb)
    af = PaymentSandbox(b.sb)
    stream = FlowOfferStream(sb, af, book, b.open.parent_close_time, StepCounter(100))
    assert stream.step() and stream.tip().key == good
    page = sb.read_key(entry.book_directory)
    assert isinstance(page, DirectoryNode) and k not in page.indexes


def test_step_counter_stops_the_stream() -> None:
    b, gw, makers, book = _market()
    for i in range(5):
        b.offer(makers[i % 4], xrp(10 + i), b.iou("USD", gw, 10))
    counter = StepCounter(3)
    stream = FlowOfferStream(PaymentSandbox(b.sb), PaymentSandbox(b.sb), book, 0, counter)
    assert stream.step() and stream.step() and stream.step()
    assert not stream.step()
    assert counter.count == 3
