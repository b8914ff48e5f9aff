"""OfferCreate crossing, restated from rippled's Offer_test.cpp (flow-based crossing).

Each test names the rippled test it comes from and states the scenario in plain terms. Balances
are checked from the holder's side (rippled's tests read the raw line Balance, whose sign
depends on account ID order; xpay's test accounts have other IDs than rippled's).
"""

from __future__ import annotations

from tests.support.env import XRP
from tests.unit.flow.jtx import FEE, offers, plus, rippled_env
from xpay.protocol.flags import tfPassive, tfSell


def test_offer_cross_with_xrp_takes_existing_offer_at_its_better_price() -> None:
    """Offer_test::testOfferCrossWithXRP (normal order). alice sells 50 USD at 3000 XRP per
    USD (wants 150,000 XRP); bob then offers up to 4000 XRP for 1 USD. bob takes 1 USD from
    alice's offer at alice's price, 3000 XRP, not the 4000 he was ready to pay."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob)
    env.trust(alice, USD(1000))
    env.trust(bob, USD(1000))
    env.pay(gw, alice, USD(500))
    env.offer(alice, XRP(150000), USD(50))
    env.offer(bob, USD(1), XRP(4000))
    assert env.balance(bob, USD) == USD(1)
    assert env.balance(bob) == plus(XRP(10000), -XRP(3000).mantissa, -2 * FEE)
    assert env.balance(alice, USD) == USD(499)
    assert env.balance(alice) == plus(XRP(10000), XRP(3000), -2 * FEE)
    assert offers(env, bob) == []
    assert offers(env, alice) == [(XRP(147000), USD(49))]


def test_offer_cross_with_xrp_reverse_order_new_offer_pays_the_book_price() -> None:
    """Offer_test::testOfferCrossWithXRP (reverse order). bob's offer of 4000 XRP for 1 USD is
    on the book first; alice's offer selling 50 USD at 3000 XRP each crosses it at bob's price:
    bob pays 4000 XRP for 1 USD."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob)
    env.trust(alice, USD(1000))
    env.trust(bob, USD(1000))
    env.pay(gw, alice, USD(500))
    env.offer(bob, USD(1), XRP(4000))
    env.offer(alice, XRP(150000), USD(50))
    assert env.balance(bob, USD) == USD(1)
    assert env.balance(bob) == plus(XRP(10000), -XRP(4000).mantissa, -2 * FEE)
    assert env.balance(alice, USD) == USD(499)
    assert env.balance(alice) == plus(XRP(10000), XRP(4000), -2 * FEE)


def test_offer_crossing_ignores_the_takers_trust_limit() -> None:
    """Offer_test::testOfferCrossWithLimitOverride. bob has no USD trust line at all, yet his
    offer buying 1 USD for 3000 XRP crosses alice's: the crossing creates his line (limit 0)
    and holds 1 USD on it."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(100000), gw, alice, bob)
    env.trust(alice, USD(1000))
    env.pay(gw, alice, USD(500))
    env.offer(alice, XRP(150000), USD(50))
    env.offer(bob, USD(1), XRP(3000))
    assert env.balance(bob, USD) == USD(1)
    assert env.balance(bob) == plus(XRP(100000), -XRP(3000).mantissa, -FEE)
    assert env.balance(alice, USD) == USD(499)
    assert env.balance(alice) == plus(XRP(100000), XRP(3000), -2 * FEE)
    line = env.line(bob, gw, "USD")
    assert line is not None
    limit = line.low_limit if env._id(bob) < env._id(gw) else line.high_limit
    assert limit.signum() == 0


def test_passive_offer_does_not_cross_an_equal_offer_but_can_be_crossed() -> None:
    """Offer_test::testFillModes (tfPassive, first part). alice offers 2000 XRP for 1000 USD;
    bob's passive offer at exactly the opposite price does not cross it and is placed. The
    gateway can then take both, one after the other."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(1000000), gw, alice, bob)
    env.close()
    env.trust(bob, USD(1000))
    env.close()
    env.pay(gw, bob, USD(1000))
    env.close()
    env.offer(alice, USD(1000), XRP(2000))
    env.close()
    assert offers(env, alice) == [(USD(1000), XRP(2000))]
    env.offer(bob, XRP(2000), USD(1000), flags=tfPassive)
    env.close()
    assert len(offers(env, alice)) == 1
    assert offers(env, bob) == [(XRP(2000), USD(1000))]
    env.offer(gw, XRP(2000), USD(1000))
    env.close()
    assert offers(env, alice) == []
    assert offers(env, gw) == []
    assert len(offers(env, bob)) == 1
    env.offer(gw, USD(1000), XRP(2000))
    env.close()
    assert offers(env, bob) == []
    assert offers(env, gw) == []


def test_passive_offer_crosses_only_strictly_better_offers() -> None:
    """Offer_test::testFillModes (tfPassive, second part). alice has two offers buying 500 USD,
    for 1001 XRP and for 1000 XRP. bob's passive offer selling 1000 USD for 2000 XRP crosses the
    better one (1001 XRP) and not the one at exactly its own price; the remainder, 499.5 USD for
    999 XRP, is placed."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(1000000), gw, alice, bob)
    env.close()
    env.trust(bob, USD(1000))
    env.close()
    env.pay(gw, bob, USD(1000))
    env.offer(alice, USD(500), XRP(1001))
    env.close()
    env.offer(alice, USD(500), XRP(1000))
    env.close()
    assert len(offers(env, alice)) == 2
    env.offer(bob, XRP(2000), USD(1000), flags=tfPassive)
    env.close()
    assert len(offers(env, alice)) == 1
    assert offers(env, bob) == [(XRP(999), USD("499.5"))]


def test_sell_offer_for_xrp_next_to_own_worse_offer_in_the_book() -> None:
    """A tfSell offer selling USD for XRP asks the engine for as much XRP as can be bought; the
    crossing must not fail when the seller's own XRP-selling offer (worse than its threshold)
    sits in the book it crosses. bob's offer crosses alice's and his own stays."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(10000), gw, alice, bob)
    env.trust(alice, USD(1000))
    env.trust(bob, USD(1000))
    env.pay(gw, bob, USD(100))
    env.offer(alice, USD(10), XRP(100))  # alice sells 100 XRP at 10 XRP per USD
    env.offer(bob, USD(10), XRP(10))  # bob's own offer: 1 XRP per USD, worse for a seller of USD
    env.offer(bob, XRP(50), USD(10), flags=tfSell)  # sells 10 USD, asks at least 5 XRP per USD
    assert env.balance(bob, USD) == USD(90)
    assert env.balance(alice, USD) == USD(10)
    assert offers(env, alice) == []
    assert offers(env, bob) == [(USD(10), XRP(10))]
