"""The market maker's ladder: prices either side of the rate, amounts rounded for the maker,
inventory limits honoured inner level first, and when a quote in the book must be replaced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateways.market_maker.ladder import (
    InventoryLimits,
    Level,
    PlacedQuote,
    Quote,
    build_ladder,
    replacement_reason,
)
from xpay.amounts import XRP_ISSUE
from xpay.client import Wallet, issue

USD = issue("USD", Wallet.generate().address)
EUR = issue("EUR", Wallet.generate().address)
LEVELS = (Level(Decimal(20), Decimal(100)), Level(Decimal(50), Decimal(200)))


def test_bids_and_asks_sit_either_side_of_the_rate_with_the_takers_view_of_each_offer() -> None:
    quotes = build_ladder(Decimal("0.92"), LEVELS, USD, EUR, base_held=Decimal(1000), quote_held=Decimal(1000),
                          limits=InventoryLimits())
    table = [(q.side, q.level, q.price, q.gets, q.gets_issue, q.pays, q.pays_issue) for q in quotes]
    assert table == [
        ("bid", 0, Decimal("0.918160"), Decimal("91.816"), EUR, Decimal(100), USD),
        ("ask", 0, Decimal("0.921840"), Decimal(100), USD, Decimal("92.184"), EUR),
        ("bid", 1, Decimal("0.915400"), Decimal("183.08"), EUR, Decimal(200), USD),
        ("ask", 1, Decimal("0.924600"), Decimal(200), USD, Decimal("184.92"), EUR),
    ]


def test_inventory_limits_shrink_then_drop_the_outer_levels() -> None:
    quotes = build_ladder(Decimal(1), LEVELS, USD, EUR, base_held=Decimal(150), quote_held=Decimal(1000),
                          limits=InventoryLimits(base_max=Decimal(300), base_min=Decimal(0)))
    assert [(q.side, q.level, q.size) for q in quotes] == [
        ("bid", 0, Decimal(100)), ("ask", 0, Decimal(100)), ("bid", 1, Decimal(50)), ("ask", 1, Decimal(50))]
    none_left = build_ladder(Decimal(1), LEVELS, USD, EUR, base_held=Decimal(0), quote_held=Decimal(0),
                             limits=InventoryLimits())
    assert none_left == [], "nothing to sell and nothing to pay with"


def test_the_maker_rounds_in_its_own_favour_and_xrp_in_whole_drops() -> None:
    (bid, ask) = build_ladder(Decimal("0.3333333333333333333"), (Level(Decimal(10), Decimal(3)),), XRP_ISSUE, USD,
                              base_held=Decimal(100), quote_held=Decimal(100), limits=InventoryLimits())
    assert bid.pays == Decimal(3) and bid.gets == Decimal("0.9989999999999999")  # gives USD: rounded down
    assert ask.gets == Decimal(3) and ask.pays == Decimal("1.001000000000000")  # asks USD: rounded up
    (bid,) = [q for q in build_ladder(Decimal(2), (Level(Decimal(10), Decimal("0.1234567")),), USD, XRP_ISSUE,
                                      base_held=Decimal(0), quote_held=Decimal(100), limits=InventoryLimits())]
    assert bid.gets == Decimal("0.246666"), "XRP given is whole drops, rounded down"


def test_a_non_positive_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        build_ladder(Decimal(0), LEVELS, USD, EUR, base_held=Decimal(1), quote_held=Decimal(1),
                     limits=InventoryLimits())


@given(
    rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10_000), places=4),
    base=st.decimals(min_value=Decimal(0), max_value=Decimal(10_000), places=2),
    quote=st.decimals(min_value=Decimal(0), max_value=Decimal(10_000), places=2),
    base_max=st.decimals(min_value=Decimal(0), max_value=Decimal(20_000), places=2),
)
def test_every_ladder_respects_the_limits_if_every_quote_is_taken(
    rate: Decimal, base: Decimal, quote: Decimal, base_max: Decimal
) -> None:
    limits = InventoryLimits(base_max=base_max, quote_min=Decimal(0), base_min=Decimal(0))
    quotes = build_ladder(rate, LEVELS, USD, EUR, base_held=base, quote_held=quote, limits=limits)
    bids = [q for q in quotes if q.side == "bid"]
    asks = [q for q in quotes if q.side == "ask"]
    assert all(q.price < rate for q in bids) and all(q.price > rate for q in asks)
    assert sum((q.size for q in bids), Decimal(0)) <= max(base_max - base, Decimal(0))
    assert sum((q.gets for q in bids), Decimal(0)) <= quote
    assert sum((q.size for q in asks), Decimal(0)) <= base
    for q in quotes:
        assert q.gets > 0 and q.pays > 0
        if q.side == "bid":
            assert q.gets <= q.size * q.price, "the maker never gives more than its price"
        else:
            assert q.pays >= q.size * q.price, "the maker never asks less than its price"


def placed(price: str, size: str) -> PlacedQuote:
    quote = Quote("bid", 0, Decimal(price), Decimal(size), Decimal(1), EUR, Decimal(size), USD)
    return PlacedQuote(7, quote)


def want(price: str, size: str) -> Quote:
    return Quote("bid", 0, Decimal(price), Decimal(size), Decimal(1), EUR, Decimal(size), USD)


@pytest.mark.parametrize(
    ("remaining", "desired", "reason"),
    [
        (None, want("1", "100"), "filled"),
        (Decimal(100), want("1.0004", "100"), None),
        (Decimal(100), want("1.0006", "100"), "rate moved 6.0 bps"),
        (Decimal(60), want("1", "100"), None),
        (Decimal(40), want("1", "100"), "partly filled"),
        (Decimal(100), want("1", "80"), "over the inventory limits"),
    ],
)
def test_when_an_offer_is_replaced(remaining: Decimal | None, desired: Quote, reason: str | None) -> None:
    assert replacement_reason(placed("1", "100"), remaining, desired, rate_move_bps=Decimal(5),
                              refill_below=Decimal("0.5")) == reason
