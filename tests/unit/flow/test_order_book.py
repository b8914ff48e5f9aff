"""book_offers' view of a book (rippled's getBookPage): best first, funded amounts per owner."""

from __future__ import annotations

from tests.unit.flow.builder import XRP, LedgerBuilder, xrp
from xpay.flow.order_book import book_offers
from xpay.flow.steps import Book
from xpay.protocol.flags import lsfDefaultRipple, lsfGlobalFreeze


def test_book_offers_best_first_with_owner_funds_run_down() -> None:
    """mm0 holds 15 USD and has two offers selling 10 USD each: the first is funded, the second
    shows only the 5 USD left (and half the XRP). mm1's better offer comes first; the issuer's
    own offer is always funded."""
    b = LedgerBuilder()
    gw = b.account("gw", xrp(100000))
    mm0, mm1 = b.account("mm0", xrp(100000)), b.account("mm1", xrp(100000))
    b.trust(mm0, b.iou("USD", gw, 1000), balance="15")
    b.trust(mm1, b.iou("USD", gw, 1000), balance="100")
    usd = b.issue("USD", gw)
    k_a = b.offer(mm0, xrp(20), b.iou("USD", gw, 10))  # 2 XRP per USD
    k_b = b.offer(mm0, xrp(20), b.iou("USD", gw, 10))
    k_c = b.offer(mm1, xrp(10), b.iou("USD", gw, 10))  # 1 XRP per USD: best
    k_d = b.offer(gw, xrp(30), b.iou("USD", gw, 10))
    page = book_offers(b.sb, Book(XRP, usd), 10)
    assert [p.offer.key for p in page] == [k_c, k_a, k_b, k_d]
    c, a, second, d = page
    assert c.owner_funds == b.iou("USD", gw, 100) and c.taker_gets_funded is None
    assert a.owner_funds == b.iou("USD", gw, 15) and a.taker_gets_funded is None
    assert second.owner_funds is None
    assert second.taker_gets_funded == b.iou("USD", gw, 5)
    assert second.taker_pays_funded == xrp(10)
    assert d.taker_gets_funded is None
    assert [p.offer.key for p in book_offers(b.sb, Book(XRP, usd), 2)] == [k_c, k_a]
    assert book_offers(b.sb, Book(usd, XRP), 10) == []


def test_book_offers_charges_the_transfer_fee_to_owner_funds() -> None:
    """With a 25 % transfer fee, 10 USD of funds cover only 8 USD of an offer."""
    b = LedgerBuilder()
    gw = b.account("gw", xrp(100000), transfer_rate=1_250_000_000)
    mm = b.account("mm", xrp(100000))
    b.trust(mm, b.iou("USD", gw, 1000), balance="10")
    b.offer(mm, xrp(20), b.iou("USD", gw, 10))
    (only,) = book_offers(b.sb, Book(XRP, b.issue("USD", gw)), 5)
    assert only.taker_gets_funded == b.iou("USD", gw, 8)
    assert only.taker_pays_funded == xrp(16)


def test_book_offers_taker_issuer_pays_no_fee_and_global_freeze_unfunds() -> None:
    """The issuer as taker pays no transfer fee: the offer is fully funded for it. When the
    issuer freezes globally, every offer but its own is unfunded (zero funds, zero amounts)."""
    b = LedgerBuilder()
    gw = b.account("gw", xrp(100000), transfer_rate=1_250_000_000)
    mm = b.account("mm", xrp(100000))
    b.trust(mm, b.iou("USD", gw, 1000), balance="10")
    k_mm = b.offer(mm, xrp(20), b.iou("USD", gw, 10))
    k_gw = b.offer(gw, xrp(30), b.iou("USD", gw, 10))
    book = Book(XRP, b.issue("USD", gw))
    mm_view, gw_view = book_offers(b.sb, book, 5, taker=gw)
    assert mm_view.offer.key == k_mm and mm_view.taker_gets_funded is None
    assert gw_view.offer.key == k_gw and gw_view.taker_gets_funded is None

    b.set_account(gw, flags=lsfGlobalFreeze | lsfDefaultRipple)
    mm_view, gw_view = book_offers(b.sb, book, 5)
    assert mm_view.owner_funds == b.iou("USD", gw, 0)
    assert mm_view.taker_gets_funded == b.iou("USD", gw, 0)
    assert mm_view.taker_pays_funded == xrp(0)
    assert gw_view.taker_gets_funded is None  # the issuer's own offer stays funded
