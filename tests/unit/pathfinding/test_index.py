"""The pathfinding index's answers, rule by rule (rippled's RippleLineCache / PathFindTrustLine,
accountSourceCurrencies / accountDestCurrencies, OrderBookDB, getPathsOut)."""

from __future__ import annotations

from bench.worlds import WorldBuilder, iou, xrp
from pathfinding.index import PathIndex
from pathfinding.trust_line import LineDirection
from xpay.amounts import XRP_ISSUE, currency_from_code
from xpay.protocol.flags import lsfGlobalFreeze, lsfRequireAuth
from xpay.protocol.ids import XRP_CURRENCY

USD = currency_from_code("USD")
EUR = currency_from_code("EUR")
CNY = currency_from_code("CNY")


def test_lines_from_an_accounts_side_and_by_direction() -> None:
    b = WorldBuilder()
    gw = b.account("gw", default_ripple=True)
    alice = b.account("alice")  # no DefaultRipple: NoRipple on her side of new lines
    b.trust(alice, gw, "USD", "100", "30")
    b.trust(alice, gw, "EUR", "100", "0", holder_no_ripple=False)
    index = PathIndex(b.close())
    lines = index.lines(alice)
    assert [line.peer for line in lines] == [gw, gw]
    assert sorted(line.key for line in lines) == [line.key for line in lines]
    usd = index.line(alice, gw, USD)
    assert usd is not None and usd.balance.signum() > 0 and usd.no_ripple and not usd.no_ripple_peer
    # Reached over her own NoRipple line, alice can pass a payment on only where she allows it.
    assert [line.currency for line in index.lines(alice, LineDirection.INCOMING)] == [EUR]
    # The gateway's side of the same line.
    gw_side = index.line(gw, alice, USD)
    assert gw_side is not None and gw_side.balance.signum() < 0 and gw_side.no_ripple_peer
    assert gw_side.direction_peer is LineDirection.INCOMING


def test_source_and_destination_currencies() -> None:
    """rippled: what one holds, or where a peer still lends, can be sent; what one can take
    more of can be received."""
    b = WorldBuilder()
    gw = b.account("gw", default_ripple=True)
    alice = b.account("alice")
    bob = b.account("bob")
    b.trust(alice, gw, "USD", "100", "30")  # holds USD
    b.trust(alice, gw, "EUR", "100", "0")  # holds no EUR, gw lends her none
    b.trust(gw, alice, "CNY", "50", "0")  # gw would hold 50 of alice's CNY: she can issue them
    b.trust(bob, alice, "EUR", "0", "0")  # bob takes none of alice's EUR
    index = PathIndex(b.close())
    assert index.source_currencies(alice, include_xrp=False) == sorted([USD, CNY])
    assert index.source_currencies(alice, include_xrp=True) == sorted([XRP_CURRENCY, USD, CNY])
    # alice can receive USD (30 < 100) and EUR (0 < 100); not CNY (her limit for gw's is 0).
    assert index.dest_currencies(alice, include_xrp=False) == sorted([USD, EUR])
    assert index.dest_currencies(bob, include_xrp=True) == [XRP_CURRENCY]


def test_books_appear_and_disappear_with_their_offers() -> None:
    b = WorldBuilder()
    gw = b.account("gw", default_ripple=True)
    mm = b.account("mm", 10_000)
    b.trust(mm, gw, "USD", "1000", "500")
    offer = b.offer(mm, xrp(100), iou("USD", gw, 50))  # sells USD for XRP: the book XRP -> USD
    second = b.offer(mm, xrp(100), iou("USD", gw, 40))  # same book, another quality
    ledger = b.close()
    index = PathIndex(ledger)
    books = index.books
    assert books.books_by_taker_pays(XRP_ISSUE.currency, XRP_ISSUE.account) == (iou("USD", gw, 1).issue,)
    assert books.book_count(XRP_ISSUE.currency, XRP_ISSUE.account) == 1
    assert not books.is_book_to_xrp(USD, gw)
    assert books.book_count(USD, gw) == 0

    b = WorldBuilder(base=ledger)
    b.delete_offer(offer)
    ledger = b.close()
    done = index.update(ledger)
    assert done.book_directories_changed == 1  # one quality went; the book stays
    assert books.book_count(XRP_ISSUE.currency, XRP_ISSUE.account) == 1
    b = WorldBuilder(base=ledger)
    b.delete_offer(second)
    index.update(b.close())
    assert books.book_count(XRP_ISSUE.currency, XRP_ISSUE.account) == 0
    assert books.books_by_taker_pays(XRP_ISSUE.currency, XRP_ISSUE.account) == ()


