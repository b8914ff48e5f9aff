"""Direct, auto-bridged and self crossing, reserves, restated from rippled's Offer_test.cpp
(testXRPDirectCross, testDirectCross, testBridgedCross, testBridgedSecondLegDry, testSelfCross,
testSelfCrossOffer1, testInsufficientReserve, testUnfundedCross)."""

from __future__ import annotations

from tests.support.env import XRP
from tests.unit.flow.jtx import FEE, offer_cancel, offers, plus, reserve, rippled_env


def _default_line(env, who, iou, expected) -> None:  # type: ignore[no-untyped-def]
    """rippled's verifyDefaultTrustline: a line the crossing created, limits zero on both sides,
    holding `expected`."""
    line = env.line(who, iou.issuer, iou.currency)
    assert line is not None
    assert line.low_limit.signum() == 0 and line.high_limit.signum() == 0
    assert env.balance(who, iou) == expected


def test_xrp_direct_cross() -> None:
    """Offer_test::testXRPDirectCross. alice (USD for XRP) and bob (XRP for USD) cross exactly;
    bob's USD line is created by the crossing. Then alice's 999 USD offer meets bob's 1000: bob's
    remainder (1 XRP for 1 USD) stays on the book."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(1000000), gw, bob)
    env.close()
    env.fund(plus(reserve(env, 2), 2 * FEE), alice)
    env.close()
    env.trust(alice, USD(1000))
    env.close()
    env.pay(gw, alice, USD(1000))
    env.close()
    alice_xrp, bob_xrp = env.balance(alice), env.balance(bob)
    env.offer(alice, XRP(1000), USD(1000))
    env.close()
    env.offer(bob, USD(1000), XRP(1000))
    env.close()
    assert env.balance(alice, USD) == USD(0)
    assert env.balance(alice) == plus(alice_xrp, XRP(1000), -FEE)
    assert env.balance(bob) == plus(bob_xrp, -XRP(1000).mantissa, -FEE)
    assert offers(env, alice) == [] and offers(env, bob) == []
    _default_line(env, bob, USD, USD(1000))
    env.offer(alice, USD(999), XRP(999))
    env.offer(bob, XRP(1000), USD(1000))
    env.close()
    assert env.balance(alice, USD) == USD(999)
    assert env.balance(bob, USD) == USD(1)
    assert offers(env, alice) == []
    _default_line(env, bob, USD, USD(1))
    assert offers(env, bob) == [(XRP(1), USD(1))]


def test_direct_cross_of_two_currencies_creates_and_deletes_default_lines() -> None:
    """Offer_test::testDirectCross. alice (USD) and bob (EUR) swap 1000 for 1000; the crossing
    creates each one's line for the currency received. After more crossings that hand
    everything back, those default lines hold nothing and are deleted."""
    env = rippled_env()
    gw, alice, bob = env.account("gateway"), env.account("alice"), env.account("bob")
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    env.fund(XRP(1000000), gw)
    env.close()
    env.fund(plus(reserve(env, 3), 3 * FEE), alice)
    env.fund(plus(reserve(env, 3), 2 * FEE), bob)
    env.close()
    env.trust(alice, USD(1000))
    env.trust(bob, EUR(1000))
    env.close()
    env.pay(gw, alice, USD(1000))
    env.pay(gw, bob, EUR(1000))
    env.close()
    env.offer(alice, EUR(1000), USD(1000))
    env.offer(bob, USD(1000), EUR(1000))
    env.close()
    assert env.balance(alice, EUR) == EUR(1000) and env.balance(bob, USD) == USD(1000)
    assert offers(env, alice) == [] and offers(env, bob) == []
    _default_line(env, alice, EUR, EUR(1000))
    _default_line(env, bob, USD, USD(1000))
    env.offer(bob, EUR(1000), USD(1000))
    env.close()
    env.offer(alice, USD(999), EUR(1000))
    env.close()
    assert offers(env, alice) == [] and len(offers(env, bob)) == 1
    assert env.balance(alice, USD) == USD(999) and env.balance(alice, EUR) == EUR(1)
    assert env.balance(bob, USD) == USD(1) and env.balance(bob, EUR) == EUR(999)
    assert offers(env, bob) == [(EUR(1), USD(1))]
    env.offer(alice, USD(1), EUR(1))
    env.close()
    assert env.balance(alice, USD) == USD(1000)
    assert env.line(alice, gw, "EUR") is None
    assert env.line(bob, gw, "USD") is None
    assert env.balance(bob, EUR) == EUR(1000)
    assert offers(env, alice) == [] and offers(env, bob) == []
    env.offer(alice, EUR(999), USD(1000))
    env.close()
    env.offer(bob, USD(1000), EUR(1000))
    env.close()
    assert offers(env, alice) == [] and offers(env, bob) == []
    assert env.balance(alice, USD) == USD(0) and env.balance(alice, EUR) == EUR(999)
    assert env.balance(bob, USD) == USD(1000) and env.balance(bob, EUR) == EUR(1)


def test_bridged_cross_through_xrp() -> None:
    """Offer_test::testBridgedCross. alice sells USD for XRP, bob sells XRP for EUR; carol sells
    EUR for USD and crosses both through XRP (auto-bridging): first 400, leaving both offers
    reduced, then the 600 remaining, consuming them."""
    env = rippled_env()
    gw, alice, bob, carol = (env.account(n) for n in ("gateway", "alice", "bob", "carol"))
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    env.fund(XRP(1000000), gw, alice, bob, carol)
    env.close()
    env.trust(alice, USD(1000))
    env.trust(carol, EUR(1000))
    env.close()
    env.pay(gw, alice, USD(1000))
    env.pay(gw, carol, EUR(1000))
    env.close()
    env.offer(alice, XRP(1000), USD(1000))
    env.offer(bob, EUR(1000), XRP(1000))
    bob_xrp = env.balance(bob)
    env.close()
    env.offer(carol, USD(400), EUR(400))
    env.close()
    assert env.balance(alice, USD) == USD(600)
    assert env.balance(bob, EUR) == EUR(400)
    assert env.balance(carol, USD) == USD(400)
    assert env.balance(bob) == plus(bob_xrp, -XRP(400).mantissa)
    assert offers(env, carol) == []
    _default_line(env, bob, EUR, EUR(400))
    _default_line(env, carol, USD, USD(400))
    assert offers(env, alice) == [(XRP(600), USD(600))]
    assert offers(env, bob) == [(EUR(600), XRP(600))]
    env.offer(carol, USD(600), EUR(600))
    env.close()
    assert env.balance(alice, USD) == USD(0)
    assert env.balance(bob, EUR) == EUR(1000)
    assert env.balance(carol, USD) == USD(1000)
    assert env.balance(bob) == plus(bob_xrp, -XRP(1000).mantissa)
    assert offers(env, alice) == [] and offers(env, bob) == [] and offers(env, carol) == []


def test_auto_bridged_second_leg_dry() -> None:
    """Offer_test::testBridgedSecondLegDry. bob buys 10 USD for 10 EUR. Through XRP he first
    takes alice's two bridged legs (2 EUR -> 2 XRP -> 4 USD, alice's XRP->USD leg running dry
    first), then alice's last EUR->XRP offer with carol's XRP->USD offer (3 USD). bob gets 7
    USD, spends 4 EUR, and the rest of his offer (3 USD for 3 EUR) is placed."""
    env = rippled_env()
    alice, bob, carol, gw = (env.account(n) for n in ("alice", "bob", "carol", "gateway"))
    USD, EUR = env.iou(gw, "USD"), env.iou(gw, "EUR")
    env.fund(XRP(100000000), alice, bob, carol, gw)
    env.close()
    env.trust(alice, USD(10))
    env.close()
    env.pay(gw, alice, USD(10))
    env.trust(carol, USD(10))
    env.close()
    env.pay(gw, carol, USD(3))
    env.offer(alice, EUR(2), XRP(1))
    env.offer(alice, EUR(2), XRP(1))
    env.offer(alice, XRP(1), USD(4))
    env.offer(carol, XRP(1), USD(3))
    env.close()
    env.trust(bob, EUR(10))
    env.close()
    env.pay(gw, bob, EUR(10))
    env.close()
    env.offer(bob, USD(10), EUR(10))
    env.close()
    assert env.balance(bob, USD) == USD(7) and env.balance(bob, EUR) == EUR(6)
    assert len(offers(env, bob)) == 1 and env.owner_count(bob) == 3
    assert env.balance(alice, USD) == USD(6) and env.balance(alice, EUR) == EUR(4)
    assert offers(env, alice) == [] and env.owner_count(alice) == 2
    assert env.balance(carol, USD) == USD(0)
    assert env.line(carol, gw, "EUR") is None
    assert offers(env, carol) == [] and env.owner_count(carol) == 1


def test_self_crossing_deletes_own_offers_instead_of_crossing_them() -> None:
    """Offer_test::testSelfCross (the gateway as owner). The gateway's BTC->XRP and XRP->USD
    offers are consumed by its own auto-bridged USD->BTC offer (nothing is left anywhere). Then a
    direct BTC/USD offer of its own is not crossed by the opposite one: it is deleted, and only
    the new offer remains."""
    env = rippled_env()
    gw = env.account("gateway")
    USD, BTC = env.iou(gw, "USD"), env.iou(gw, "BTC")
    env.fund(XRP(10000), gw)
    env.close()
    env.offer(gw, BTC(250), XRP(1000))
    assert offers(env, gw) == [(BTC(250), XRP(1000))]
    second_leg = env.seq(gw)
    env.offer(gw, XRP(1000), USD(50))
    assert len(offers(env, gw)) == 2
    env.offer(gw, USD(50), BTC(250))
    assert offers(env, gw) == []
    offer_cancel(env, gw, second_leg)
    env.offer(gw, BTC(250), USD(50))
    assert offers(env, gw) == [(BTC(250), USD(50))]
    env.offer(gw, USD(50), BTC(250))
    assert offers(env, gw) == [(USD(50), BTC(250))]


def test_self_cross_offer_removes_several_of_the_owners_offers() -> None:
    """Offer_test::testSelfCrossOffer1. The gateway has three offers buying 60 USD for 600 XRP.
    Its offer selling 100 USD for 1000 XRP would cross them: instead they are all deleted (their
    reserves released) and the new offer is placed whole."""
    env = rippled_env()
    gw = env.account("gateway")
    USD = env.iou(gw, "USD")
    start = XRP(1000000)
    env.fund(plus(start, 4 * FEE), gw)
    env.close()
    for _ in range(3):
        env.offer(gw, USD(60), XRP(600))
        env.close()
    assert env.owner_count(gw) == 3
    assert env.balance(gw) == plus(start, FEE)
    assert offers(env, gw) == [(USD(60), XRP(600))] * 3
    env.offer(gw, XRP(1000), USD(100))
    env.close()
    assert env.owner_count(gw) == 1
    assert env.balance(gw) == start
    assert offers(env, gw) == [(XRP(1000), USD(100))]


def test_insufficient_reserve_no_cross_partial_cross_full_cross() -> None:
    """Offer_test::testInsufficientReserve. alice has only the reserve (and a fee) before her
    offer: with nothing to cross it is tecINSUF_RESERVE_OFFER; if it partly crosses, what crossed
    stands but nothing is placed (tesSUCCESS); if it fully crosses, it simply succeeds."""
    for case in ("none", "partial", "full"):
        env = rippled_env()
        gw, alice, bob, carol = (env.account(n) for n in ("gateway", "alice", "bob", "carol"))
        USD = env.iou(gw, "USD")
        env.fund(XRP(1000000), gw)
        r = reserve(env, 0)
        if case != "none":
            env.fund(plus(r, FEE, XRP(1000)), bob)
            env.offer(bob, USD(500), XRP(500))
        if case == "full":
            env.fund(plus(r, FEE, XRP(1000)), carol)
            env.offer(carol, USD(1000), XRP(1000))
        env.fund(plus(r, FEE), alice)
        env.trust(alice, USD(1000))
        env.pay(gw, alice, USD(1000))
        expect = "tecINSUF_RESERVE_OFFER" if case == "none" else "tesSUCCESS"
        env.offer(alice, XRP(1000), USD(1000), expect=expect)
        assert env.owner_count(alice) == 1
        if case == "none":
            assert env.balance(alice) == plus(r, -FEE)
        elif case == "partial":
            assert env.balance(alice) == plus(r, -FEE, XRP(500))
            assert env.balance(alice, USD) == USD(500)
            assert env.balance(bob) == plus(r, XRP(500)) and env.balance(bob, USD) == USD(500)
            assert env.owner_count(bob) == 1
        else:
            assert env.balance(alice) == plus(r, -FEE, XRP(1000))
            assert env.balance(alice, USD) == USD(0)
            assert env.balance(bob) == plus(r, XRP(500)) and env.balance(bob, USD) == USD(500)
            assert env.balance(carol) == plus(r, XRP(500)) and env.balance(carol, USD) == USD(500)
            assert env.owner_count(bob) == 1 and env.owner_count(carol) == 2


def test_unfunded_crossing_and_reserve_edge_cases() -> None:
    """Offer_test::testUnfundedCross. An offer selling XRP from an account at (or just above)
    its reserve is tecUNFUNDED_OFFER; with one XRP to spare but not the reserve for the offer it
    is tecINSUF_RESERVE_OFFER; with the reserve for one object it is placed."""
    env = rippled_env()
    gw = env.account("gateway")
    USD = env.iou(gw, "USD")
    env.fund(XRP(1000000), gw)
    cases = [
        ("alice", plus(reserve(env, 0)), "tecUNFUNDED_OFFER", plus(reserve(env, 0), -FEE), 0),
        ("bob", plus(reserve(env, 0), FEE), "tecUNFUNDED_OFFER", reserve(env, 0), 0),
        ("carol", plus(reserve(env, 0), FEE, XRP(1)), "tecINSUF_RESERVE_OFFER", plus(reserve(env, 0), XRP(1)), 0),
        ("dan", plus(reserve(env, 1), FEE), "tesSUCCESS", reserve(env, 1), 1),
        ("eve", plus(reserve(env, 1), FEE, XRP(1000)), "tesSUCCESS", plus(reserve(env, 1), XRP(1000)), 1),
    ]
    for name, fund, expect, balance, owners in cases:
        who = env.account(name)
        env.fund(fund, who)
        env.offer(who, USD(1000), XRP(1000), expect=expect)
        assert env.balance(who) == balance
        assert env.owner_count(who) == owners