def test_paths_out_counts_books_and_usable_lines() -> None:
    """rippled's getPathsOut: books out of the issue, plus lines in the currency that carry
    credit, unless the peer froze it or set NoRipple on it."""
    b = WorldBuilder()
    hub = b.account("hub", default_ripple=True)
    users = [b.account(f"u{i}", default_ripple=True) for i in range(5)]
    b.trust(users[0], hub, "USD", "100", "10")  # counts
    b.trust(users[1], hub, "USD", "100", "0")  # counts: users[1] lends hub 100
    b.trust(users[2], hub, "USD", "100", "10", holder_no_ripple=True)  # the peer's NoRipple
    b.trust(users[3], hub, "USD", "0", "0")  # no credit either way
    b.trust(hub, users[4], "USD", "100", "10", frozen=True)  # users[4] froze hub's holding
    b.trust(users[0], hub, "EUR", "100", "10")  # another currency
    mm = b.account("mm", default_ripple=True)
    b.trust(mm, hub, "USD", "100", "0")
    b.offer(mm, iou("USD", hub, 10), xrp(10))  # a book out of USD/hub
    index = PathIndex(b.close())
    # u0, u1, mm (lends 100) and the book.
    assert index.paths_out(USD, hub, LineDirection.OUTGOING) == 4
    assert index.paths_out(EUR, hub, LineDirection.OUTGOING) == 1
    assert index.paths_out(USD, users[3], LineDirection.OUTGOING) == 0


def test_paths_out_follows_account_flags() -> None:
    b = WorldBuilder()
    gw = b.account("gw", default_ripple=True)
    alice = b.account("alice", default_ripple=True)
    bob = b.account("bob", default_ripple=True)
    b.trust(alice, gw, "USD", "100", "0")
    b.trust(bob, gw, "USD", "100", "0", authorized=True)
    ledger = b.close()
    index = PathIndex(ledger)
    assert index.paths_out(USD, gw, LineDirection.OUTGOING) == 2
    # RequireAuth: only the authorised holder's line can carry the gateway's IOUs out.
    b = WorldBuilder(base=ledger)
    b.set_flags(gw, lsfRequireAuth)
    ledger = b.close()
    index.update(ledger)
    assert index.account_flags(gw) is not None
    assert index.paths_out(USD, gw, LineDirection.OUTGOING) == 1
    # Global freeze: nothing onward at all.
    b = WorldBuilder(base=ledger)
    b.set_flags(gw, lsfGlobalFreeze)
    index.update(b.close())
    assert index.paths_out(USD, gw, LineDirection.OUTGOING) == 0
    assert index.account_flags(b.account("nobody")) is None


def test_warm_computes_what_queries_would() -> None:
    b = WorldBuilder()
    gw = b.account("gw", default_ripple=True)
    for i in range(4):
        b.trust(b.account(f"u{i}", default_ripple=i % 2 == 0), gw, "USD", "100", str(i))
    ledger = b.close()
    warm = PathIndex(ledger)
    warm.warm()
    cold = PathIndex(ledger)
    assert warm.lines(gw) == cold.lines(gw)
    # u1 and u3 set NoRipple on their side: not ways onward.
    assert warm.paths_out(USD, gw, LineDirection.OUTGOING) == cold.paths_out(USD, gw, LineDirection.OUTGOING) == 2
    assert warm.line_count() == 4
